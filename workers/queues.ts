/**
 * The queues, their job payloads and job ids: the seam between the bot (producer) and the
 * workers. Payloads carry ids only; the answer row holds everything else, and job data sits
 * in Redis in clear text, so it must never hold an address, a name or media bytes.
 * @module
 */
import { createHash } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import { redisOptions } from './redis.ts';

export const MEDIA_QUEUE = 'media';
export const SPEECH_QUEUE = 'speech';
export const MAINTENANCE_QUEUE = 'maintenance';

/** fetch → validate → store → probe → transcode, for one media answer. */
export interface MediaJob {
  answerId: string;
  revision: number;
}
/** transcribe → translate, once the media job has stored the speech audio; or (job name `text`) translate a typed answer. */
export type SpeechJob = MediaJob;
/** The speech queue's job name for translating a typed answer. */
export const TEXT_JOB = 'text';
export interface MaintenanceJob {
  task: 'retention' | 'sweep';
}

export interface QueueSettings {
  url: string;
  prefix: string;
  /** First retry delay of a typed answer's translation (doubling each attempt); default 2 s. Tests shorten it. */
  retryDelayMs?: number | undefined;
}

/**
 * One job id per media answer, derived from the channel's stable file id (and the answer's id
 * and revision, so answering again with another file is new work): a redelivered message or a
 * sweep that re-adds the job finds it already there. BullMQ ids may not contain ':'.
 */
export function mediaJobId(stage: 'media' | 'speech', channel: string, stableFileId: string, answerId: string, revision: number): string {
  const digest = createHash('sha256')
    .update([channel, stableFileId, answerId, String(revision)].join('\u0000'))
    .digest('base64url')
    .slice(0, 32);
  return `${stage}-${channel.replace(/[^A-Za-z0-9_-]/g, '_')}-${digest}`;
}

/** One job per typed answer and revision: the handler and the sweeper derive the same id. */
export function textJobId(answerId: string, revision: number): string {
  return `text-${createHash('sha256').update(`${answerId}\u0000${revision}`).digest('base64url').slice(0, 32)}`;
}

/** Retries with exponential backoff (2 s, 4 s, 8 s, …) for transient failures; kept for a day so a re-add is a no-op. */
export const MEDIA_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export class Queues {
  readonly media: Queue<MediaJob>;
  readonly speech: Queue<SpeechJob>;
  readonly maintenance: Queue<MaintenanceJob>;

  constructor(readonly settings: QueueSettings) {
    const opts = { connection: redisOptions(settings.url, 'producer'), prefix: settings.prefix };
    this.media = new Queue<MediaJob>(MEDIA_QUEUE, opts);
    this.speech = new Queue<SpeechJob>(SPEECH_QUEUE, opts);
    this.maintenance = new Queue<MaintenanceJob>(MAINTENANCE_QUEUE, opts);
  }

  all() {
    return [this.media, this.speech, this.maintenance] as const;
  }

  /** Attach error listeners, or an unreachable Redis becomes an unhandled 'error' event. */
  onError(fn: (queue: string, error: Error) => void): void {
    for (const q of this.all()) (q as Queue).on('error', (e: Error) => fn(q.name, e));
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
