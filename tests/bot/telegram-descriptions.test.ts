/**
 * The bot's description and short description (what a newcomer reads before pressing Start),
 * set per survey language and as the default in the survey's base language, only where the
 * text differs, and never failing startup. Real grammY against the fake Bot API over HTTP.
 */
import { join } from 'node:path';
import { Api } from 'grammy';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerDescriptions } from '../../bot/channels/telegram/descriptions.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { ROOT, startTestApp } from '../helpers/app.ts';

// The default pilot's languages Telegram takes a code for (two letters: not prs, ckb, kmr).
const LANGUAGES = ['en', 'nl', 'ar', 'fa', 'uk', 'ti', 'so', 'tr', 'ps', 'ru', 'pl'];
const locales = readLocales(join(ROOT, 'locales'));
const i18n = createI18n(locales);
const text = (lng: string, key: 'description' | 'short_description') => (locales.resources[lng]!.bot as { telegram: Record<string, string> }).telegram[key]!;
const sets = (f: FakeBotApi) => f.calls.filter((c) => c.method === 'setMyDescription' || c.method === 'setMyShortDescription');

let fake: FakeBotApi;
beforeEach(async () => {
  fake = await FakeBotApi.start();
});
afterEach(async () => {
  await fake.close();
});

describe('Telegram bot descriptions', () => {
  it('are set at startup for every survey language, and the default in the base language', async () => {
    const app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TRYIT_ENABLED: '0' }, { telegramBotInfo: fake.botInfo });
    try {
      await fake.waitForCall((c) => c.method === 'setMyShortDescription' && c.params.language_code === 'pl');
      for (const lng of LANGUAGES) {
        expect(fake.profile.get('description', lng)).toBe(text(lng, 'description'));
        expect(fake.profile.get('short_description', lng)).toBe(text(lng, 'short_description'));
      }
      // The default pilot's survey is in English first.
      expect(fake.profile.get('description')).toBe(text('en', 'description'));
      expect(fake.profile.get('short_description')).toBe(text('en', 'short_description'));
      expect(sets(fake)).toHaveLength(2 * (LANGUAGES.length + 1));

      // A restart changes nothing: every text is read back and found equal.
      const before = sets(fake).length;
      expect(await app.telegram!.registerDescriptions()).toEqual({ set: 0, unchanged: 2 * (LANGUAGES.length + 1), failed: 0 });
      expect(sets(fake)).toHaveLength(before);
    } finally {
      await app.dispose();
    }
  });

  it('never fail startup: an API error is a warning, and the rest is still set', async () => {
    fake.failNext('getMyDescription', { error_code: 400, description: 'Bad Request: something went wrong' });
    fake.failNext('setMyShortDescription', { error_code: 403, description: 'Forbidden: not allowed' });
    const app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TRYIT_ENABLED: '0' }, { telegramBotInfo: fake.botInfo });
    try {
      await fake.waitForCall((c) => c.method === 'setMyShortDescription' && c.params.language_code === 'pl');
      // The first description and the first short description failed; everything after was set.
      expect(fake.profile.get('description')).toBe('');
      expect(fake.profile.get('short_description')).toBe('');
      expect(fake.profile.get('description', 'nl')).toBe(text('nl', 'description'));
      // Still answering respondents.
      fake.textUpdate(9001, '/start', 'nl');
      await fake.waitForCall((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === 9001);
      // The next start fills the gaps.
      expect(await app.telegram!.registerDescriptions()).toEqual({ set: 2, unchanged: 2 * LANGUAGES.length, failed: 0 });
      expect(fake.profile.get('description')).toBe(text('en', 'description'));
    } finally {
      await app.dispose();
    }
  });

  it('uses the base language for the default and sets only what changed', async () => {
    const api = new Api(fake.token, { apiRoot: fake.url });
    const logs: string[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => void logs.push(l) });
    const deps = { i18n, log, languages: ['nl', 'ar'], defaultLanguage: 'nl' };
    expect(await registerDescriptions(api, deps)).toEqual({ set: 6, unchanged: 0, failed: 0 });
    expect(fake.profile.get('description')).toBe(text('nl', 'description'));
    expect(fake.profile.get('short_description', 'ar')).toBe(text('ar', 'short_description'));

    // Someone edited the Arabic description in BotFather: only that one is put back.
    await api.setMyDescription('old text', { language_code: 'ar' });
    const before = sets(fake).length;
    expect(await registerDescriptions(api, deps)).toEqual({ set: 1, unchanged: 5, failed: 0 });
    expect(
      sets(fake)
        .slice(before)
        .map((c) => [c.method, c.params.language_code]),
    ).toEqual([['setMyDescription', 'ar']]);
    expect(fake.profile.get('description', 'ar')).toBe(text('ar', 'description'));
    expect(logs).toEqual([]);
  });

  it('fit the Bot API limits in every language (also checked by `stemmen check locales`)', () => {
    for (const lng of LANGUAGES) {
      expect(text(lng, 'short_description').length, lng).toBeLessThanOrEqual(120);
      expect(text(lng, 'description').length, lng).toBeLessThanOrEqual(512);
    }
  });
});
