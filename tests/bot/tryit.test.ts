import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';

const GEEZ = /[\u1200-\u137F]/;
const ARABIC = /[\u0600-\u06FF]/;
const SORANI = /[ڕڵۆێە]/;
const PASHTO = /[ټډړښږڼېۍځڅ]/;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.dispose();
});

type Reply = Awaited<ReturnType<TryitClient['send']>>;
const last = (r: Reply) => r.messages[r.messages.length - 1]!;
const buttons = (r: Reply) => (last(r).buttons ?? []).flat();

/**
 * Answers whatever the current prompt asks: the middle button of a scale, the first
 * choice, or a typed text; for the closing media question, a typed answer.
 */
async function completeSurvey(client: TryitClient, lang: string, script: RegExp): Promise<Reply[]> {
  const replies: Reply[] = [];
  let r = await client.send({ command: 'start' });
  replies.push(r);
  expect(buttons(r).map((b) => b.data)).toContain(`lang:${lang}`);
  r = await client.send({ button: `lang:${lang}` });
  replies.push(r);
  r = await client.send({ button: 'consent:yes' });
  replies.push(r);
  for (let i = 0; i < 60 && !(await isCompleted(client)); i++) {
    const bs = buttons(r).filter((b) => !b.data.startsWith('skip:'));
    const data = bs.map((b) => b.data);
    if (data.length === 0) {
      // open, date and media questions: a year is a valid answer to each of them
      r = await client.send({ text: lang === 'ar' ? '٢٠١٩' : '2019' });
    } else if (data[0]!.startsWith('m:')) {
      await client.send({ button: data[0]! });
      r = await client.send({ button: data.find((d) => d.startsWith('md:'))! });
    } else if (data[0]!.startsWith('th:')) {
      await client.send({ button: data[0]! });
      r = await client.send({ button: 'thd' });
    } else {
      // scales: a low score, so follow-ups and recontact questions come up too
      r = await client.send({ button: data.find((d) => /:3$/.test(d)) ?? data.find((d) => d.endsWith(':yes')) ?? data[0]! });
    }
    replies.push(r);
    for (const m of r.messages) expect(m.text, 'every message is in the respondent script').toMatch(script);
  }
  return replies;
}

async function isCompleted(client: TryitClient): Promise<boolean> {
  const row = await app.db
    .selectFrom('sessions')
    .select('phase')
    .where('respondent_id', '=', app.handler.respondentIdFor('tryit', client.token))
    .executeTakeFirst();
  return row?.phase === 'completed';
}

describe('try-it channel over HTTP', () => {
  it('serves the chat page', async () => {
    const res = await fetch(`${app.url}/try`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('/try/api/messages');
  });

  for (const [lang, script, dir] of [
    ['ar', ARABIC, 'rtl'],
    ['ti', GEEZ, 'ltr'],
    // Sorani and Pashto: every message shows letters only they use, so Arabic or Farsi in their place fails.
    ['ckb', SORANI, 'rtl'],
    ['ps', PASHTO, 'rtl'],
  ] as const) {
    it(`completes the default pilot end to end in ${lang}`, async () => {
      const client = new TryitClient(app.url, undefined, lang);
      const replies = await completeSurvey(client, lang, script);
      expect(await isCompleted(client)).toBe(true);
      const all = replies.flatMap((r) => r.messages);
      expect(all.filter((m) => m.language === lang).every((m) => m.dir === dir)).toBe(true);
      const rid = app.handler.respondentIdFor('tryit', client.token);
      const answers = await app.db.selectFrom('answers_v1').selectAll().where('respondent_id', '=', rid).execute();
      expect(answers.length).toBeGreaterThanOrEqual(17);
      expect(new Set(answers.map((a) => a.language))).toEqual(new Set([lang]));
      expect(new Set(answers.map((a) => a.indicator).filter((i) => i !== null)).size).toBe(14);
      // The default pilot's background questions (age band, residence status, months here) carry no indicator or colour.
      const background = answers.filter((a) => ['age_band', 'residence_status', 'months_in_nl'].includes(a.question_id));
      expect(background).toHaveLength(3);
      expect(background.every((a) => a.indicator === null && a.outcome === null && a.traffic_light === null)).toBe(true);
      expect(answers.every((a) => a.channel === 'tryit' && a.consent_version === 1)).toBe(true);
      expect(JSON.stringify(answers)).not.toContain(client.token);
      const consents = await app.db.selectFrom('consents').selectAll().where('respondent_id', '=', rid).execute();
      expect(consents.some((c) => c.kind === 'participation' && c.granted === 1)).toBe(true);
      expect(consents.some((c) => c.kind === 'recontact')).toBe(true);
    });
  }

  it('answers a retried request (same message id) without recording twice', async () => {
    const client = new TryitClient(app.url, undefined, 'en');
    await client.send({ command: 'start' });
    await client.send({ button: 'lang:en' });
    await client.send({ button: 'consent:yes' });
    const first = await client.send({ text: '2019', messageId: 'same' });
    const again = await client.send({ text: '2019', messageId: 'same' });
    expect(first.outcome).toBe('handled');
    expect(again.outcome).toBe('duplicate');
    const rid = app.handler.respondentIdFor('tryit', client.token);
    const rows = await app.db.selectFrom('answers').select(['question_id', 'revision']).where('respondent_id', '=', rid).execute();
    expect(rows).toEqual([{ question_id: 'arrival_year', revision: 1 }]);
  });

  it('rejects a malformed request with a 400 naming the field', async () => {
    const res = await fetch(`${app.url}/try/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'short', messageId: 'x' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^token: /);
  });

  it('serves recorded prompts by an opaque id, never by the server path', async () => {
    const file = join(app.dir, 'prompt-q1.mp3');
    writeFileSync(file, Buffer.from('ID3 not really audio'));
    const token = 'prompt-test-token-0001';
    // What the outbox hands the channel: the renderer has made the prompt path absolute.
    await app.tryit.send(token, { text: 'Question 1', language: 'en', dir: 'ltr', media: { form: 'audio', file } });
    const res = await fetch(`${app.url}/try/api/messages?token=${token}`);
    const body = JSON.stringify(await res.json());
    expect(body).not.toContain(app.dir);
    const url = (JSON.parse(body) as { messages: Array<{ media: { file: string } }> }).messages[0]!.media.file;
    expect(url).toMatch(/^\/try\/api\/prompts\/[A-Za-z0-9_-]{22}$/);
    const prompt = await fetch(`${app.url}${url}`);
    expect(prompt.status).toBe(200);
    expect(prompt.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await prompt.arrayBuffer()).toString()).toBe('ID3 not really audio');
    const missing = await fetch(`${app.url}/try/api/prompts/AAAAAAAAAAAAAAAAAAAAAA`);
    expect(missing.status).toBe(404);
    await missing.text(); // read to the end, so its keep-alive socket is idle when the server closes
  });
});
