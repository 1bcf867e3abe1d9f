/**
 * The campaign queue: one job per person an invitation or a results message goes to, spread
 * over a time window by delays and sent one at a time by the bot process (which holds the
 * channels). Job data holds the campaign id and a keyed hash or respondent id, never a number.
 * @module
 */
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { QueueSettings } from './queues.ts';
import { redisOptions } from './redis.ts';

export const CAMPAIGN_QUEUE = 'campaigns';

export interface CampaignJob {
  campaignId: string;
  targetKey: string;
}

/** One id per campaign and person: planning again (a resumed run) adds nothing twice. */
export const campaignJobId = (j: CampaignJob): string => `campaign-${j.campaignId}-${j.targetKey}`;

export class CampaignQueue {
  readonly queue: Queue<CampaignJob>;
  private worker: Worker<CampaignJob> | null = null;

  constructor(
    private readonly settings: QueueSettings,
    private readonly log: Logger,
  ) {
    this.queue = new Queue<CampaignJob>(CAMPAIGN_QUEUE, { connection: redisOptions(settings.url, 'producer'), prefix: settings.prefix });
    this.queue.on('error', (e: Error) => log.warn({ queue: CAMPAIGN_QUEUE, err: e.message }, 'queue connection problem'));
  }

  /** Adds the jobs, each delayed until its planned time. */
  async plan(jobs: Array<{ job: CampaignJob; delayMs: number }>): Promise<void> {
    await this.queue.addBulk(
      jobs.map(({ job, delayMs }) => ({
        name: 'send',
        data: job,
        opts: {
          jobId: campaignJobId(job),
          delay: Math.max(0, delayMs),
          attempts: 5,
          backoff: { type: 'exponential', delay: 10_000 },
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
  }

  /** Sends one at a time (channels pace further); `perMinute` caps the rate over all workers. */
  start(process: (job: CampaignJob) => Promise<string>, perMinute: number): void {
    this.worker = new Worker<CampaignJob>(CAMPAIGN_QUEUE, async (job) => process(job.data), {
      connection: redisOptions(this.settings.url, 'worker'),
      prefix: this.settings.prefix,
      concurrency: 1,
      limiter: { max: perMinute, duration: 60_000 },
    });
    this.worker.on('error', (e) => this.log.error({ queue: CAMPAIGN_QUEUE, err: e.message }, 'worker error'));
    this.worker.on('failed', (job, e) => this.log.warn({ queue: CAMPAIGN_QUEUE, job: job?.id, err: e.message }, 'campaign message failed'));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
