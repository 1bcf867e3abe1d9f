/**
 * Composition of the media pipeline for any process that runs it: the queues the bot submits
 * answers to, the workers (when asked for), and the port the bot's handler uses. Takes plain
 * settings (mapped from the bot's config by whoever calls it) and an injected `notify` for the
 * rejection notes, so workers/ stays free of the bot.
 * @module
 */
import type { Logger } from 'pino';
import type { Db } from '../storage/database.ts';
import { MediaRepo } from '../storage/media.ts';
import { TextTranslationRepo } from '../storage/text-translations.ts';
import type { SttSettings } from './clients/transcribe.ts';
import { LibreTranslateClient } from './clients/libretranslate.ts';
import { submitMedia, submitTexts, withdrawMedia, withdrawTexts, type MediaSubmission, type TextSubmission } from './intake.ts';
import type { TelegramSource } from './media/fetch-telegram.ts';
import type { CloudMediaSource } from './media/fetch-cloud.ts';
import { MediaFiles } from './media/files.ts';
import type { PipelineDeps, RejectionNotifier, Translator } from './media/pipeline.ts';
import { forgetFiles } from './media/retention.ts';
import { Queues, type QueueSettings } from './queues.ts';
import { startWorkers, type Workers, type WorkerSettings } from './runtime.ts';

/** Everything the media pipeline needs to know, as plain data. */
export interface MediaSettings {
  redis: QueueSettings;
  media: { dir: string; maxBytes: number; maxSeconds: number; retentionDays: number };
  /** `inProcess`: run the workers in this process (the bot's default; `stemmen worker` always). */
  workers: { inProcess: boolean; concurrency: number; lockSeconds: number; sweepAfterMs: number; sweepEveryMs: number };
  telegram: TelegramSource | null;
  /** WHATSAPP_MODE=cloud: where inbound Cloud API media is fetched. Absent or null: none. */
  whatsappCloud?: CloudMediaSource | null;
  stt: SttSettings | null;
  mt: { url: string; apiKey: string | null; targets: readonly string[] } | null;
  /** PHONE_DEFAULT_REGION: numbers written without a country code are found as this region's (scrubbing before MT). */
  phoneRegion?: string | undefined;
}

export interface MediaOptions {
  /** Hosts a WhatsApp media url may point at (tests: their loopback server). */
  whatsappAllowHost?: (host: string) => boolean;
  /** Hosts a Cloud API media url may point at besides the Graph API host (tests: their loopback server). */
  cloudAllowHost?: (host: string) => boolean;
  /** Translation client for transcripts and typed answers; default the LibreTranslate client for the MT url. */
  translator?: Translator;
  /** First retry delay of typed answers' translations (tests: short). */
  retryDelayMs?: number;
}

/** What the bot's handler sees of the pipeline. */
export interface MediaIntake {
  submit(items: MediaSubmission[]): Promise<void>;
  forget(files: Array<{ file: string; sha256: string }>): Promise<void>;
  withdraw(items: MediaSubmission[]): Promise<void>;
  /** Whether typed answers are translated (MT_URL set): they are stored `pending`, else `off`. */
  translatesText: boolean;
  /** Queues committed typed answers for translation. */
  translate(items: TextSubmission[]): Promise<void>;
  /** Removes the translation jobs of an erased respondent's typed answers. */
  withdrawTexts(items: TextSubmission[]): Promise<void>;
}

export interface MediaRuntime {
  queues: Queues;
  port: MediaIntake;
  workers: Workers | null;
  repo: MediaRepo;
  files: MediaFiles;
  close(): Promise<void>;
}

export interface MediaParts {
  db: Db;
  notify: RejectionNotifier;
  now: () => Date;
  log: Logger;
}

export function pipelineDeps(
  settings: MediaSettings,
  parts: Omit<MediaParts, 'log'>,
  opts: MediaOptions = {},
): PipelineDeps & { repo: MediaRepo; files: MediaFiles; texts: TextTranslationRepo } {
  const { media, mt } = settings;
  return {
    repo: new MediaRepo(parts.db),
    texts: new TextTranslationRepo(parts.db),
    files: new MediaFiles(media.dir),
    now: parts.now,
    notify: parts.notify,
    limits: { maxBytes: media.maxBytes, maxSeconds: media.maxSeconds },
    telegram: settings.telegram,
    ...(opts.whatsappAllowHost ? { whatsappAllowHost: opts.whatsappAllowHost } : {}),
    ...(settings.whatsappCloud ? { whatsappCloud: { ...settings.whatsappCloud, ...(opts.cloudAllowHost ? { allowHost: opts.cloudAllowHost } : {}) } } : {}),
    stt: settings.stt,
    mt: mt
      ? { translator: opts.translator ?? new LibreTranslateClient({ url: mt.url, apiKey: mt.apiKey }), targets: mt.targets, region: settings.phoneRegion }
      : null,
  };
}

export function workerSettings(settings: MediaSettings): WorkerSettings {
  const w = settings.workers;
  return {
    concurrency: w.concurrency,
    lockSeconds: w.lockSeconds,
    retentionDays: settings.media.retentionDays,
    sweepAfterMs: w.sweepAfterMs,
    sweepEveryMs: w.sweepEveryMs,
  };
}

export async function createMedia(settings: MediaSettings, parts: MediaParts, opts: MediaOptions = {}): Promise<MediaRuntime> {
  const queues = new Queues({ ...settings.redis, ...(opts.retryDelayMs !== undefined ? { retryDelayMs: opts.retryDelayMs } : {}) });
  queues.onError((queue, e) => parts.log.warn({ queue, err: e.message }, 'queue connection problem'));
  const deps = pipelineDeps(settings, parts, opts);
  const workers = settings.workers.inProcess ? await startWorkers(queues, deps, workerSettings(settings), parts.log) : null;
  return {
    queues,
    workers,
    repo: deps.repo,
    files: deps.files,
    port: {
      submit: (items) => submitMedia(queues, items),
      forget: (files) => forgetFiles(deps.repo, deps.files, files),
      withdraw: (items) => withdrawMedia(queues, items),
      translatesText: settings.mt !== null,
      translate: (items) => submitTexts(queues, items),
      withdrawTexts: (items) => withdrawTexts(queues, items),
    },
    async close() {
      await workers?.close();
      await queues.close();
    },
  };
}
