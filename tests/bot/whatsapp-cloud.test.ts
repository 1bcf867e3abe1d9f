/**
 * The WhatsApp Cloud API adapter end to end: the real app (WHATSAPP_MODE=cloud) against the
 * fake Graph API over HTTP, every inbound message a signed webhook call shaped like Meta's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOUD_WEBHOOK_PATH } from '../../bot/channels/whatsapp-cloud/runtime.ts';
import type { FakeGraphApi, SentCloudMessage } from '../../scripts/dev/fake-graph-api.ts';
import { messagePayload, statusPayload, textBody, voiceBody } from '../../scripts/dev/graph-payloads.ts';
import type { TestApp } from '../helpers/app.ts';
import { voiceNote } from '../helpers/media.ts';
import { CLOUD, CloudRespondent, optionsOf, startCloudApp, textOf } from '../helpers/whatsapp-cloud.ts';

const WA = '31687654321';
let app: TestApp;
let fake: FakeGraphApi;
let r: CloudRespondent;

beforeEach(async () => {
  ({ app, fake } = await startCloudApp());
  r = new CloudRespondent(app, fake, WA);
});
afterEach(async () => {
  await app.dispose();
  await fake.stop();
});

async function phase(): Promise<string | undefined> {
  return (await app.db.selectFrom('sessions').select('phase').orderBy('updated_at', 'desc').executeTakeFirst())?.phase;
}

async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** Consents in English; returns the first question. */
async function consent(): Promise<SentCloudMessage[]> {
  const first = await r.say('hallo');
  const out = await r.chooseLanguage(first.at(-1)!, 'en');
  return r.tap(out.at(-1)!, 'consent:yes');
}

/**
 * Answers the last message like a person would: the first option (then Done for a multi-choice),
 * "1" for a numbered list, 3 on a scale, a few words for a why-question, a year otherwise.
 */
async function answer(out: SentCloudMessage[], toggled: Set<string>): Promise<SentCloudMessage[]> {
  const last = out.at(-1)!;
  const o = optionsOf(last);
  const text = textOf(last);
  const isDone = (id: string) => id.startsWith('md:') || id === 'thd';
  const answers = o.ids.filter((id) => !id.startsWith('skip:') && !isDone(id));
  const done = o.ids.find(isDone);
  if (done && toggled.has(done)) return r.tap(last, done); // the toggled multi-choice came back: finish it
  if (done) {
    toggled.add(done);
    return r.tap(last, answers[0]!);
  }
  if (answers.length > 0) return r.tap(last, answers[0]!);
  if (/^\d+\. /m.test(text)) return r.say('1');
  if (/0 = /.test(text)) return r.say('3');
  if (/\bwhy\b|What (makes|would)/i.test(text)) return r.say('The language is hard for me.');
  return r.say('2019');
}

describe('WhatsApp Cloud API adapter', () => {
  it('completes the default pilot with reply buttons and lists, the numbered fallback beyond ten options', async () => {
    const first = await r.say('hallo');
    // Fourteen languages: more than a list's ten rows → the numbered fallback, answered by number.
    expect(optionsOf(first.at(-1)!).kind).toBe('none');
    expect(textOf(first.at(-1)!)).toMatch(/^\d+\. English$/m);
    let out = await r.chooseLanguage(first.at(-1)!, 'en');
    expect(optionsOf(out.at(-1)!)).toEqual({ kind: 'button', ids: ['consent:yes', 'consent:no'], titles: expect.any(Array) });
    out = await r.tap(out.at(-1)!, 'consent:yes');
    const seen = { button: 0, list: 0, numbered: 0 };
    const toggled = new Set<string>();
    for (let i = 0; i < 80 && (await phase()) !== 'completed'; i++) {
      const kind = optionsOf(out.at(-1)!).kind;
      if (kind !== 'none') seen[kind]++;
      else if (/^\d+\. /m.test(textOf(out.at(-1)!))) seen.numbered++;
      out = await answer(out, toggled);
    }
    expect(await phase()).toBe('completed');
    expect(seen.button).toBeGreaterThan(0);
    expect(seen.list).toBeGreaterThan(0);
    const answers = await app.db.selectFrom('answers_v1').selectAll().execute();
    expect(new Set(answers.map((a) => a.indicator).filter((i) => i !== null)).size).toBe(14); // background answers carry none
    expect(answers.every((a) => a.channel === 'whatsapp' && a.language === 'en')).toBe(true);
    // Titles within Meta's limits on everything sent.
    for (const m of fake.sent) {
      const opts = optionsOf(m);
      for (const t of opts.titles) expect([...t].length).toBeLessThanOrEqual(opts.kind === 'button' ? 20 : 24);
      if (opts.kind === 'button') expect(opts.ids.length).toBeLessThanOrEqual(3);
      if (opts.kind === 'list') expect(opts.ids.length).toBeLessThanOrEqual(10);
    }
    const dump = JSON.stringify(await app.db.selectFrom('answers').selectAll().execute()) + JSON.stringify(answers);
    expect(dump).not.toContain(WA);
    // Meta's callbacks for what we sent are recorded for the funnel, without the number.
    const last = fake.sent.at(-1)!;
    expect(await fake.post(statusPayload(fake.envelope, WA, last.id, 'delivered'))).toBe(200);
    expect(await fake.post(statusPayload(fake.envelope, WA, last.id, 'read'))).toBe(200);
    expect(await fake.post(statusPayload(fake.envelope, WA, last.id, 'sent'))).toBe(200); // late: read stays
    const row = await app.db.selectFrom('cloud_messages').selectAll().where('id', '=', last.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'read', purpose: null });
    expect(JSON.stringify(await app.db.selectFrom('cloud_messages').selectAll().execute())).not.toContain(WA);
  }, 60_000);

  it('takes a voice answer through the real media queue on Redis to ready', async () => {
    let out = await consent();
    // Through the questions to the open one after the health scale.
    const toggled = new Set<string>();
    // The scale method asks "why" after every scale it is set on: the one after the health scale is health_why.
    let afterHealth = false;
    for (let i = 0; i < 40 && !(afterHealth && /Why are you at this number/.test(textOf(out.at(-1)!))); i++) {
      if (/how easy is it to get it/.test(textOf(out.at(-1)!))) afterHealth = true;
      out = await answer(out, toggled);
    }
    expect(afterHealth).toBe(true);
    expect(textOf(out.at(-1)!)).toMatch(/Why are you at this number/);
    const file = fake.addMedia(voiceNote(5, 'cloud-e2e'), 'audio/ogg; codecs=opus');
    await r.send('audio', voiceBody(file.id, file.sha256));
    const voice = await until(
      () => app.db.selectFrom('answers_v2').selectAll().where('question_id', '=', 'health_why').executeTakeFirst(),
      (a) => a !== undefined && a.media_status !== 'pending',
    );
    expect(voice).toMatchObject({ modality: 'voice', media_kind: 'voice', media_status: 'ready' });
    expect(voice!.media_duration_seconds).toBeCloseTo(5, 0);
    // The worker looked the media id up and downloaded it with the token (the fake checks it).
    expect(fake.calls.some((c) => c.method === 'GET' && c.path === `/v21.0/${file.id}`)).toBe(true);
    expect(fake.calls.some((c) => c.path === `/media-files/${file.id}`)).toBe(true);
  }, 60_000);

  it('refuses a webhook call with a bad or missing signature with 401 and stores nothing', async () => {
    const payload = messagePayload(fake.envelope, WA, 'text', textBody('hallo'));
    expect(await fake.post(payload, { secret: 'not-the-app-secret' })).toBe(401);
    expect(await fake.post(payload, { signature: 'sha256=00' })).toBe(401);
    const unsigned = await fetch(`${app.url}${CLOUD_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    expect(unsigned.status).toBe(401);
    await r.settle();
    for (const table of ['inbox', 'respondents', 'sessions', 'outbox', 'identity_links', 'cloud_windows'] as const)
      expect(await app.db.selectFrom(table).selectAll().execute()).toEqual([]);
    expect(fake.sent).toEqual([]);
    // The same payload, signed right, is taken.
    expect(await fake.post(payload)).toBe(200);
    await r.settle();
    expect(fake.sentTo(WA)).toHaveLength(1);
  });

  it("answers Meta's verification with the challenge only for the right verify token", async () => {
    const q = (token: string) => `${app.url}${CLOUD_WEBHOOK_PATH}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`;
    const ok = await fetch(q(CLOUD.verifyToken));
    expect([ok.status, await ok.text()]).toEqual([200, '1158201444']);
    expect((await fetch(q('wrong-token'))).status).toBe(403);
  });

  it('records a redelivered webhook (same Cloud message id) once', async () => {
    await consent();
    await r.say('2018', 'wamid.SAME-MESSAGE-ID');
    await r.say('2018', 'wamid.SAME-MESSAGE-ID');
    expect((await app.db.selectFrom('answers').select('question_id').execute()).map((a) => a.question_id)).toEqual(['arrival_year']);
  });

  it('answers stickers, locations, reactions and unknown types calmly', async () => {
    await consent();
    for (const [type, body] of [
      ['sticker', { sticker: { mime_type: 'image/webp', sha256: 'x', id: '1228713618614364', animated: false } }],
      ['location', { location: { latitude: 52.37, longitude: 4.89 } }],
      ['reaction', { reaction: { message_id: 'wamid.X', emoji: '👍' } }],
      ['unsupported', { errors: [{ code: 131051, title: 'Message type unknown' }] }],
    ] as const) {
      const out = await r.send(type, body);
      expect(textOf(out[0]!)).toMatch(/cannot use this kind of message/);
    }
  });

  it('uploads a recorded prompt once and re-sends it by media id', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'stemmen-cloud-')), 'q1.ogg');
    writeFileSync(file, voiceNote(1, 'prompt'));
    await r.say('hallo'); // opens the window
    const msg = { text: 'Question', language: 'en', dir: 'ltr' as const, media: { form: 'audio' as const, file } };
    await app.whatsappCloud!.channel.send(WA, msg, { id: 'o1' });
    await app.whatsappCloud!.channel.send(WA, msg, { id: 'o2' });
    expect(fake.uploads).toHaveLength(1);
    const audios = fake.sentTo(WA).filter((m) => m.type === 'audio');
    expect(audios.map((m) => (m.body.audio as { id: string }).id)).toEqual([fake.uploads[0]!.id, fake.uploads[0]!.id]);
  });

  it("backs off on Meta's rate-limit codes and sends once there is room", async () => {
    await r.say('hallo');
    fake.failNext({ status: 400, code: 131056, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit' });
    fake.failNext({ status: 429, code: 130429, message: '(#130429) Rate limit hit' });
    const before = fake.sentTo(WA).length;
    await app.whatsappCloud!.channel.send(WA, { text: 'after the back-off', language: 'en', dir: 'ltr' }, { id: 'o3' });
    expect(fake.sentTo(WA).slice(before).map(textOf)).toEqual(['after the back-off']);
  });
});
