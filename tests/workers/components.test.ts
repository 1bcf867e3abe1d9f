/**
 * The pipeline's parts on their own: type sniffing, the speech-to-text client against a local
 * server, the Redis starter behind `npm start`, retention and erasure of files, Bull Board's guard.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeStt } from '../../scripts/dev/fake-stt.ts';
import { transcribe, SttRejectedError, SttUnavailableError, whisperLanguage } from '../../workers/clients/transcribe.ts';
import { deleteExpiredMedia, forgetFiles } from '../../workers/media/retention.ts';
import { sniff } from '../../workers/media/sniff.ts';
import { ensureRedis, redisAnswers, RedisUnavailableError } from '../../workers/redis.ts';
import { Browser, createUser } from '../helpers/dashboard.ts';
import { freePort } from '../helpers/net.ts';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { elfBytes, videoNote, voiceNote, zipBytes } from '../helpers/media.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-parts-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('type sniffing', () => {
  it('recognises what phones send from the bytes, and nothing else', () => {
    expect(sniff(voiceNote(1, 's'))).toBe('ogg');
    expect(sniff(videoNote(1))).toBe('mp4');
    expect(sniff(Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'))).toBe('wav');
    expect(sniff(Buffer.from('ID3\x04\0\0', 'latin1'))).toBe('mp3');
    expect(sniff(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f]))).toBe('webm');
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniff(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    for (const bad of [
      zipBytes(),
      elfBytes(),
      Buffer.from('MZ\x90\0'),
      Buffer.from('%PDF-1.7'),
      Buffer.from('<html>'),
      Buffer.alloc(0),
      Buffer.from([0xff, 0xff, 0xff]),
    ]) {
      expect(sniff(bad)).toBeNull();
    }
  });
});

describe('speech-to-text client (OpenAI-compatible)', () => {
  it('sends the file, model and a language hint Whisper knows; reads verbose_json', async () => {
    const stt = await new FakeStt().start();
    cleanups.push(() => stt.stop());
    const wav = join(tempDir(), 'a.wav');
    spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=1.5', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-bitexact', wav]);
    const settings = { url: stt.url, apiKey: null, model: 'large-v3' };
    expect(await transcribe(settings, wav, 'prs')).toEqual({ text: 'transcript of 1.5 seconds', language: 'fa' });
    expect(await transcribe(settings, wav, 'ti')).toEqual({ text: 'transcript of 1.5 seconds', language: 'en' });
    expect(stt.requests.map((r) => [r.model, r.language, r.authorization])).toEqual([
      ['large-v3', 'fa', null],
      ['large-v3', null, null],
    ]);
    stt.failNext(503);
    await expect(transcribe(settings, wav, 'ar')).rejects.toBeInstanceOf(SttUnavailableError);
    stt.failNext(413);
    await expect(transcribe(settings, wav, 'ar')).rejects.toBeInstanceOf(SttRejectedError);
    await expect(transcribe({ ...settings, url: 'http://127.0.0.1:1' }, wav, 'ar')).rejects.toThrow(/unreachable/);
  });

  it("maps respondents' languages to Whisper's", () => {
    expect([
      whisperLanguage('ar'),
      whisperLanguage('fa'),
      whisperLanguage('prs'),
      whisperLanguage('uk'),
      whisperLanguage('so'),
      whisperLanguage('ti'),
      whisperLanguage(null),
    ]).toEqual(['ar', 'fa', 'fa', 'uk', 'so', null, null]);
  });
});

describe('Redis for npm start', () => {
  it('starts a private redis-server with AOF under the data folder when none answers, and stops it', async () => {
    const dir = tempDir();
    const url = `redis://127.0.0.1:${await freePort()}`;
    expect(await redisAnswers(url)).toBe(false);
    const redis = await ensureRedis(url, dir);
    cleanups.push(() => redis.stop());
    expect(redis.child).not.toBeNull();
    expect(await redisAnswers(url)).toBe(true);
    expect(existsSync(join(dir, 'appendonlydir'))).toBe(true);
    // A second start finds it running and leaves it alone.
    expect((await ensureRedis(url, dir)).child).toBeNull();
    await redis.stop();
    expect(await redisAnswers(url)).toBe(false);
  });

  it('says how to install Redis when redis-server is missing', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const error = await ensureRedis(url, tempDir(), { path: tempDir() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toMatch(/sudo apt-get install redis-server/);
    expect((error as Error).message).toMatch(/brew install redis/);
    expect((error as Error).message).toMatch(/docker run/);
    expect((error as Error).message).toMatch(/REDIS_URL/);
  });

  it('`stemmen start` without Redis and without redis-server: exit 1, the install help, no stack trace', async () => {
    const dir = tempDir();
    // A PATH with node and nothing else (on Debian node and redis-server share /usr/bin).
    const bin = tempDir();
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), 'start'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: bin, HOME: dir, DATA_DIR: dir, PORT: '0', REDIS_URL: `redis://127.0.0.1:${await freePort()}` },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/redis-server is not installed/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('files: retention and erasure', () => {
  let app: TestApp;
  afterEach(async () => app?.dispose());

  it('deletes media older than the retention period, keeps the transcript, and keeps a file a newer answer shares', async () => {
    app = await startTestApp({ WORKERS_IN_PROCESS: '0' });
    const files = app.media.files;
    const put = (sha: string) => {
      const rel = join('originals', sha.slice(0, 2), `${sha}.ogg`);
      const abs = files.absolute(rel);
      spawnSync('mkdir', ['-p', join(abs, '..')]);
      writeFileSync(abs, 'x');
      writeFileSync((spawnSync('mkdir', ['-p', join(files.speechPath(sha), '..')]), files.speechPath(sha)), 'w');
      return rel;
    };
    const old = 'a'.repeat(64),
      shared = 'b'.repeat(64);
    const rows = [
      { id: 'old', sha: old, at: '2026-01-01T00:00:00.000Z' },
      { id: 'shared-old', sha: shared, at: '2026-01-01T00:00:00.000Z' },
      { id: 'shared-new', sha: shared, at: '2026-11-01T00:00:00.000Z' },
    ];
    await seedAnswers(
      app,
      rows.map((r) => ({ ...r, file: put(r.sha) })),
    );
    const n = await deleteExpiredMedia(app.media.repo, files, new Date('2026-11-22T00:00:00.000Z'), 90);
    expect(n).toBe(2);
    expect(existsSync(files.absolute(join('originals', 'aa', `${old}.ogg`)))).toBe(false);
    expect(existsSync(files.speechPath(old))).toBe(false);
    expect(existsSync(files.absolute(join('originals', 'bb', `${shared}.ogg`)))).toBe(true);
    const after = await app.db.selectFrom('answers').select(['id', 'media_file', 'media_deleted_at', 'transcript']).orderBy('id').execute();
    expect(after.map((r) => [r.id, r.media_file === null, r.media_deleted_at !== null, r.transcript])).toEqual([
      ['old', true, true, 'kept'],
      ['shared-new', false, false, 'kept'],
      ['shared-old', true, true, 'kept'],
    ]);
    // Erasing the last respondent who points at the shared file removes it.
    const erased = await app.store.transaction((tx) => tx.eraseRespondent('r-shared-new'));
    await forgetFiles(app.media.repo, files, erased);
    expect(existsSync(files.absolute(join('originals', 'bb', `${shared}.ogg`)))).toBe(false);
  });

  it('registers the recurring sweep and retention jobs; Bull Board is for logged-in admins only', async () => {
    app = await startTestApp();
    const schedulers = await app.media.queues.maintenance.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(['retention', 'sweep']);
    for (const url of ['/admin/queues', '/admin/queues/api/queues']) {
      const anonymous = await app.server.inject({ url, remoteAddress: '127.0.0.1' });
      expect([303, 401]).toContain(anonymous.statusCode);
    }
    await createUser(app.db, 'coordinator@example.org', 'coordinator');
    const coordinator = new Browser(app.server);
    await coordinator.login('coordinator@example.org');
    expect((await coordinator.get('/admin/queues')).statusCode).toBe(403);
    await createUser(app.db, 'admin@example.org', 'admin');
    const admin = new Browser(app.server);
    await admin.login('admin@example.org');
    const page = await admin.get('/admin/queues');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<html/i);
    const api = await admin.get('/admin/queues/api/queues');
    expect((JSON.parse(api.body) as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort()).toEqual([
      'campaigns',
      'maintenance',
      'media',
      'reminders',
      'speech',
    ]);
  });
});

async function seedAnswers(app: TestApp, rows: Array<{ id: string; sha: string; at: string; file: string }>) {
  for (const r of rows) {
    await app.db
      .insertInto('respondents')
      .values({ id: `r-${r.id}`, created_at: r.at, last_seen_at: r.at, language: 'nl' })
      .execute();
    await app.db
      .insertInto('sessions')
      .values({
        id: `s-${r.id}`,
        respondent_id: `r-${r.id}`,
        pilot_code: 'default',
        survey_id: 'default-pilot',
        survey_version: 1,
        channel: 'telegram',
        phase: 'done',
        language: 'nl',
        state: '{}',
        state_version: 1,
        revision: 1,
        started_at: r.at,
        updated_at: r.at,
        completed_at: r.at,
      })
      .execute();
    await app.db
      .insertInto('answers')
      .values({
        id: r.id,
        session_id: `s-${r.id}`,
        respondent_id: `r-${r.id}`,
        pilot_code: 'default',
        survey_id: 'default-pilot',
        survey_version: 1,
        question_id: 'health_why',
        parent_question_id: null,
        indicator: 'health',
        outcome: null,
        question_type: 'open',
        value_number: null,
        value_choices: null,
        value_text: null,
        value_date: null,
        skipped: 0,
        language: 'nl',
        channel: 'telegram',
        modality: 'voice',
        prompt_form: 'text',
        traffic_light: null,
        consent_version: 1,
        answered_at: r.at,
        source_message_id: `k-${r.id}`,
        revision: 1,
        media_kind: 'voice',
        media_ref: '{"kind":"voice","fileRef":"x"}',
        media_status: 'ready',
        media_file: r.file,
        media_sha256: r.sha,
        media_bytes: 1,
        media_type: 'ogg',
        media_duration_seconds: 1,
        media_codecs: 'opus',
        media_error: null,
        media_updated_at: r.at,
        media_deleted_at: null,
        transcript: 'kept',
        transcript_language: 'nl',
        transcript_status: 'ready',
        translations: null,
        translation_status: 'off',
      })
      .execute();
  }
}
