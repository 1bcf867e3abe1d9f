/**
 * Cloud API figure: N respondents at once answer the default pilot through the WhatsApp Cloud
 * adapter — every input a signed webhook call over HTTP, every reply a send to the fake Graph
 * API over HTTP — against the real app in this process (SQLite, Redis for the queues),
 * pacing off (Meta paces per number; this measures the bot). Latency: webhook call started →
 * the fake received the reply for that person.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../bot/app.ts';
import { CLOUD_WEBHOOK_PATH } from '../../bot/channels/whatsapp-cloud/runtime.ts';
import { loadConfig } from '../../bot/config.ts';
import { FakeGraphApi, type SentCloudMessage } from '../dev/fake-graph-api.ts';
import { buttonReplyBody, listReplyBody, textBody } from '../dev/graph-payloads.ts';

const ROOT = join(import.meta.dirname, '../..');
const CLOUD = { token: 'EAAbench-token-0123456789abcdef', appSecret: 'bench-app-secret', phoneNumberId: '106540352242922' };

export interface CloudFigures {
  respondents: number;
  inputs: number;
  inputsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  webhookP99Ms: number;
}

type Interactive = {
  type?: string;
  action?: { buttons?: Array<{ reply: { id: string; title: string } }>; sections?: Array<{ rows: Array<{ id: string; title: string }> }> };
};

/** What a person answers to `m`: the first option (Done once a choice is toggled), "1", 3 on a scale, a few words, a year. */
function reply(m: SentCloudMessage, toggled: Set<string>): { type: string; body: Record<string, unknown> } {
  const i = m.body.interactive as Interactive | undefined;
  const options =
    i?.type === 'button'
      ? i.action!.buttons!.map((b) => ({ ...b.reply, list: false }))
      : i?.type === 'list'
        ? i.action!.sections!.flatMap((s) => s.rows.map((r) => ({ ...r, list: true })))
        : [];
  const isDone = (id: string) => id.startsWith('md:') || id === 'thd';
  const done = options.find((o) => isDone(o.id));
  const answers = options.filter((o) => !o.id.startsWith('skip:') && !isDone(o.id));
  const pick = done && toggled.has(done.id) ? done : answers[0];
  if (done) toggled.add(done.id);
  if (pick) return { type: 'interactive', body: pick.list ? listReplyBody(pick.id, pick.title) : buttonReplyBody(pick.id, pick.title) };
  const text = (m.body.text as { body?: string } | undefined)?.body ?? (i as { body?: { text?: string } } | undefined)?.body?.text ?? '';
  if (/^\d+\. /m.test(text)) return { type: 'text', body: textBody('1') };
  if (/0 = /.test(text)) return { type: 'text', body: textBody('3') };
  if (/\bwhy\b|What (makes|would)/i.test(text)) return { type: 'text', body: textBody('The language is hard for me.') };
  return { type: 'text', body: textBody('2019') };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? 0;
};

export async function benchCloudWhatsApp(respondents: number, inputsEach = 12): Promise<CloudFigures> {
  const fake = await new FakeGraphApi(CLOUD).start();
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-cloud-'));
  const config = loadConfig(
    {
      DATA_DIR: dir,
      PORT: '0',
      LOG_LEVEL: 'silent',
      QUEUE_PREFIX: `c${process.pid}${Date.now().toString(36)}`,
      TRYIT_ENABLED: '0',
      WHATSAPP_MODE: 'cloud',
      WHATSAPP_CLOUD_TOKEN: CLOUD.token,
      WHATSAPP_PHONE_NUMBER_ID: CLOUD.phoneNumberId,
      WHATSAPP_APP_SECRET: CLOUD.appSecret,
      WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
      WHATSAPP_API_ROOT: fake.apiRoot,
      WHATSAPP_CLOUD_PER_SECOND: '0',
      REMINDER_DELAYS: 'off',
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    },
    ROOT,
  );
  const app = await createApp(config, { logger: pino({ level: 'silent' }) });
  fake.webhookUrl = `${await app.listen()}${CLOUD_WEBHOOK_PATH}`;
  const waiting = new Map<string, (m: SentCloudMessage) => void>();
  fake.onSent = (m) => {
    const w = waiting.get(m.to);
    waiting.delete(m.to);
    w?.(m);
  };
  const latencies: number[] = [];
  const webhook: number[] = [];
  try {
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: respondents }, async (_, n) => {
        const waId = `3169${String(n).padStart(7, '0')}`;
        const toggled = new Set<string>();
        let next: { type: string; body: Record<string, unknown> } = { type: 'text', body: textBody('hallo') };
        let context: string | undefined;
        for (let i = 0; i < inputsEach; i++) {
          const got = new Promise<SentCloudMessage>((resolve) => waiting.set(waId, resolve));
          const a = performance.now();
          const status = await fake.say(waId, next.type, next.body, context ? { context } : {});
          webhook.push(performance.now() - a);
          if (status !== 200) throw new Error(`webhook answered ${status}`);
          const m = await got;
          latencies.push(performance.now() - a);
          next = reply(m, toggled);
          context = m.id;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return {
      respondents,
      inputs: latencies.length,
      inputsPerSecond: Math.round(latencies.length / seconds),
      p50Ms: pct(latencies, 0.5),
      p99Ms: pct(latencies, 0.99),
      webhookP99Ms: pct(webhook, 0.99),
    };
  } finally {
    await app.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await benchCloudWhatsApp(Number(process.argv[2] ?? 200));
  console.log(JSON.stringify(f));
}
