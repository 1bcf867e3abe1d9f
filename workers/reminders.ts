/**
 * The reminder queue: one repeatable BullMQ job, the sweep, that runs every few seconds and
 * sends what is due. When a session's next reminder is due is a column of the session
 * (`reminder_due_at`), written with the session on every save, so an answer costs Redis
 * nothing; a sweep costs one indexed query plus the reminders it sends (issue 20). The worker
 * runs in the bot process (reminders are rendered with its surveys and locales); pausing the
 * queue (queue board) pauses reminders.
 * @module
 */
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { QueueSettings } from './queues.ts';
import { redisOptions } from './redis.ts';
import { upsertEvery } from './schedulers.ts';

export const REMINDER_QUEUE = 'reminders';
const SWEEP = 'sweep';

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
/** Sends the reminders due now; returns how many sessions it handled. */
export type ReminderSweep = () => Promise<number>;

export interface ReminderQueueOptions {
  /** How often the sweep runs. */
  sweepMs: number;
  log: Logger;
  /** Run the worker in this process (the bot); false = nothing runs here. */
  worker: boolean;
}

export class ReminderQueue {
  readonly queue: Queue;
  private worker: Worker | null = null;

  constructor(
    private readonly settings: QueueSettings,
    private readonly opts: ReminderQueueOptions,
  ) {
    this.queue = new Queue(REMINDER_QUEUE, { connection: redisOptions(settings.url, 'producer'), prefix: settings.prefix });
    this.queue.on('error', (e: Error) => opts.log.warn({ queue: REMINDER_QUEUE, err: e.message }, 'queue connection problem'));
  }

  /** Plans the repeating sweep (one scheduler, however many processes call this) and processes it. */
  async start(sweep: ReminderSweep): Promise<void> {
    if (!this.opts.worker) return;
    await upsertEvery(this.queue, SWEEP, this.opts.sweepMs, { name: SWEEP, opts: { removeOnComplete: true, removeOnFail: 100 } });
    this.worker = new Worker(REMINDER_QUEUE, async () => sweep(), {
      connection: redisOptions(this.settings.url, 'worker'),
      prefix: this.settings.prefix,
      // One sweep at a time: two would read the same due sessions (the repository still sends each reminder once).
      concurrency: 1,
    });
    this.worker.on('error', (e) => this.opts.log.error({ queue: REMINDER_QUEUE, err: e.message }, 'worker error'));
    this.worker.on('failed', (job, e) => this.opts.log.warn({ queue: REMINDER_QUEUE, job: job?.id, err: e.message }, 'reminder sweep failed'));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
