/**
 * The reminder queue: one delayed BullMQ job per (session, step), planned when a respondent
 * stops halfway and replaced on every activity. Job data holds ids only. The worker runs in
 * the bot process (reminders are rendered with its surveys and locales) and hands each job
 * to a processor that decides; the processor's "next" plan becomes the following job.
 * @module
 */
import { DelayedError, Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { QueueSettings } from './queues.ts';
import { redisOptions } from './redis.ts';

export const REMINDER_QUEUE = 'reminders';

/** Reminder `step` (0-based) or the expiry of a session, planned at its `revision`. */
export interface ReminderJob {
  sessionId: string;
  revision: number;
  kind: 'remind' | 'expire';
  step: number;
}
export interface Planned {
  job: ReminderJob;
  at: Date;
}
export type ReminderProcessor = (job: ReminderJob) => Promise<{ outcome: string; next: Planned | null }>;

/** One id per session and step (ids may not contain ':'); a re-add while it waits is a no-op. */
export const reminderJobId = (sessionId: string, step: number): string => `remind-${sessionId}-${step}`;

export interface ReminderQueueOptions {
  /** Reminder steps a session can have (reminders + the expiry), to know which jobs to cancel. */
  steps: number;
  now: () => Date;
  log: Logger;
  /** Run the worker in this process (the bot); false = only plan jobs. */
  worker: boolean;
}

export class ReminderQueue {
  readonly queue: Queue<ReminderJob>;
  private worker: Worker<ReminderJob> | null = null;

  constructor(
    private readonly settings: QueueSettings,
    private readonly opts: ReminderQueueOptions,
  ) {
    this.queue = new Queue<ReminderJob>(REMINDER_QUEUE, { connection: redisOptions(settings.url, 'producer'), prefix: settings.prefix });
    this.queue.on('error', (e: Error) => opts.log.warn({ queue: REMINDER_QUEUE, err: e.message }, 'queue connection problem'));
  }

  /** Starts processing; each job's outcome may plan the next one. */
  start(process: ReminderProcessor): void {
    if (!this.opts.worker) return;
    this.worker = new Worker<ReminderJob>(
      REMINDER_QUEUE,
      async (job, token) => {
        const r = await process(job.data);
        if (r.outcome === 'deferred' && r.next) {
          // Quiet hours: the same job waits until they end.
          await job.moveToDelayed(r.next.at.getTime(), token);
          throw new DelayedError();
        }
        if (r.next) await this.schedule(r.next);
        return r.outcome;
      },
      { connection: redisOptions(this.settings.url, 'worker'), prefix: this.settings.prefix, concurrency: 4 },
    );
    this.worker.on('error', (e) => this.opts.log.error({ queue: REMINDER_QUEUE, err: e.message }, 'worker error'));
    this.worker.on('failed', (job, e) => this.opts.log.warn({ queue: REMINDER_QUEUE, job: job?.id, err: e.message }, 'reminder job failed'));
  }

  /** Adds the job to run at `at` (by the app's clock). Completed and failed jobs are removed so the id can be planned again. */
  async schedule(p: Planned): Promise<void> {
    const delay = Math.max(0, p.at.getTime() - this.opts.now().getTime());
    await this.queue.add(p.job.kind, p.job, {
      jobId: reminderJobId(p.job.sessionId, p.job.step),
      delay,
      attempts: 5,
      backoff: { type: 'exponential', delay: 30_000 },
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  /** Removes a session's waiting jobs; one being processed right now finds its revision stale and sends nothing. */
  async cancel(sessionId: string): Promise<void> {
    await Promise.all(Array.from({ length: this.opts.steps }, (_, k) => this.queue.remove(reminderJobId(sessionId, k))));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
