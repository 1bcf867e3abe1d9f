import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkArchitecture } from '../../scripts/checks/architecture.ts';
import { checkLocales } from '../../scripts/checks/locales.ts';
import { ROOT } from '../helpers/app.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stemmen-check-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const put = (rel: string, body: string) => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), body);
};

describe('architecture check', () => {
  it('passes on this repository', () => {
    expect(checkArchitecture(ROOT)).toEqual([]);
  });

  it('finds outward imports, I/O in the domain and cycles', () => {
    put('surveys/a.ts', "import { x } from '../bot/x.ts';\nimport { readFileSync } from 'node:fs';\n");
    put('bot/x.ts', "export const x = 1;\nimport { y } from './y.ts';\n");
    put('bot/y.ts', "export { x as y } from './x.ts';\n");
    put('storage/s.ts', "const w = await import('../workers/w.ts');\n");
    put('workers/w.ts', 'export {};\n');
    const messages = checkArchitecture(dir).map((v) => `${v.file}:${v.line} ${v.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^surveys\/a\.ts:1 surveys\/ must not import bot\//),
        expect.stringMatching(/^surveys\/a\.ts:2 surveys\/ is the pure domain and must not import "node:fs"/),
        expect.stringMatching(/^storage\/s\.ts:1 storage\/ must not import workers\//),
        expect.stringMatching(/import cycle: bot\/(x|y)\.ts → bot\/(x|y)\.ts/),
      ]),
    );
    expect(messages).toHaveLength(4);
  });

  it('keeps each package in its room: database in storage/, queues in workers/, chat SDKs in channels, fastify in web and route mounts', () => {
    put('bot/conversation/a.ts', "import { sql } from 'kysely';\n");
    put('scripts/bench/b.ts', "import SQLite from 'better-sqlite3';\nimport pg from 'pg';\n");
    put('bot/web/c.ts', "import { Queue } from 'bullmq';\n");
    put(
      'bot/app.ts',
      "import type { AuthenticationState } from '@whiskeysockets/baileys';\nimport type { UserFromGetMe } from 'grammy/types';\nimport Fastify from 'fastify';\n",
    );
    put('scripts/dev/d.ts', "import { autoRetry } from '@grammyjs/auto-retry';\n");
    put('bot/channels/telegram/inbound.ts', "import type { FastifyInstance } from 'fastify';\n");
    put('workers/e.ts', "import cookie from '@fastify/cookie';\n");
    // Allowed: each in its own room, and the channels' route mounts.
    put('storage/ok.ts', "import { Kysely } from 'kysely';\nimport pg from 'pg';\n");
    put('workers/ok.ts', "import { Queue } from 'bullmq';\nimport { Redis } from 'ioredis';\n");
    put('bot/web/queue-board.ts', "import { Queue } from 'bullmq';\nimport { createBullBoard } from '@bull-board/api';\n");
    put('bot/channels/whatsapp/ok.ts', "import { proto } from '@whiskeysockets/baileys';\n");
    put('bot/channels/tryit/routes.ts', "import type { FastifyInstance } from 'fastify';\n");
    put('bot/channels/telegram/webhook.ts', "import type { FastifyInstance } from 'fastify';\nimport { Bot } from 'grammy';\n");
    put('bot/web/server.ts', "import Fastify from 'fastify';\nimport formbody from '@fastify/formbody';\n");
    // The cost bench's reference bot is the bot written without stemmen: SDK and driver direct.
    put('scripts/bench/reference-bot.mjs', "import { Bot } from 'grammy';\nimport { run } from '@grammyjs/runner';\nimport Database from 'better-sqlite3';\n");
    const messages = checkArchitecture(dir)
      .map((v) => `${v.file}:${v.line} ${v.message}`)
      .sort();
    expect(messages).toEqual([
      expect.stringMatching(
        /^bot\/app\.ts:1 "@whiskeysockets\/baileys" is the chat SDKs .* allowed only in bot\/channels\/.*; keep SDK code in its channel .* re-export the types/,
      ),
      expect.stringMatching(/^bot\/app\.ts:2 "grammy" is the chat SDKs/),
      expect.stringMatching(/^bot\/app\.ts:3 "fastify" is the web server .* allowed only in bot\/web\/.*; build the server in bot\/web\/server\.ts/),
      expect.stringMatching(/^bot\/channels\/telegram\/inbound\.ts:1 "fastify" is the web server/),
      expect.stringMatching(/^bot\/conversation\/a\.ts:1 "kysely" is the database .* allowed only in storage\/; add a method to the repository in storage\//),
      expect.stringMatching(
        /^bot\/web\/c\.ts:1 "bullmq" is the queues .* allowed only in workers\/, bot\/web\/queue-board\.ts; use the queue classes of workers\//,
      ),
      expect.stringMatching(/^scripts\/bench\/b\.ts:1 "better-sqlite3" is the database .*storage\/raw-drivers\.ts/),
      expect.stringMatching(/^scripts\/bench\/b\.ts:2 "pg" is the database/),
      expect.stringMatching(/^scripts\/dev\/d\.ts:1 "@grammyjs\/auto-retry" is the chat SDKs/),
      expect.stringMatching(/^workers\/e\.ts:1 "@fastify\/cookie" is the web server/),
    ]);
  });

  it('keeps the rooms inside bot/ apart: web uses only the conversation surface, channels never web, conversation never an adapter', () => {
    put('bot/conversation/index.ts', "export type { InboundHandler } from './handler.ts';\n");
    put(
      'bot/conversation/handler.ts',
      "import type { ChannelPort } from '../channels/port.ts';\nimport { TelegramChannel } from '../channels/telegram/channel.ts';\nexport class InboundHandler {}\n",
    );
    put('bot/conversation/followup/invite.ts', 'export const inviteCases = 1;\n');
    put('bot/channels/port.ts', 'export interface ChannelPort { name: string }\n');
    put('bot/channels/telegram/channel.ts', "import { deliver } from '../../delivery/outbox.ts';\nexport class TelegramChannel {}\n");
    put('bot/channels/tryit/routes.ts', "import { HEALTH_PATH } from '../../web/server.ts';\n");
    put('bot/delivery/outbox.ts', "import type { ChannelPort } from '../channels/port.ts';\nexport const deliver = 1;\n");
    put('bot/web/server.ts', "import { deliver } from '../delivery/outbox.ts';\nexport const HEALTH_PATH = '/healthz';\n");
    put(
      'bot/web/dashboard/queue.ts',
      "import type { InboundHandler } from '../../conversation/index.ts';\nimport { inviteCases } from '../../conversation/followup/invite.ts';\n",
    );
    put('bot/app.ts', "import { InboundHandler } from './conversation/handler.ts';\nimport { TelegramChannel } from './channels/telegram/channel.ts';\n");
    const messages = checkArchitecture(dir)
      .map((v) => `${v.file}:${v.line} ${v.message}`)
      .sort();
    expect(messages).toEqual([
      expect.stringMatching(
        /^bot\/channels\/tryit\/routes\.ts:1 bot\/channels\/ must not import bot\/web\/ \(bot\/web\/server\.ts\); a channel mounts its routes on the server it is given/,
      ),
      expect.stringMatching(
        /^bot\/conversation\/handler\.ts:2 bot\/conversation\/ must not import a channel adapter \(bot\/channels\/telegram\/channel\.ts\); use the port \(bot\/channels\/port\.ts\)/,
      ),
      expect.stringMatching(
        /^bot\/web\/dashboard\/queue\.ts:2 bot\/web\/ may use bot\/conversation\/ only through bot\/conversation\/index\.ts, not bot\/conversation\/followup\/invite\.ts; export what the page needs there/,
      ),
    ]);
  });
});

describe('locale check', () => {
  it('passes on this repository', () => {
    const r = checkLocales(join(ROOT, 'locales'));
    expect(r.missing).toEqual([]);
    expect(r.placeholderMismatch).toEqual([]);
    expect(r.reviewMissing).toEqual([]);
    expect(r.tooLong).toEqual([]);
    expect(r.wrongScript).toEqual([]);
  });

  it('covers fourteen languages, six of them right to left in Arabic script', async () => {
    const { SCRIPTS, direction } = await import('../../surveys/languages.ts');
    const langs = readdirSync(join(ROOT, 'locales'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(langs.sort()).toEqual(['ar', 'ckb', 'en', 'fa', 'kmr', 'nl', 'pl', 'prs', 'ps', 'ru', 'so', 'ti', 'tr', 'uk']);
    expect(langs.filter((l) => direction(l) === 'rtl').sort()).toEqual(['ar', 'ckb', 'fa', 'prs', 'ps']);
    expect(langs.filter((l) => SCRIPTS[l] === 'Arab').sort()).toEqual(['ar', 'ckb', 'fa', 'prs', 'ps']);
  });

  it('reports a text in the wrong script and a Pashto or Sorani file without its own letters', () => {
    const farsi = 'می‌خواهید از کدام زبان استفاده کنید؟ روی زبان خود بزنید. '.repeat(5);
    put('en/bot.json', JSON.stringify({ a: 'Which language?', b: 'START {{code}}' }));
    put('ps/bot.json', JSON.stringify({ a: farsi, b: 'START {{code}}' }));
    put('ckb/bot.json', JSON.stringify({ a: 'دەتەوێت بە چ زمانێک قسە بکەیت؟ '.repeat(8), b: 'START {{code}}' }));
    put('ru/bot.json', JSON.stringify({ a: 'Which language would you like?', b: 'START {{code}}' }));
    const review = { bot: { status: 'machine-draft' } };
    put('review.json', JSON.stringify({ en: review, ps: review, ckb: review, ru: review }));
    expect(checkLocales(dir).wrongScript).toEqual([
      "ps/bot.json: no letter only ps uses ([ټډړښږڼېۍځڅ]); is this another language's text?",
      'ru/bot.json: a is not in Cyrl script; write it in ru',
    ]);
  });

  it("reports a Telegram bot description longer than the Bot API's limit", () => {
    put('en/bot.json', JSON.stringify({ telegram: { short_description: 'x'.repeat(120), description: 'Hello' } }));
    put('nl/bot.json', JSON.stringify({ telegram: { short_description: 'y'.repeat(121), description: 'z'.repeat(513) } }));
    put('review.json', JSON.stringify({ en: { bot: { status: 'reviewed' } }, nl: { bot: { status: 'machine-draft' } } }));
    expect(checkLocales(dir).tooLong).toEqual([
      'nl/bot.json: telegram.short_description has 121 characters; Telegram takes at most 120, shorten it',
      'nl/bot.json: telegram.description has 513 characters; Telegram takes at most 512, shorten it',
    ]);
  });

  it('reports a missing key, a missing Arabic plural form, a changed placeholder and a missing review status', () => {
    put('en/bot.json', JSON.stringify({ hello: 'Hello {{name}}', item_one: '{{count}} item', item_other: '{{count}} items', bye: 'Bye' }));
    put('ar/bot.json', JSON.stringify({ hello: 'مرحبا {{nom}}', item_one: 'x', item_other: 'x', item_zero: 'x', item_two: 'x', item_few: 'x' }));
    put('review.json', JSON.stringify({ en: { bot: { status: 'reviewed' } } }));
    const r = checkLocales(dir);
    expect(r.missing).toEqual(['ar/bot.json: bye', 'ar/bot.json: item_many (plural form "many" of ar)']);
    expect(r.placeholderMismatch).toEqual(['ar/bot.json: hello has {{nom}} but en has {{name}}']);
    expect(r.reviewMissing).toEqual(['ar/bot: no review status in locales/review.json (add "reviewed" or "machine-draft")']);
  });

  it('requires staff namespaces (dashboard) only in English, Dutch, Arabic and Tigrinya, but completely where present', () => {
    put('en/dashboard.json', JSON.stringify({ title: 'Dashboard', rule: 'red at {{red}} %' }));
    put('nl/dashboard.json', JSON.stringify({ title: 'Dashboard' }));
    put('ar/dashboard.json', JSON.stringify({ title: 'لوحة', rule: 'أحمر عند {{red}} %' }));
    put('ti/dashboard.json', JSON.stringify({ title: 'ሰሌዳ', rule: 'ቀይሕ {{red}} %' }));
    put('tr/dashboard.json', JSON.stringify({ title: 'Pano' }));
    put('fa/bot.json', JSON.stringify({}));
    put('ar/bot.json', JSON.stringify({}));
    put('en/bot.json', JSON.stringify({}));
    put(
      'review.json',
      JSON.stringify({
        en: { bot: { status: 'reviewed' }, dashboard: { status: 'reviewed' } },
        nl: { bot: { status: 'machine-draft' }, dashboard: { status: 'machine-draft' } },
        ar: { bot: { status: 'machine-draft' }, dashboard: { status: 'machine-draft' } },
        ti: { bot: { status: 'machine-draft' }, dashboard: { status: 'machine-draft' } },
        fa: { bot: { status: 'machine-draft' } },
        tr: { bot: { status: 'machine-draft' }, dashboard: { status: 'machine-draft' } },
      }),
    );
    const r = checkLocales(dir);
    // Farsi has no dashboard file at all: fine. Dutch and Turkish have one, missing a key.
    expect(r.missing).toEqual(['nl/dashboard.json: rule', 'tr/dashboard.json: rule']);
    expect(r.reviewMissing).toEqual([]);
  });
});
