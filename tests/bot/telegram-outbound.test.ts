import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunks, TelegramChannel } from '../../bot/channels/telegram/outbound.ts';
import { Pacer } from '../../bot/channels/pacer.ts';
import { migrateToLatest, openSqlite, type Db } from '../../storage/database.ts';
import { Store } from '../../storage/store.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';

let fake: FakeBotApi;
let dir: string;
let db: Db;
let channel: TelegramChannel;

beforeEach(async () => {
  fake = await FakeBotApi.start();
  dir = mkdtempSync(join(tmpdir(), 'stemmen-tg-out-'));
  db = openSqlite(join(dir, 'db.sqlite'));
  await migrateToLatest(db);
  channel = new TelegramChannel(new Api(fake.token, { apiRoot: fake.url }), '123456', new Store(db));
});
afterEach(async () => {
  await db.destroy();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Telegram outbound', () => {
  it('paced below the Bot API limit, a burst of replies to many chats gets no 429', async () => {
    fake.setRateLimit(30);
    const paced = new TelegramChannel(new Api(fake.token, { apiRoot: fake.url }), '123456', new Store(db), new Pacer({ perChatGapMs: 0, perMinute: 25 * 60 }));
    await Promise.all(Array.from({ length: 40 }, (_, i) => paced.send(String(7000 + i), { text: `hello ${i}`, language: 'en', dir: 'ltr' })));
    expect(fake.rateLimited).toBe(0);
    expect(fake.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(40);
  });

  it('uploads a recorded prompt once, then re-sends it by file id', async () => {
    const file = join(dir, 'q1.ogg');
    writeFileSync(file, Buffer.from('OggS fake opus bytes'));
    const message = {
      text: 'سؤال؟',
      language: 'ar',
      dir: 'rtl' as const,
      media: { form: 'audio' as const, file },
      buttons: [[{ label: 'نعم', data: 'a:q1:yes' }]],
    };
    await channel.send('501', message);
    await channel.send('502', message);
    const voices = fake.calls.filter((c) => c.method === 'sendVoice');
    expect(voices).toHaveLength(2);
    expect(voices[0]!.files.voice).toMatchObject({ size: 20 });
    const firstId = fake.sentTo(501)[0]!.voice!.file_id;
    expect(voices[1]!.files).toEqual({});
    expect(voices[1]!.params.voice).toBe(firstId);
    // One message: the question is the voice note's caption, its keyboard under it.
    const [voice, ...rest] = fake.sentTo(502);
    expect(rest).toEqual([]);
    expect(voice!.caption).toBe('سؤال؟');
    expect(voice!.reply_markup!.inline_keyboard[0]![0]).toEqual({ text: 'نعم', callback_data: 'a:q1:yes' });
  });

  it('sends the question after the prompt when it is too long for a caption, or the prompt is a round video note', async () => {
    const audio = join(dir, 'q2.ogg');
    writeFileSync(audio, Buffer.from('OggS fake opus bytes'));
    const buttons = [[{ label: 'ok', data: 'a:q2:ok' }]];
    await channel.send('505', { text: 'q'.repeat(1025), language: 'en', dir: 'ltr', media: { form: 'audio', file: audio }, buttons });
    expect(fake.sentTo(505).map((m) => [m.voice ? 'voice' : 'text', m.caption ?? null, Boolean(m.reply_markup)])).toEqual([
      ['voice', null, false],
      ['text', null, true],
    ]);
    const round = join(dir, 'q3.round.mp4');
    writeFileSync(round, Buffer.alloc(64, 2));
    await channel.send('506', { text: 'Question 3', language: 'en', dir: 'ltr', media: { form: 'video', file: round }, buttons });
    expect(fake.sentTo(506).map((m) => (m.video_note ? 'video_note' : m.text))).toEqual(['video_note', 'Question 3']);
  });

  it('edits the tapped message for a redrawn keyboard, and sends a new one when Telegram cannot edit it', async () => {
    const first = { text: 'Which?', language: 'en', dir: 'ltr' as const, buttons: [[{ label: 'Sport', data: 'm:q:sport' }]] };
    await channel.send('507', first);
    const [sent] = fake.sentTo(507);
    const redrawn = { ...first, buttons: [[{ label: '✓ Sport', data: 'm:q:sport' }]], edit: String(sent!.message_id) };
    await channel.send('507', redrawn);
    expect(fake.sentTo(507)).toHaveLength(1);
    expect(fake.sentTo(507)[0]!.reply_markup!.inline_keyboard[0]![0]).toMatchObject({ text: '✓ Sport' });
    // The same redraw again (a redelivered tap): Telegram says "not modified"; nothing new is sent.
    await channel.send('507', redrawn);
    expect(fake.sentTo(507)).toHaveLength(1);
    // A message Telegram no longer has: the redraw goes as a new message.
    await channel.send('507', { ...redrawn, edit: '9999' });
    expect(fake.sentTo(507).map((m) => m.reply_markup!.inline_keyboard[0]![0]!.text)).toEqual(['✓ Sport', '✓ Sport']);
    expect(fake.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(2);
  });

  it('uploads again when a cached file id stops working', async () => {
    const file = join(dir, 'intro.round.mp4');
    writeFileSync(file, Buffer.alloc(64, 1));
    const store = new Store(db);
    const st = (await import('node:fs')).statSync(file);
    await store.rememberTelegramFile('123456', `${file}:${st.size}:${st.mtimeMs}`, 'stale-file-id', new Date().toISOString());
    await channel.send('503', { text: 'x', language: 'en', dir: 'ltr', media: { form: 'video', file } });
    const notes = fake.calls.filter((c) => c.method === 'sendVideoNote');
    expect(notes.map((c) => (Object.keys(c.files).length ? 'upload' : c.params.video_note))).toEqual(['stale-file-id', 'upload']);
    expect(await store.telegramFileId('123456', `${file}:${st.size}:${st.mtimeMs}`)).toBe(fake.sentTo(503)[0]!.video_note!.file_id);
  });

  it('splits texts longer than Telegram allows at line breaks, keyboard on the last part', async () => {
    const long = `${'a'.repeat(3000)}\n\n${'b'.repeat(3000)}`;
    expect(chunks(long).map((c) => c.length)).toEqual([3000, 3000]);
    await channel.send('504', { text: long, language: 'en', dir: 'ltr', buttons: [[{ label: 'ok', data: 'x' }]] });
    const sent = fake.sentTo(504);
    expect(sent.map((m) => [m.text!.length, Boolean(m.reply_markup)])).toEqual([
      [3000, false],
      [3000, true],
    ]);
  });
});
