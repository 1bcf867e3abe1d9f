/**
 * The media pipeline with real parts: the app's in-process BullMQ workers on the real Redis
 * (own queue prefix), real SQLite, the fake Telegram Bot API over HTTP for getFile and
 * downloads, real ffprobe/ffmpeg on audio made by ffmpeg, and a local speech-to-text server.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { FakeStt } from '../../scripts/dev/fake-stt.ts';
import { FakeLibreTranslate } from '../../scripts/dev/fake-libretranslate.ts';
import type { MediaKind, MediaRef } from '../../surveys/engine/types.ts';
import { seedMediaAnswer } from '../../scripts/dev/seed-media.ts';
import { processMedia } from '../../workers/media/pipeline.ts';
import { startTestApp, workerPipeline, type TestApp } from '../helpers/app.ts';
import { elfBytes, picture, videoNote, voiceNote, zipBytes } from '../helpers/media.ts';

let fake: FakeBotApi;
let stt: FakeStt;
let app: TestApp;
let chat = 5000;

const VOICE20 = voiceNote(20, 'base');
const VIDEO3 = videoNote(3);

beforeAll(async () => {
  stt = await new FakeStt().start();
});
afterAll(async () => {
  await stt.stop();
});

beforeEach(async () => {
  fake = await FakeBotApi.start();
  app = await startTestApp(
    {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TRYIT_ENABLED: '0',
      STT_URL: stt.url,
      STT_API_KEY: 'sk-test',
      MEDIA_MAX_MB: '1',
      MEDIA_MAX_SECONDS: '60',
    },
    { telegramBotInfo: fake.botInfo },
  );
  stt.requests.length = 0;
});
afterEach(async () => {
  await app.dispose();
  await fake.close();
});

/** A respondent on Telegram who answered with this media, queued like the handler does. */
async function mediaAnswer(ref: MediaRef, opts: { language?: string } = {}): Promise<{ id: string; chatId: number; respondentId: string }> {
  const chatId = ++chat;
  const seeded = await seedMediaAnswer({ store: app.store, respondentIdFor: (c, a) => app.handler.respondentIdFor(c, a) }, ref, {
    channel: 'telegram',
    address: String(chatId),
    language: opts.language ?? 'ar',
  });
  await app.media.port.submit([seeded]);
  return { id: seeded.id, chatId, respondentId: seeded.respondentId };
}

/** Registers bytes with the fake Bot API and returns the reference a Telegram update would carry. */
function telegramFile(content: Buffer, kind: MediaKind = 'voice', extra: Partial<MediaRef> = {}, path?: string): MediaRef {
  const f = fake.addFile(content, path ?? `voice/file_${content.length}.oga`);
  return { kind, fileRef: f.file_id, uniqueId: f.file_unique_id, size: f.file_size, mimeType: 'audio/ogg', ...extra };
}

async function settled(id: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const row = await app.db.selectFrom('answers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const done = row.media_status !== 'pending' && row.transcript_status !== 'pending' && row.translation_status !== 'pending';
    if (done || Date.now() > deadline) return row;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const downloads = () => fake.calls.filter((c) => c.method === 'download');
const filesUnder = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile()) : [];

describe('media pipeline', () => {
  it('stores a 20-second voice note by its sha256, probes it, transcodes it and transcribes it with the language hint', async () => {
    const ref = telegramFile(VOICE20, 'voice', { durationSeconds: 20 });
    const { id } = await mediaAnswer(ref, { language: 'ar' });
    const row = await settled(id);
    expect(row).toMatchObject({
      media_status: 'ready',
      media_type: 'ogg',
      media_codecs: 'opus',
      media_bytes: VOICE20.length,
      media_error: null,
      transcript_status: 'ready',
      translation_status: 'off',
    });
    expect(row.media_duration_seconds).toBeGreaterThan(19.5);
    expect(row.media_duration_seconds).toBeLessThan(20.5);
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(VOICE20).digest('hex');
    expect(row.media_sha256).toBe(sha);
    expect(row.media_file).toBe(join('originals', sha.slice(0, 2), `${sha}.ogg`));
    expect(existsSync(join(app.config.media.dir, row.media_file!))).toBe(true);
    // The transcript names the duration of the WAV the server received: 16 kHz mono, 20 s.
    expect(row.transcript).toBe('transcript of 20.0 seconds');
    expect(row.transcript_language).toBe('ar');
    expect(stt.requests).toEqual([
      {
        model: 'whisper-1',
        language: 'ar',
        responseFormat: 'verbose_json',
        fileBytes: 44 + 20 * 16000 * 2,
        fileName: `${sha}.wav`,
        authorization: 'Bearer sk-test',
      },
    ]);
    const v2 = await app.db
      .selectFrom('answers_v2')
      .select(['media_status', 'media_duration_seconds', 'transcript', 'transcript_language'])
      .where('answer_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(v2.transcript).toBe('transcript of 20.0 seconds');
  });

  it('keeps the original of a video note and transcribes its audio track; leaves Tigrinya without a hint Whisper does not know', async () => {
    const ref = telegramFile(VIDEO3, 'video_note', { mimeType: 'video/mp4', durationSeconds: 3 }, 'video_notes/file_9.mp4');
    const { id } = await mediaAnswer(ref, { language: 'ti' });
    const row = await settled(id);
    expect(row).toMatchObject({ media_status: 'ready', media_type: 'mp4', transcript_status: 'ready' });
    expect(row.media_codecs?.split(',').sort()).toEqual(['aac', 'h264']);
    expect(stt.requests[0]?.language).toBeNull();
  });

  it('stores a photo by its type from the bytes; nothing to transcribe', async () => {
    const { id } = await mediaAnswer(telegramFile(picture(), 'image', { mimeType: 'application/octet-stream' }, 'photos/file_3.jpg'));
    const row = await settled(id);
    expect(row).toMatchObject({
      media_status: 'ready',
      media_type: 'png',
      media_duration_seconds: null,
      transcript_status: 'skipped',
      translation_status: 'skipped',
    });
    expect(row.media_file).toMatch(/\.png$/);
    expect(row.media_codecs).toBe('png');
    expect(stt.requests).toEqual([]);
  });

  it('processes one job per media answer: a second submission of the same answer is not a second download', async () => {
    const ref = telegramFile(voiceNote(2, 'dup'), 'voice');
    const { id } = await mediaAnswer(ref);
    await settled(id);
    const answer = await app.media.repo.load(id);
    await app.media.port.submit([{ id, revision: answer!.revision, channel: 'telegram', ref }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(downloads().length).toBe(1);
    expect(stt.requests.length).toBe(1);
  });

  it('an answer erased while its file is being stored leaves no file behind', async () => {
    const ref = telegramFile(voiceNote(2, 'erased'), 'voice');
    const seeded = await seedMediaAnswer({ store: app.store, respondentIdFor: (c, a) => app.handler.respondentIdFor(c, a) }, ref, {
      channel: 'telegram',
      address: String(++chat),
      language: 'nl',
    });
    const deps = workerPipeline(app);
    const commit = deps.files.commit.bind(deps.files);
    // The respondent sends DELETE just as the worker has stored the file.
    deps.files.commit = async (...args) => {
      const rel = await commit(...args);
      await app.store.transaction((tx) => tx.eraseRespondent(seeded.respondentId));
      return rel;
    };
    expect((await processMedia(deps, seeded.id, seeded.revision)).outcome).toBe('stale');
    expect(filesUnder(join(app.config.media.dir, 'originals'))).toEqual([]);
    expect(filesUnder(join(app.config.media.dir, 'speech'))).toEqual([]);
  });

  it('retries a speech-to-text outage with backoff and then succeeds', async () => {
    stt.failNext(503, 500);
    const { id } = await mediaAnswer(telegramFile(voiceNote(2, 'retry'), 'voice'));
    const row = await settled(id, 30_000);
    expect(row.transcript_status).toBe('ready');
    expect(stt.requests.length).toBe(3);
  });

  it('marks the transcript failed (not retried) when the server refuses the file', async () => {
    stt.failNext(400);
    const { id } = await mediaAnswer(telegramFile(voiceNote(2, 'refused'), 'voice'));
    const row = await settled(id);
    expect(row).toMatchObject({ media_status: 'ready', transcript_status: 'failed', transcript: null });
    expect(stt.requests.length).toBe(1);
  });
});

describe("hostile media is rejected calmly, in the respondent's language, and nothing is written outside MEDIA_DIR", () => {
  async function rejected(ref: MediaRef, language = 'ar') {
    const { id, chatId } = await mediaAnswer(ref, { language });
    const row = await settled(id);
    expect(row.media_status).toBe('rejected');
    expect(row.media_file).toBeNull();
    const note = await fake.waitForCall((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(chatId));
    return { row, note: String(note.params.text) };
  }

  it('a file over the cap (announced by getFile): refused before downloading', async () => {
    const { row, note } = await rejected(telegramFile(Buffer.concat([VOICE20, Buffer.alloc(1024 * 1024)]), 'voice', { size: undefined }));
    expect(row.media_error).toBe('too_large');
    expect(downloads()).toEqual([]);
    expect(note).toMatch(/أكبر من/); // Arabic: "larger than"
  });

  it('a "voice note" that is a ZIP, or an executable', async () => {
    for (const bytes of [zipBytes(), elfBytes()]) {
      const { row, note } = await rejected(telegramFile(bytes, 'voice'), 'uk');
      expect(row.media_error).toBe('wrong_type');
      expect(note).toMatch(/не голосове повідомлення/);
    }
  });

  it('a zero-length file', async () => {
    const { row, note } = await rejected(telegramFile(Buffer.alloc(0), 'voice'), 'ti');
    expect(row.media_error).toBe('empty');
    expect(note).toMatch(/ባዶ/);
  });

  it('a truncated file (a quarter of an announced 20 s) and garbage after an OGG header', async () => {
    const cut = VOICE20.subarray(0, Math.floor(VOICE20.length / 4));
    expect((await rejected(telegramFile(Buffer.from(cut), 'voice', { durationSeconds: 20 }), 'en')).row.media_error).toBe('unreadable');
    const garbage = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(3000, 0x55)]);
    expect((await rejected(telegramFile(garbage, 'voice'), 'en')).row.media_error).toBe('unreadable');
  });

  it('a PNG signature followed by garbage', async () => {
    const fakePng = Buffer.concat([picture().subarray(0, 8), Buffer.alloc(500, 0x41)]);
    expect((await rejected(telegramFile(fakePng, 'image', {}, 'photos/x.jpg'), 'tr')).row.media_error).toBe('unreadable');
  });

  it('an absurd duration (longer than MEDIA_MAX_SECONDS)', async () => {
    const { row, note } = await rejected(telegramFile(voiceNote(61, 'long'), 'voice'), 'nl');
    expect(row.media_error).toBe('too_long');
    expect(note).toMatch(/langer dan 1 minuten/);
  });

  it('a file_path with ../ from the Bot API: no request outside the file folder', async () => {
    const ref = telegramFile(voiceNote(1, 'dots'), 'voice', {}, '../../etc/passwd');
    const { row } = await rejected(ref, 'fa');
    expect(row.media_error).toBe('bad_source');
    expect(downloads()).toEqual([]);
  });

  it('a WhatsApp handle whose url points at another host: that host gets no request', async () => {
    const hits: string[] = [];
    const other: Server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('x');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const port = (other.address() as AddressInfo).port;
      const handle = JSON.stringify({ kind: 'audio', mediaKey: Buffer.alloc(32, 3).toString('base64'), url: `http://127.0.0.1:${port}/steal` });
      const ref: MediaRef = { kind: 'voice', fileRef: handle, uniqueId: 'wa-1' };
      const stored = await seedMediaAnswer({ store: app.store, respondentIdFor: (c, a) => app.handler.respondentIdFor(c, a) }, ref, {
        channel: 'whatsapp',
        address: `${++chat}@s.whatsapp.net`,
        language: 'so',
      });
      const respondentId = stored.respondentId;
      await app.media.port.submit([stored]);
      const row = await settled(stored.id);
      expect(row).toMatchObject({ media_status: 'rejected', media_error: 'bad_source' });
      expect(hits).toEqual([]);
      // The note waits in the outbox for the WhatsApp channel (not running in this test), in Somali.
      const [queued] = await app.store.pendingOutbound({ respondentId });
      expect((queued!.payload as { text: string }).text).toMatch(/Ma isticmaali karin faylka/);
    } finally {
      await new Promise((r) => other.close(r));
    }
  });

  afterEach(() => {
    // Only our generated names under MEDIA_DIR; no temp file left behind.
    const dir = app.config.media.dir;
    for (const f of filesUnder(dir))
      expect(f).toMatch(/^(originals\/[0-9a-f]{2}\/[0-9a-f]{64}\.(ogg|mp4|webm|mp3|wav|jpg|png)|speech\/[0-9a-f]{2}\/[0-9a-f]{64}\.wav)$/);
    expect(filesUnder(join(dir, 'tmp'))).toEqual([]);
  });
});

describe('translation of transcripts (LibreTranslate)', () => {
  it('translates an Arabic transcript into nl and en, and a Dutch one only into en', async () => {
    const mt = new FakeLibreTranslate();
    await mt.start();
    // A fresh app (with MT_URL) on a fresh Bot API, so two pollers never meet on one fake.
    await app.dispose();
    await fake.close();
    fake = await FakeBotApi.start();
    app = await startTestApp(
      { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TRYIT_ENABLED: '0', STT_URL: stt.url, MT_URL: mt.url },
      { telegramBotInfo: fake.botInfo },
    );
    try {
      const ar = await mediaAnswer(telegramFile(voiceNote(2, 'mt-ar'), 'voice'), { language: 'ar' });
      const nl = await mediaAnswer(telegramFile(voiceNote(3, 'mt-nl'), 'voice'), { language: 'nl' });
      const rowAr = await settled(ar.id);
      const rowNl = await settled(nl.id);
      expect(rowAr).toMatchObject({ transcript_status: 'ready', translation_status: 'ready' });
      expect(JSON.parse(rowAr.translations!)).toEqual({ nl: '[nl] transcript of 2.0 seconds', en: '[en] transcript of 2.0 seconds' });
      expect(JSON.parse(rowNl.translations!)).toEqual({ en: '[en] transcript of 3.0 seconds' });
      expect(mt.requests.map((r) => [r.source, r.target]).sort()).toEqual([
        ['ar', 'en'],
        ['ar', 'nl'],
        ['nl', 'en'],
      ]);
    } finally {
      await mt.close();
    }
  });
});
