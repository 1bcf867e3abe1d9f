/**
 * The BullMQ workers for the media, speech and maintenance queues around the pipeline, plus
 * the recurring jobs (sweep for lost jobs, media retention). Composed by workers/main.ts, inside
 * `stemmen start` by default, or alone as `stemmen worker` on more machines.
 * @module
 */
import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { MediaRepo } from '../storage/media.ts';
import type { TextTranslationRepo } from '../storage/text-translations.ts';
import { submitMedia, submitTexts } from './intake.ts';
import { isRejection } from './media/errors.ts';
import type { MediaFiles } from './media/files.ts';
import { giveUpMedia, processMedia, processSpeech, type PipelineDeps } from './media/pipeline.ts';
import { deleteExpiredMedia } from './media/retention.ts';
import { sweepTryitInbox } from './media/tryit-inbox.ts';
import { MAINTENANCE_QUEUE, MEDIA_QUEUE, SPEECH_QUEUE, TEXT_JOB, type MaintenanceJob, type MediaJob, type Queues, type SpeechJob } from './queues.ts';
import { translateTyped } from './translate/typed.ts';
import { redisOptions } from './redis.ts';
import { upsertEvery } from './schedulers.ts';

export interface WorkerSettings {
  concurrency: number;
  lockSeconds: number;
  retentionDays: number;
  /** How old a still-pending answer must be before the sweeper re-queues it. */
  sweepAfterMs?: number;
  sweepEveryMs?: number;
  retentionEveryMs?: number;
}

export interface Workers {
  close(opts?: { timeoutMs?: number }): Promise<void>;
  /** Re-queues answers whose jobs went missing; returns how many. */
  sweep(): Promise<number>;
  retention(): Promise<number>;
}

export async function startWorkers(
  queues: Queues,
  deps: PipelineDeps & { repo: MediaRepo; files: MediaFiles; texts: TextTranslationRepo },
  settings: WorkerSettings,
  log: Logger,
): Promise<Workers> {
  const connection = redisOptions(queues.settings.url, 'worker');
  const common = {
    connection,
    prefix: queues.settings.prefix,
    lockDuration: settings.lockSeconds * 1000,
    stalledInterval: settings.lockSeconds * 1000,
    maxStalledCount: 2,
  };
  const isFinal = (job: Job) => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

  const media = new Worker<MediaJob>(
    MEDIA_QUEUE,
    async (job) => {
      try {
        const r = await processMedia(deps, job.data.answerId, job.data.revision);
        // An erased answer's job cannot be removed while it runs; drop its reference instead.
        if (r.outcome === 'stale' && !(await deps.repo.load(job.data.answerId))) await job.updateData({ answerId: '', revision: 0 });
        const a = r.speech;
        if (a) await submitMedia(queues, [{ id: a.id, revision: a.revision, channel: a.channel, ref: a.ref, stage: 'speech' }]);
        return r.outcome;
      } catch (e) {
        if (!isRejection(e) && isFinal(job)) await giveUpMedia(deps, job.data.answerId, job.data.revision, e as Error);
        throw e;
      }
    },
    { ...common, concurrency: settings.concurrency },
  );

  const speech = new Worker<SpeechJob>(
    SPEECH_QUEUE,
    async (job) => {
      // Typed answers share this queue (and its concurrency) with the transcripts they sit beside.
      if (job.name === TEXT_JOB) return translateTyped({ texts: deps.texts, mt: deps.mt }, job.data.answerId, job.data.revision, isFinal(job));
      const outcome = await processSpeech(deps, job.data.answerId, job.data.revision, isFinal(job));
      if (outcome === 'stale' && !(await deps.repo.load(job.data.answerId))) await job.updateData({ answerId: '', revision: 0 });
      return outcome;
    },
    { ...common, concurrency: settings.concurrency },
  );

  const sweep = async () => {
    const before = new Date(deps.now().getTime() - (settings.sweepAfterMs ?? 60_000)).toISOString();
    const items = await deps.repo.unfinished(before);
    await submitMedia(queues, items);
    const texts = await deps.texts.pending(before);
    await submitTexts(queues, texts);
    // Try-it uploads whose answer is gone (erased) or never came: nothing of theirs may stay.
    await sweepTryitInbox(deps.files.root, await deps.repo.pendingRefs('tryit'), deps.now());
    return items.length + texts.length;
  };
  const retention = () => deleteExpiredMedia(deps.repo, deps.files, deps.now(), settings.retentionDays);
  const maintenance = new Worker<MaintenanceJob>(MAINTENANCE_QUEUE, async (job) => (job.data.task === 'sweep' ? sweep() : retention()), {
    ...common,
    concurrency: 1,
  });

  for (const w of [media, speech, maintenance]) {
    w.on('error', (e) => log.error({ queue: w.name, err: e.message }, 'worker error'));
    // Log ids and reasons only: job data holds answer ids, never an address.
    w.on('failed', (job, e) =>
      log.warn({ queue: w.name, job: job?.id, attempt: job?.attemptsMade, err: e.message }, isRejection(e) ? 'media rejected' : 'job failed'),
    );
  }
  // Recurring jobs: one scheduler each, shared by every worker process (upsert is idempotent).
  await upsertEvery(queues.maintenance, 'sweep', settings.sweepEveryMs ?? 60_000, { name: 'sweep', data: { task: 'sweep' } });
  await upsertEvery(queues.maintenance, 'retention', settings.retentionEveryMs ?? 6 * 3600_000, { name: 'retention', data: { task: 'retention' } });

  return {
    sweep,
    retention,
    async close(opts = {}) {
      // Finish the jobs in hand; past the deadline, hand them back (they become stalled and
      // another worker takes them over after QUEUE_LOCK_SECONDS).
      const workers = [media, speech, maintenance];
      const timeout = opts.timeoutMs ?? 25_000;
      let timer: NodeJS.Timeout | undefined;
      const graceful = Promise.all(workers.map((w) => w.close())).then(() => 'closed' as const);
      const deadline = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), timeout);
      });
      const result = await Promise.race([graceful, deadline]);
      clearTimeout(timer);
      if (result === 'timeout') {
        log.warn({ timeoutMs: timeout }, 'media jobs still running at shutdown; handing them back to the queue');
        await Promise.all(workers.map((w) => w.close(true)));
      }
    },
  };
}
