/**
 * A small chaos run in the suite (a larger one runs in `npm run bench`): updates delivered
 * 1–3 times, the bot SIGKILLed and restarted, the worker SIGKILLed mid-job, Redis killed and
 * restarted, WhatsApp dropping the connection — and still exactly the answers given, each
 * once, every voice note final, including the WhatsApp answers sent while the bot was down
 * or disconnected (delivered on reconnect as `append`).
 */
import { expect, it } from 'vitest';
import { runChaos } from '../scripts/dev/chaos.ts';
import { voiceNote } from './helpers/media.ts';

it('loses and duplicates nothing under redelivery, bot and worker kills, a Redis restart and a WhatsApp restart', async () => {
  const r = await runChaos({
    respondents: 4,
    questions: 10,
    botKills: 3,
    workerKills: 1,
    redisRestarts: 1,
    whatsappRespondents: 2,
    whatsappRestarts: 1,
    voiceNote: voiceNote(2, 'chaos'),
  });
  expect({ ...r, seconds: 0, deliveries: 0 }).toEqual({
    ...r,
    seconds: 0,
    deliveries: 0,
    lost: 0,
    duplicated: 0,
    wrongValue: 0,
    answersStored: r.answersGiven,
    answersGiven: 60,
    botKills: 3,
    workerKills: 1,
    redisRestarts: 1,
    mediaAnswers: 8,
    mediaFinal: 8,
    mediaReady: 8,
    whatsappRespondents: 2,
    whatsappRestarts: 1,
  });
  expect(r.deliveries).toBeGreaterThan(r.answersGiven);
  // Some WhatsApp answers were sent while no bot was connected and came in as `append`.
  expect(r.whatsappAppended).toBeGreaterThan(0);
}, 240_000);
