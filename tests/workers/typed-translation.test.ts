/**
 * Typed answers translated through real parts: the app with its in-process BullMQ workers on
 * the real Redis (own queue prefix), real SQLite, a try-it respondent over HTTP, and a local
 * LibreTranslate-compatible server as the far side of the wire. Covers a translated Arabic
 * answer shown on the drill-down, a server that is down or answers garbage (retried, then
 * failed, never blocking the respondent), a 20,000-character answer, emoji only, bidi controls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeLibreTranslate } from '../../scripts/dev/fake-libretranslate.ts';
import { sessionState } from '../../scripts/dev/session-state.ts';
import { startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { Browser, createUser } from '../helpers/dashboard.ts';
import { describeHits, scanRedis } from '../helpers/privacy.ts';

let app: TestApp | undefined;
let mt: FakeLibreTranslate | undefined;

afterEach(async () => {
  await app?.dispose();
  await mt?.close();
  app = undefined;
  mt = undefined;
});

async function start(env: Record<string, string> = {}, translate?: (text: string, source: string, target: string) => string) {
  mt = new FakeLibreTranslate(translate ? { translate } : {});
  await mt.start();
  app = await startTestApp({ MT_URL: mt.url, MAP_MIN_RESPONDENTS: '1', ...env }, { media: { retryDelayMs: 20 } });
  return { app, mt };
}

/** A try-it respondent in `lang` up to the "why?" after a low work score; returns the client. */
async function toWhy(a: TestApp, lang: string): Promise<TryitClient> {
  const c = new TryitClient(a.url, undefined, lang);
  await c.send({ command: 'start' });
  await c.send({ button: `lang:${lang}` });
  await c.send({ button: 'consent:yes' });
  await c.send({ text: '2019' });
  await c.send({ button: 'a:work_has_paid_work:yes' });
  await c.send({ button: 'a:work_fair:3' });
  return c;
}

async function typed(a: TestApp, client: TryitClient) {
  const rid = a.handler.respondentIdFor('tryit', client.token);
  return a.db.selectFrom('answers').selectAll().where('respondent_id', '=', rid).where('question_id', '=', 'work_fair_why').executeTakeFirstOrThrow();
}

async function settled(a: TestApp, client: TryitClient, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const row = await typed(a, client);
    if (row.translation_status !== 'pending' || Date.now() > deadline) return row;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A typed answer written through the store as the handler does, but not queued (as if Redis had been down). */
async function seedTyped(a: TestApp, key: string, text: string, at = new Date().toISOString()) {
  return a.store.transaction(async (tx) => {
    await tx.touchRespondent(`r-${key}`, 'tryit', `${key}-token-xxxxxxxxxxxxx`, at);
    const state = sessionState({ surveyId: 'default-pilot', language: 'ar', current: 'work_fair_why' }, at);
    await tx.saveSession({ id: `s-${key}`, respondentId: `r-${key}`, pilotCode: 'default', channel: 'tryit', expectedRevision: 0, state, now: at });
    return tx.upsertAnswer(
      {
        id: `a-${key}`,
        questionId: 'work_fair_why',
        parentQuestionId: 'work_fair',
        indicator: 'work',
        outcome: null,
        questionType: 'text',
        value: { kind: 'text', text },
        language: 'ar',
        modality: 'text',
        promptForm: 'text',
        traffic: null,
        consentVersion: 1,
        answeredAt: at,
        sourceMessageId: `k-${key}`,
      },
      {
        sessionId: `s-${key}`,
        respondentId: `r-${key}`,
        pilotCode: 'default',
        surveyId: 'default-pilot',
        surveyVersion: 1,
        channel: 'tryit',
        translation: 'pending',
      },
    );
  });
}

const ARABIC = 'العمل صعب والمدير لا يحترمني. اتصل بي على ٠٦١٢٣٤٥٦٧٨ أو ahmed@example.org';

describe('typed answers are translated', () => {
  it('translates an Arabic answer into nl and en, scrubbed before it leaves, and shows both on the drill-down', async () => {
    const { app: a, mt: server } = await start();
    const c = await toWhy(a, 'ar');
    const reply = await c.send({ text: ARABIC });
    // The respondent got the next question at once, whatever the translation does.
    expect(reply.messages.length).toBeGreaterThan(0);
    const row = await settled(a, c);
    expect(row.value_text).toBe(ARABIC);
    expect(row.translation_status).toBe('ready');
    const tr = JSON.parse(row.translations!) as Record<string, string>;
    expect(Object.keys(tr).sort()).toEqual(['en', 'nl']);
    expect(tr.nl).toBe('[nl] العمل صعب والمدير لا يحترمني. اتصل بي على [phone] أو [email]');
    // What left for the MT server: the answer's language as source, no number, no e-mail.
    const sent = server.requests.filter((r) => JSON.stringify(r.q).includes('العمل'));
    expect(sent.map((r) => [r.source, r.target]).sort()).toEqual([
      ['ar', 'en'],
      ['ar', 'nl'],
    ]);
    for (const r of sent) expect(JSON.stringify(r.q)).not.toMatch(/[٠-٩]|0612|ahmed/);

    await createUser(a.db, 'researcher@example.org', 'researcher');
    const b = new Browser(a.server);
    await b.login('researcher@example.org');
    const page = await b.get('/pilots/default/indicators/work');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<span lang="ar" dir="rtl">العمل صعب والمدير لا يحترمني. اتصل بي على [phone] أو [email]</span>');
    expect(page.body).toContain('<span lang="nl" dir="ltr">[nl] العمل صعب');
    expect(page.body).not.toMatch(/٠٦١٢٣٤٥٦٧٨|ahmed@/);
  }, 60_000);

  it('an Arabic answer, translated through the queue, is found on the open-answers page and in the API by a Dutch word', async () => {
    // A tiny "dictionary" on the far side of the wire: the real client, queue and worker in between.
    const DUTCH = 'Het werk is zwaar en de baas respecteert mij niet';
    const { app: a } = await start({}, (text, _source, target) => (target === 'nl' && text.startsWith('العمل') ? DUTCH : `[${target}] ${text}`));
    const c = await toWhy(a, 'ar');
    await c.send({ text: 'العمل صعب والمدير لا يحترمني' });
    expect((await settled(a, c)).translation_status).toBe('ready');

    await createUser(a.db, 'researcher@example.org', 'researcher');
    const b = new Browser(a.server);
    await b.login('researcher@example.org');
    const page = await b.get('/pilots/default/answers?q=baas');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-total="1"');
    expect(page.body).toContain('<div lang="ar" dir="rtl" data-answer-text>العمل صعب والمدير لا يحترمني</div>');
    expect(page.body).toContain(`<div lang="nl" dir="ltr">${DUTCH}</div>`);
    expect((await b.get('/pilots/default/answers?q=kantoor')).body).toContain('data-total="0"');
  }, 60_000);

  it('a translation server that is down: retried with backoff, then failed; the answer and the reply are intact', async () => {
    const { app: a, mt: server } = await start();
    server.failNext = { status: 503, error: 'Service Unavailable', count: 1000 };
    const c = await toWhy(a, 'ar');
    const reply = await c.send({ text: 'العمل متعب' });
    expect(reply.messages.length).toBeGreaterThan(0);
    const row = await settled(a, c);
    expect(row).toMatchObject({ value_text: 'العمل متعب', translation_status: 'failed', translations: null });
    // Six attempts (the queue's backoff), each stopping at its first target.
    expect(server.requests.length).toBe(6);

    await createUser(a.db, 'researcher@example.org', 'researcher');
    const b = new Browser(a.server);
    await b.login('researcher@example.org');
    const page = await b.get('/pilots/default/indicators/work');
    expect(page.body).toContain('العمل متعب');
    expect(page.body).toContain('data-translation-status="failed"');
  }, 60_000);

  it('erasure withdraws the translation job of a typed answer that waits for a retry', async () => {
    const { app: a, mt: server } = await start();
    server.failNext = { status: 503, error: 'Service Unavailable', count: 1000 };
    // A long first retry: the job sits delayed in Redis when the respondent deletes.
    await a.dispose();
    app = await startTestApp({ MT_URL: server.url, MAP_MIN_RESPONDENTS: '1' }, { media: { retryDelayMs: 60_000 } });
    const c = await toWhy(app, 'ar');
    await c.send({ text: 'العمل متعب' });
    const { id } = await typed(app, c);
    const until = Date.now() + 10_000;
    while ((await app.media.queues.speech.getDelayedCount()) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await app.media.queues.speech.getDelayedCount()).toBe(1);
    await c.send({ command: 'delete' });
    await c.send({ button: 'erase:yes' });
    expect(await app.db.selectFrom('answers').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    const { hits } = await scanRedis(app.config.redis.prefix, [id]);
    expect(hits, describeHits(hits)).toEqual([]);
  }, 60_000);

  it('garbage from the server (HTML, broken JSON, wrong shape, empty) ends as failed', async () => {
    const { app: a, mt: server } = await start();
    server.garbage = [
      { status: 200, contentType: 'text/html', body: '<html><body>Bad gateway</body></html>' },
      { status: 200, contentType: 'application/json', body: '{"translatedText": ' },
      { status: 200, contentType: 'application/json', body: '{"translatedText": 42}' },
      { status: 200, contentType: 'application/json', body: '{"translatedText": ""}' },
      { status: 200, contentType: 'application/json', body: '' },
      { status: 200, contentType: 'application/json', body: '[]' },
    ];
    const c = await toWhy(a, 'fa');
    await c.send({ text: 'کار سخت است' });
    const row = await settled(a, c);
    expect(row).toMatchObject({ value_text: 'کار سخت است', translation_status: 'failed', translations: null });
  }, 60_000);

  it('emoji only is skipped; bidi controls never reach the server', async () => {
    const { app: a, mt: server } = await start();
    const emoji = await toWhy(a, 'nl');
    await emoji.send({ text: '😞😞🙏' });
    expect((await settled(a, emoji)).translation_status).toBe('skipped');

    const bidi = await toWhy(a, 'ar');
    const text = '\u202Eالعمل\u202C جيد \u2067but hard\u2069\u200F';
    await bidi.send({ text });
    const row = await settled(a, bidi);
    // The original is what the engine stored (its own text normalisation), untouched by translation.
    expect(row.value_text).toContain('العمل');
    expect(row.translation_status).toBe('ready');
    expect(JSON.parse(row.translations!).en).toBe('[en] العمل جيد but hard');
    for (const r of server.requests) expect(JSON.stringify(r.q)).not.toMatch(/\\u20[26]|[\u202A-\u202E\u2066-\u2069\u200F]/);
    // A Dutch answer is not translated into Dutch.
    const nl = await toWhy(a, 'nl');
    await nl.send({ text: 'Het werk is zwaar' });
    expect(Object.keys(JSON.parse((await settled(a, nl)).translations!))).toEqual(['en']);
  }, 60_000);

  it('a 20,000-character answer is translated in chunks the server accepts', async () => {
    const { app: a, mt: server } = await start();
    const long = `${'كلمة عربية طويلة '.repeat(1200).slice(0, 19_995)}نهاية`;
    expect(long.length).toBe(20_000);
    const stored = await seedTyped(a, 'long', long);
    await a.media.port.translate([stored]);
    const deadline = Date.now() + 20_000;
    let row = await a.db.selectFrom('answers').selectAll().where('id', '=', 'a-long').executeTakeFirstOrThrow();
    while (row.translation_status === 'pending' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      row = await a.db.selectFrom('answers').selectAll().where('id', '=', 'a-long').executeTakeFirstOrThrow();
    }
    expect(row.translation_status).toBe('ready');
    expect(row.value_text).toBe(long);
    const longRequests = server.requests.filter((r) => JSON.stringify(r.q).includes('كلمة'));
    expect(longRequests.length).toBeGreaterThanOrEqual(20); // ≥ 10 chunks for each of nl and en
    for (const r of longRequests) for (const q of [r.q].flat()) expect(q.length).toBeLessThanOrEqual(2000);
    const en = JSON.parse(row.translations!).en as string;
    expect(en.endsWith('نهاية')).toBe(true);
    expect(en.length).toBeGreaterThan(19_000);
  }, 60_000);

  it('the sweeper queues a typed answer whose job never made it to Redis', async () => {
    const { app: a } = await start();
    await seedTyped(a, 'lost', 'العمل بعيد', new Date(Date.now() - 120_000).toISOString());
    expect(await a.media.workers!.sweep()).toBe(1);
    const deadline = Date.now() + 20_000;
    let row = await a.db.selectFrom('answers').selectAll().where('id', '=', 'a-lost').executeTakeFirstOrThrow();
    while (row.translation_status === 'pending' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      row = await a.db.selectFrom('answers').selectAll().where('id', '=', 'a-lost').executeTakeFirstOrThrow();
    }
    expect(row.translation_status).toBe('ready');
    expect(JSON.parse(row.translations!).nl).toBe('[nl] العمل بعيد');
  }, 60_000);
});
