/**
 * Builds the real app on a fresh temporary data folder (own SQLite file, own secret).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp, type App, type AppOptions } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { mediaRejectionNotifier } from '../../bot/conversation/media-notes.ts';
import { Renderer } from '../../bot/conversation/render.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { mediaSettings } from '../../bot/media-settings.ts';
import { pipelineDeps } from '../../workers/main.ts';
import { dropPrefix, REDIS_URL, uniquePrefix } from './redis.ts';

export const ROOT = join(import.meta.dirname, '../..');

export interface TestApp extends App {
  dir: string;
  url: string;
  /** Closes the app and removes its data folder. */
  dispose(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}, opts: AppOptions = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-test-'));
  const prefix = uniquePrefix();
  const config = loadConfig({ DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent', QUEUE_PREFIX: prefix, REDIS_URL, ...env }, ROOT);
  const app = await createApp(config, { logger: pino({ level: 'silent' }), ...opts });
  const url = await app.listen();
  return Object.assign(app, {
    dir,
    url,
    async dispose() {
      await app.close();
      await dropPrefix(config.redis.prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** The app's media pipeline parts, for a test that runs its own workers as `stemmen worker` does. */
export function workerPipeline(app: App) {
  const settings = mediaSettings(app.config);
  const renderer = new Renderer(createI18n(readLocales(app.config.localesDir)));
  const notify = mediaRejectionNotifier({ store: app.store, renderer, limits: settings.media, delivery: app.delivery, log: pino({ level: 'silent' }) });
  return pipelineDeps(settings, { db: app.db, notify, now: () => new Date() });
}

/** A try-it browser: posts messages over HTTP and collects the replies. */
export class TryitClient {
  private n = 0;
  readonly token: string;
  constructor(
    private readonly url: string,
    token?: string,
    private readonly languageHint?: string,
  ) {
    this.token = token ?? `t${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`.padEnd(20, 'x');
  }

  async send(body: {
    text?: string;
    button?: string;
    command?: string;
    messageId?: string;
  }): Promise<{ outcome: string; messages: Array<{ text: string; dir: string; language: string; buttons?: Array<Array<{ label: string; data: string }>> }> }> {
    const res = await fetch(`${this.url}/try/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token: this.token,
        messageId: body.messageId ?? `m${++this.n}`,
        ...(this.languageHint ? { languageHint: this.languageHint } : {}),
        ...body,
      }),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    return (await res.json()) as never;
  }
}
