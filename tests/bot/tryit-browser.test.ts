/**
 * The try-it page in a real Chromium (playwright-core) with a fake microphone: a respondent
 * chooses Arabic and to listen, hears a recorded prompt (the audio element loads), answers a
 * question by typing and the last one by voice — recorded with the page's MediaRecorder from a
 * generated WAV (`--use-file-for-fake-audio-capture`) — and the recording goes through the real
 * media queue on Redis to `ready`, as a Telegram voice note does. The page's chrome is in
 * Arabic (lang, dir, labels), keyboard focus moves to each new question, and bad files get a
 * calm message in Arabic; an uploaded video reaches `ready` the same way. The chrome follows
 * the language the respondent picks. The page runs under its own Content-Security-Policy.
 * Saves a screenshot to tests/artifacts/tryit-ar.png.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { chromiumPath, fakeMicrophone, launchChromium, type Launched } from '../helpers/axe.ts';
import { botBubble, microphoneWav, recordVoice, settledMediaStatus, tap } from '../helpers/tryit-page.ts';
import { inboxDir, putTryitUpload } from '../../workers/media/tryit-inbox.ts';

const labels = (lng: string) => JSON.parse(readFileSync(join(ROOT, `locales/${lng}/tryit.json`), 'utf8')) as Record<string, string>;
const AR = labels('ar');
/** An Arabic label as a pattern, its {{placeholders}} filled with any number. */
const arLabel = (key: string) => new RegExp(`^${AR[key]!.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\{\w+\}\}/g, '\\d+')}$`);

let app: TestApp;
let browser: Launched;
let dir: string;
const errors: string[] = [];

beforeAll(async () => {
  chromiumPath(); // a missing browser fails here with the install line
  dir = mkdtempSync(join(tmpdir(), 'stemmen-tryit-browser-'));
  mkdirSync(join(dir, 'prompts/ar'), { recursive: true });
  const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
  // The microphone's sound: 3 s of a tone, 48 kHz mono, as Chromium's fake capture device reads it.
  const wav = microphoneWav(dir);
  ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libopus', join(dir, 'prompts/ar/arrival_year.ogg'));
  writeFileSync(
    join(dir, 'spoken.yaml'),
    [
      'specVersion: 2',
      'id: spoken-tryit',
      'version: 1',
      'namespace: survey-default-pilot',
      'languages: [en, ar, ti]',
      'defaultLanguage: en',
      'mediaDir: prompts',
      'consent: { version: 1 }',
      'recontact: { atEnd: false }',
      'questions:',
      '  - { id: arrival_year, type: date, indicator: stability, outcome: secure_residence_status, audio: { ar: ar/arrival_year.ogg } }',
      '  - { id: closing_story, type: media, indicator: links, outcome: has_a_say, accept: [voice, video, video_note] }',
      '',
    ].join('\n'),
  );
  app = await startTestApp({ SURVEY_FILE: join(dir, 'spoken.yaml'), MEDIA_MAX_MB: '1' });
  browser = await launchChromium({ args: fakeMicrophone(wav), width: 390, height: 844, enforceCsp: true });
  await browser.ctx.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`))",
  );
  // Every console error counts, except the browser's note of a refusal the test provokes on purpose.
  browser.ctx.on('console', (m) => {
    const expected = /the server responded with a status of 4(13|15)/.test(m.text()) || m.location().url.endsWith('/favicon.ico');
    if (m.type() === 'error' && !expected) errors.push(`${m.location().url}: ${m.text()}`);
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await app?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('try-it in Chromium, like a phone', () => {
  it('plays a recorded prompt and takes a recorded voice answer that reaches ready through the media queue', async () => {
    const page = await browser.ctx.newPage();
    await page.goto(`${app.url}/try?lang=ar`);
    // The chrome is Arabic, right to left, before any message arrives.
    await expect(page.evaluate('[document.documentElement.lang, document.documentElement.dir]')).resolves.toEqual(['ar', 'rtl']);
    await expect(page.getAttribute('#mic', 'aria-label')).resolves.toBe(AR.record);
    await expect(page.getAttribute('#t', 'placeholder')).resolves.toBe(AR.placeholder);

    await botBubble(page, 0);
    await tap(page, 'lang:ar');
    await tap(page, 'form:audio');
    const question = await tap(page, 'consent:yes');
    // Keyboard focus is on the new question.
    await expect(page.evaluate("document.activeElement === [...document.querySelectorAll('.bubble.bot')].at(-1)")).resolves.toBe(true);
    await expect(question.getAttribute('tabindex')).resolves.toBe('-1');

    // The recorded prompt is inline and the browser loads and decodes it.
    const readyState = await page.evaluate(`new Promise((resolve, reject) => {
      const a = [...document.querySelectorAll('.bubble.bot')].at(-1).querySelector('audio.prompt');
      if (!a) return reject(new Error('no audio prompt in the question'));
      if (a.readyState >= 2) return resolve(a.readyState);
      a.addEventListener('canplay', () => resolve(a.readyState));
      a.addEventListener('error', () => reject(new Error('audio error ' + (a.error && a.error.code))));
      a.load();
    })`);
    expect(readyState).toBeGreaterThanOrEqual(2);
    await expect(question.locator('audio.prompt').getAttribute('aria-label')).resolves.toBe(AR.prompt_audio);

    const before = await page.locator('.bubble.bot').count();
    await page.fill('#t', '٢٠١٩');
    await page.press('#t', 'Enter');
    await botBubble(page, before);

    // The last question takes a voice answer: record ~3 s from the fake microphone and send it.
    await recordVoice(page, AR.voice_sent!, {
      whileRecording: async () => {
        await expect(page.textContent('#status')).resolves.toMatch(arLabel('recording'));
        await expect(page.getAttribute('#mic', 'aria-label')).resolves.toBe(AR.stop_recording);
      },
    });

    await expect(settledMediaStatus(app.db, { question: 'closing_story' })).resolves.toBe('ready');
    const stored = await app.db
      .selectFrom('answers')
      .select(['media_kind', 'media_file', 'media_ref'])
      .where('question_id', '=', 'closing_story')
      .executeTakeFirstOrThrow();
    expect(stored.media_kind).toBe('voice');
    expect(stored.media_file).toMatch(/^originals\/[0-9a-f]{2}\/[0-9a-f]{64}\.(webm|ogg)$/);
    // The stored recording is the 3 s the microphone gave (ffprobe on the stored file).
    const probed = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'packet=pts_time', '-of', 'json', join(app.config.media.dir, stored.media_file!)], {
        maxBuffer: 16 * 1024 * 1024,
      }).toString(),
    ) as { packets: Array<{ pts_time: string }> };
    expect(Number(probed.packets.at(-1)!.pts_time)).toBeGreaterThan(2);
    // The inbox copy is gone once the answer is stored.
    expect(existsSync(join(inboxDir(app.config.media.dir), (JSON.parse(stored.media_ref!) as { fileRef: string }).fileRef))).toBe(false);

    mkdirSync(join(ROOT, 'tests/artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'tests/artifacts/tryit-ar.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 90_000);

  it('opens a pilot by its code and follows the language the respondent picks (English → Tigrinya)', async () => {
    const page = await browser.ctx.newPage();
    await page.goto(`${app.url}/try/default?lang=en`);
    await botBubble(page, 0);
    await expect(page.getAttribute('#mic', 'aria-label')).resolves.toBe(labels('en').record);
    await tap(page, 'lang:ti');
    await expect(page.evaluate('[document.documentElement.lang, document.documentElement.dir, document.title]')).resolves.toEqual([
      'ti',
      'ltr',
      labels('ti').title,
    ]);
    await expect(page.getAttribute('#mic', 'aria-label')).resolves.toBe(labels('ti').record);
    await expect(page.getAttribute('#t', 'aria-label')).resolves.toBe(labels('ti').message);
    await expect(page.textContent('header [data-cmd="skip"]')).resolves.toBe(labels('ti').cmd_skip);
    expect((await fetch(`${app.url}/try/Not_A_Code!`)).status).toBe(404);
    expect(errors).toEqual([]);
  }, 60_000);

  it('answers a file that is no video, or no recording at all, calmly in Arabic and keeps the chat going', async () => {
    const page = await browser.ctx.newPage();
    await page.goto(`${app.url}/try?lang=ar`);
    await botBubble(page, 0);
    await page.setInputFiles('#video-file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a video') });
    await expect(page.textContent('#status')).resolves.toBe(AR.not_video);
    // Says it is a video, is not: the server sniffs the bytes and the page explains.
    await page.setInputFiles('#video-file', { name: 'clip.mp4', mimeType: 'video/mp4', buffer: Buffer.from('GIF89a definitely not an mp4') });
    await page.locator('#status.error', { hasText: AR.not_media! }).waitFor();
    // Over MEDIA_MAX_MB (1 here): refused before it is sent.
    await page.setInputFiles('#video-file', { name: 'big.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(1024 * 1024 + 1) });
    await expect(page.textContent('#status')).resolves.toMatch(arLabel('too_large'));
    await expect(page.locator('#status').getAttribute('role')).resolves.toBe('status');
    expect(errors).toEqual([]);
  }, 60_000);

  it('refuses empty, wrong and oversized uploads over HTTP with codes the page translates', async () => {
    const post = (body: Buffer, type: string, kind = 'voice') =>
      fetch(`${app.url}/try/api/media?token=upload-test-token-0001&messageId=m${Math.random()}&kind=${kind}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
    const empty = await post(Buffer.alloc(0), 'audio/webm');
    expect([empty.status, await empty.json()]).toEqual([400, { error: 'empty' }]);
    const png = await post(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'audio/ogg');
    expect([png.status, await png.json()]).toEqual([415, { error: 'not_media' }]);
    const big = await post(Buffer.alloc(1024 * 1024 + 10, 1), 'audio/webm');
    expect(big.status).toBe(413);
    const noKind = await post(Buffer.from('OggS'), 'audio/ogg', 'sticker');
    expect(noKind.status).toBe(400);
    // Nothing was kept for the refused ones (the voice answer's upload went once it was stored).
    const inbox = inboxDir(app.config.media.dir);
    expect(existsSync(inbox) ? readdirSync(inbox) : []).toEqual([]);
  });

  it('takes a video from the upload route through the same pipeline to ready', async () => {
    const video = join(dir, 'clip.mp4');
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=2', '-f', 'lavfi', '-i', 'sine=duration=2'],
      ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-movflags', '+faststart', video],
    ]);
    const client = new TryitClient(app.url, undefined, 'ar');
    await client.send({ command: 'start' });
    await client.send({ button: 'lang:ar' });
    await client.send({ button: 'form:text' });
    await client.send({ button: 'consent:yes' });
    await client.send({ text: '2019' });
    const res = await fetch(`${app.url}/try/api/media?token=${client.token}&messageId=video-1&kind=video`, {
      method: 'POST',
      headers: { 'content-type': 'video/mp4' },
      body: readFileSync(video),
    });
    expect(res.status).toBe(200);
    const rid = app.handler.respondentIdFor('tryit', client.token);
    const row = () =>
      app.db
        .selectFrom('answers')
        .select(['media_status', 'media_kind', 'media_type'])
        .where('respondent_id', '=', rid)
        .where('question_id', '=', 'closing_story')
        .executeTakeFirst();
    let r = await row();
    for (let i = 0; i < 400 && r?.media_status !== 'ready' && r?.media_status !== 'rejected'; i++) {
      await new Promise((ok) => setTimeout(ok, 50));
      r = await row();
    }
    expect(r).toEqual({ media_status: 'ready', media_kind: 'video', media_type: 'mp4' });
  }, 60_000);

  it('sweeps uploads no waiting answer points at (an erased respondent, a message never taken), after a grace period', async () => {
    const media = app.config.media.dir;
    const orphan = await putTryitUpload(media, Buffer.from('OggS orphan'));
    const fresh = await putTryitUpload(media, Buffer.from('OggS fresh'));
    const old = new Date(Date.now() - 3600_000);
    utimesSync(join(inboxDir(media), orphan), old, old);
    await app.media.workers!.sweep();
    expect(existsSync(join(inboxDir(media), orphan))).toBe(false);
    // Within the grace period an upload may still be on its way into an answer.
    expect(existsSync(join(inboxDir(media), fresh))).toBe(true);
  });
});
