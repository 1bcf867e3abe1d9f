/**
 * The try-it page driven as a respondent drives it in Chromium: the microphone's sound (a
 * generated WAV the fake capture device plays, see `fakeMicrophone` in axe.ts), waiting for
 * the bot's bubbles, tapping a button, recording a voice answer with the page's MediaRecorder,
 * and waiting for an answer's recording to leave the media pipeline.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Db } from '../../storage/database.ts';
import { ENV } from './services/env.ts';

/** Writes `seconds` of a tone as 48 kHz mono WAV (what Chromium's fake capture device reads) into `dir`; returns its path. */
export function microphoneWav(dir: string, seconds = 3, frequency = 330): string {
  const missing = process.env[ENV.ffmpegMissing];
  if (missing) throw new Error(missing);
  const wav = join(dir, 'voice.wav');
  execFileSync('ffmpeg', [
    '-nostdin',
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${frequency}:duration=${seconds}`,
    '-ar',
    '48000',
    '-ac',
    '1',
    wav,
  ]);
  return wav;
}

/** Waits for the n-th bot bubble (0-based) and returns its locator. */
export async function botBubble(page: Page, n: number) {
  const b = page.locator('.bubble.bot').nth(n);
  await b.waitFor();
  return b;
}

/** Taps the last bot bubble's button with this value and waits for the bot's next bubble. */
export async function tap(page: Page, data: string) {
  const before = await page.locator('.bubble.bot').count();
  await page.locator(`.bubble.bot button[data-value="${data}"]`).last().click();
  return botBubble(page, before);
}

/**
 * Records `ms` from the (fake) microphone with the page's button and sends it: waits until the
 * page shows the recording as sent (`sentLabel`, the page's own words) and the bot answers.
 * `whileRecording` runs once the page says it records (a test checks the page's state there).
 */
export async function recordVoice(page: Page, sentLabel: string, opts: { ms?: number; whileRecording?: () => Promise<void> } = {}): Promise<void> {
  const before = await page.locator('.bubble.bot').count();
  await page.click('#mic');
  await page.locator('#mic[aria-pressed=true]').waitFor();
  await opts.whileRecording?.();
  await page.waitForTimeout(opts.ms ?? 3000);
  await page.click('#mic');
  await page.locator('.bubble.me', { hasText: sentLabel }).waitFor();
  await botBubble(page, before);
}

/** Polls the answer's media_status until the pipeline is done with it (ready, rejected or failed), at most ~20 s. */
export async function settledMediaStatus(db: Db, answer: { question: string; pilot?: string }): Promise<string | null | undefined> {
  let status: string | null | undefined;
  for (let i = 0; i < 400; i++) {
    let q = db.selectFrom('answers').select('media_status').where('question_id', '=', answer.question);
    if (answer.pilot) q = q.where('pilot_code', '=', answer.pilot);
    status = (await q.executeTakeFirst())?.media_status;
    if (status === 'ready' || status === 'rejected' || status === 'failed') return status;
    await new Promise((r) => setTimeout(r, 50));
  }
  return status;
}
