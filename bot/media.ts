/**
 * Composition of the media pipeline for the bot process: the queues the handler submits to,
 * the in-process workers (unless WORKERS_IN_PROCESS=0), and Bull Board at /admin/queues.
 * `stemmen worker` builds the same workers without the bot.
 * @module
 */
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Store } from '../storage/store.ts';
import { MediaRepo } from '../storage/media.ts';
import { Queues } from '../workers/queues.ts';
import { submitMedia, withdrawMedia } from '../workers/intake.ts';
import { MediaFiles } from '../workers/media/files.ts';
import { forgetFiles } from '../workers/media/retention.ts';
import { startWorkers, type Workers } from '../workers/runtime.ts';
import type { PipelineDeps, Translator } from '../workers/media/pipeline.ts';
import { mediaRejectionNotifier } from './conversation/media-notes.ts';
import { LibreTranslateClient } from '../workers/clients/libretranslate.ts';
import type { MediaPort } from './conversation/handler.ts';
import type { Renderer } from './conversation/render.ts';

export interface MediaOptions {
  /** Hosts a WhatsApp media url may point at (tests: their loopback server). */
  whatsappAllowHost?: (host: string) => boolean;
  /** Translation client for transcripts; default the LibreTranslate client for MT_URL. */
  translator?: Translator;
  sweepAfterMs?: number;
  sweepEveryMs?: number;
}

export interface MediaRuntime {
  queues: Queues;
  port: MediaPort;
  workers: Workers | null;
  repo: MediaRepo;
  files: MediaFiles;
  close(): Promise<void>;
}

export function pipelineDeps(config: Config, parts: { store: Store; renderer: Renderer; log: Logger; flush?: (channel: string, address: string) => Promise<unknown>; now: () => Date }, opts: MediaOptions = {}): PipelineDeps & { repo: MediaRepo; files: MediaFiles } {
  const repo = new MediaRepo(parts.store.db);
  const files = new MediaFiles(config.media.dir);
  const limits = { maxBytes: config.media.maxBytes, maxSeconds: config.media.maxSeconds };
  return {
    repo, files, limits, now: parts.now,
    telegram: config.telegram ? { token: config.telegram.token, apiRoot: config.telegram.apiRoot } : null,
    ...(opts.whatsappAllowHost ? { whatsappAllowHost: opts.whatsappAllowHost } : {}),
    stt: config.stt,
    mt: config.mt ? { translator: opts.translator ?? new LibreTranslateClient({ url: config.mt.url, apiKey: config.mt.apiKey }), targets: config.mt.targets } : null,
    notify: mediaRejectionNotifier({ store: parts.store, renderer: parts.renderer, limits, log: parts.log, now: parts.now, ...(parts.flush ? { flush: parts.flush } : {}) }),
  };
}

export function workerSettings(config: Config, opts: MediaOptions = {}) {
  return {
    concurrency: config.workers.concurrency, lockSeconds: config.workers.lockSeconds, retentionDays: config.media.retentionDays,
    sweepAfterMs: opts.sweepAfterMs ?? config.workers.sweepSeconds * 1000,
    sweepEveryMs: opts.sweepEveryMs ?? config.workers.sweepSeconds * 1000,
  };
}

export async function createMedia(config: Config, parts: { store: Store; renderer: Renderer; log: Logger; flush: (channel: string, address: string) => Promise<unknown>; now: () => Date }, opts: MediaOptions = {}): Promise<MediaRuntime> {
  const queues = new Queues(config.redis);
  queues.onError((queue, e) => parts.log.warn({ queue, err: e.message }, 'queue connection problem'));
  const deps = pipelineDeps(config, parts, opts);
  const workers = config.workers.inProcess ? await startWorkers(queues, deps, workerSettings(config, opts), parts.log) : null;
  return {
    queues, workers, repo: deps.repo, files: deps.files,
    port: {
      submit: (items) => submitMedia(queues, items),
      forget: (files) => forgetFiles(deps.repo, deps.files, files),
      withdraw: (items) => withdrawMedia(queues, items),
    },
    async close() {
      await workers?.close();
      await queues.close();
    },
  };
}
