import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { Browser, completeWithRedAnswers, createUser, seed } from '../helpers/dashboard.ts';

let app: TestApp;
let coordinator: Browser;
let client: TryitClient;
let rid: string;

type Pulled = { messages: Array<{ text: string; language: string; dir: string; buttons?: Array<Array<{ label: string; data: string }>> }> };
const pull = async (c: TryitClient): Promise<Pulled> => (await (await fetch(`${app.url}/try/api/messages?token=${c.token}`)).json()) as Pulled;
const caseOf = async (indicator: string) =>
  app.db.selectFrom('followup_cases').selectAll().where('respondent_id', '=', rid).where('indicator', '=', indicator).executeTakeFirstOrThrow();

async function invite(caseIds: string[], template = 'session') {
  const page = await coordinator.get('/pilots/default/queue');
  return coordinator.post('/pilots/default/queue/invite', {
    cases: caseIds,
    template,
    when: '2026-12-03T14:30',
    place: 'Buurthuis De Brug',
    _csrf: Browser.csrf(page.body),
  });
}

beforeAll(async () => {
  app = await startTestApp();
  await createUser(app.db, 'coord@example.org', 'coordinator');
  coordinator = new Browser(app.server);
  await coordinator.login('coord@example.org');
  client = new TryitClient(app.url, undefined, 'ar');
  rid = app.handler.respondentIdFor('tryit', client.token);
  const done = async () => (await app.db.selectFrom('sessions').select('phase').where('respondent_id', '=', rid).executeTakeFirst())?.phase === 'completed';
  await completeWithRedAnswers(client, 'ar', done);
});
afterAll(async () => {
  await app.dispose();
});

describe('follow-up queue', () => {
  it('lists red indicators the respondent agreed to be recontacted about, without their address', async () => {
    const page = await coordinator.get('/pilots/default/queue');
    expect(page.statusCode).toBe(200);
    const cases = await app.db.selectFrom('followup_cases').selectAll().where('respondent_id', '=', rid).execute();
    const consented = await app.db
      .selectFrom('consents')
      .select('theme')
      .where('respondent_id', '=', rid)
      .where('kind', '=', 'recontact')
      .where('granted', '=', 1)
      .execute();
    const red = await app.db.selectFrom('answers').select('indicator').distinct().where('respondent_id', '=', rid).where('traffic_light', '=', 'red').execute();
    const expected = consented
      .map((c) => c.theme!)
      .filter((t) => red.some((r) => r.indicator === t))
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(cases.map((c) => c.indicator).sort()).toEqual(expected);
    for (const c of cases) expect(page.body).toContain(`data-case="${c.id}"`);
    expect(page.body).not.toContain(client.token);
    // Opening the queue again opens no duplicate cases.
    await coordinator.get('/pilots/default/queue');
    expect(await app.db.selectFrom('followup_cases').select('id').where('respondent_id', '=', rid).execute()).toHaveLength(cases.length);
  });

  it("invites through the bot in the respondent's language, and a tapped answer comes back into the case", async () => {
    const c = await caseOf('housing');
    const res = await invite([c.id]);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/pilots/default/queue?sent=1&unreachable=0');
    const { messages } = await pull(client);
    expect(messages).toHaveLength(1);
    const m = messages[0]!;
    expect(m.language).toBe('ar');
    expect(m.dir).toBe('rtl');
    expect(m.text).toMatch(/[\u0600-\u06FF]/);
    expect(m.text).toContain('Buurthuis De Brug');
    expect(m.buttons!.flat().map((b) => b.data)).toEqual([`rsvp:${c.id}:accepted`, `rsvp:${c.id}:declined`, `rsvp:${c.id}:maybe`]);
    expect((await caseOf('housing')).status).toBe('invited');

    const reply = await client.send({ button: `rsvp:${c.id}:accepted` });
    expect(reply.messages.map((x) => x.text)).toEqual(['شكرًا لك! نتطلع إلى رؤيتك.']);
    const after = await caseOf('housing');
    expect(after.status).toBe('accepted');
    expect(after.rsvp).toBe('accepted');
    const page = await coordinator.get(`/cases/${c.id}`);
    expect(page.body).toContain('data-status="accepted"');
    const trail = await app.db.selectFrom('audit_log').select(['action', 'actor']).where('case_id', '=', c.id).orderBy('at').orderBy('id').execute();
    expect(trail.map((t) => t.action)).toEqual(['invite', 'rsvp']);
    expect(trail[1]!.actor).toBe('respondent');
  });

  it('reads a typed number as the answer from the numbered list (WhatsApp) once the survey is over', async () => {
    const cases = await app.db.selectFrom('followup_cases').selectAll().where('respondent_id', '=', rid).where('status', '=', 'open').execute();
    const c = cases[0]!;
    await invite([c.id], 'call');
    await pull(client);
    const reply = await client.send({ text: '3' });
    expect(reply.messages[0]!.text).toBe('شكرًا لك. يمكنك الإجابة بنعم أو لا لاحقًا.');
    const after = await app.db.selectFrom('followup_cases').select(['status', 'rsvp']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'invited', rsvp: 'maybe' });
  });

  it("ignores an RSVP button for someone else's case", async () => {
    const other = new TryitClient(app.url, undefined, 'en');
    const c = await caseOf('housing');
    await other.send({ command: 'start' });
    await other.send({ button: `rsvp:${c.id}:declined` });
    expect((await caseOf('housing')).status).toBe('accepted');
  });

  it('records status, assignee and notes changes in the audit log', async () => {
    const c = await caseOf('housing');
    const page = await coordinator.get(`/cases/${c.id}`);
    const me = await app.db.selectFrom('users').select('id').where('email', '=', 'coord@example.org').executeTakeFirstOrThrow();
    const res = await coordinator.post(`/cases/${c.id}`, {
      status: 'attended',
      assignee: me.id,
      notes: 'Came with a friend; <b>keen</b>',
      _csrf: Browser.csrf(page.body),
    });
    expect(res.statusCode).toBe(303);
    const after = await caseOf('housing');
    expect(after).toMatchObject({ status: 'attended', assignee_id: me.id, notes: 'Came with a friend; <b>keen</b>' });
    const shown = await coordinator.get(`/cases/${c.id}`);
    expect(shown.body).toContain('Came with a friend; &lt;b&gt;keen&lt;/b&gt;');
    const last = await app.db
      .selectFrom('audit_log')
      .selectAll()
      .where('case_id', '=', c.id)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.action).toBe('update');
    expect(last.actor).toBe(me.id);
    expect(JSON.parse(last.detail)).toEqual({ status: 'attended', assignee: me.id, notes: '(edited)' });
  });

  it('never invites someone who said no to the expertpool to a group session, and lists expertpool members without red answers', async () => {
    await seed(app.db, 'default', [
      {
        id: 'pool-no',
        language: 'nl',
        channel: 'tryit',
        address: 'tok-pool-no',
        recontact: ['housing'],
        expertpool: false,
        answers: [{ questionId: 'housing_suitable', indicator: 'housing', outcome: 'suitable_home', light: 'red', number: 1 }],
      },
      {
        id: 'pool-yes-green',
        language: 'nl',
        channel: 'tryit',
        address: 'tok-pool-yes',
        recontact: ['housing'],
        expertpool: true,
        answers: [{ questionId: 'housing_suitable', indicator: 'housing', outcome: 'suitable_home', light: 'green', number: 9 }],
      },
    ]);
    const queue = await coordinator.get('/pilots/default/queue');
    const c = await app.db.selectFrom('followup_cases').selectAll().where('respondent_id', '=', 'pool-no').executeTakeFirstOrThrow();
    expect(queue.body).toMatch(new RegExp(`data-case="${c.id}"[^]*?data-expertpool="no"`));
    const res = await invite([c.id], 'session');
    expect(res.headers.location).toBe('/pilots/default/queue?sent=0&unreachable=0&not_in_expertpool=1');
    expect(await app.db.selectFrom('outbox').select('id').where('respondent_id', '=', 'pool-no').execute()).toEqual([]);
    const after = await app.db.selectFrom('followup_cases').select('status').where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(after.status).toBe('open');
    const audit = await app.db.selectFrom('audit_log').select('action').where('case_id', '=', c.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['invite_not_in_expertpool']);

    // The expertpool member without a red answer is on the expertpool list; the "no" is not.
    const pool = await coordinator.get('/pilots/default/expertpool?indicator=housing');
    expect(pool.statusCode).toBe(200);
    expect(pool.body).toContain('data-member="pool-yes-green"');
    expect(pool.body).not.toContain('data-member="pool-no"');
    expect(pool.body).not.toContain('tok-pool');
    const added = await coordinator.post('/pilots/default/expertpool/cases', {
      indicator: 'housing',
      respondents: ['pool-yes-green', 'pool-no'],
      _csrf: Browser.csrf(pool.body),
    });
    expect(added.statusCode).toBe(303);
    const opened = await app.db
      .selectFrom('followup_cases')
      .select('respondent_id')
      .where('indicator', '=', 'housing')
      .where('respondent_id', 'in', ['pool-yes-green', 'pool-no'])
      .orderBy('respondent_id')
      .execute();
    expect(opened.map((o) => o.respondent_id)).toEqual(['pool-no', 'pool-yes-green']);
  });

  it('rejects an invitation without a date, naming the field', async () => {
    const page = await coordinator.get('/pilots/default/queue');
    const res = await coordinator.post('/pilots/default/queue/invite', { cases: 'x', template: 'session', when: '', _csrf: Browser.csrf(page.body) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('when: pick a date and time');
  });

  it('does not invite someone whose latest recontact answer for the theme is no since the case was opened', async () => {
    const c = await caseOf('housing');
    const later = new Date(Date.now() + 60_000).toISOString();
    const withdraw = {
      id: 'consent-withdrawn-housing',
      respondent_id: rid,
      pilot_code: 'default',
      survey_id: 'default-pilot',
      kind: 'recontact',
      theme: 'housing',
      version: 1,
      granted: 0,
      recorded_at: later,
      source_message_id: 'm-withdraw',
    };
    await app.db.insertInto('consents').values(withdraw).execute();
    const res = await invite([c.id], 'call');
    expect(res.headers.location).toBe('/pilots/default/queue?sent=0&unreachable=0&withdrawn=1');
    expect((await pull(client)).messages).toEqual([]);
    const audit = await app.db.selectFrom('audit_log').select('action').where('case_id', '=', c.id).orderBy('at', 'desc').executeTakeFirstOrThrow();
    expect(audit.action).toBe('invite_no_recontact');
    expect((await coordinator.get(res.headers.location as string)).body).toContain('contacted again about this theme is no');
    await app.db.deleteFrom('consents').where('id', '=', withdraw.id).execute();
  });

  it('does not invite someone who said STOP since, and counts them on the page; START lifts it', async () => {
    await client.send({ text: 'توقف' });
    await pull(client);
    const c = await caseOf('housing');
    const res = await invite([c.id]);
    expect(res.headers.location).toBe('/pilots/default/queue?sent=0&unreachable=0&suppressed=1');
    expect((await pull(client)).messages).toEqual([]);
    const audit = await app.db.selectFrom('audit_log').select('action').where('case_id', '=', c.id).orderBy('at', 'desc').executeTakeFirstOrThrow();
    expect(audit.action).toBe('invite_suppressed');
    const page = await coordinator.get(res.headers.location as string);
    expect(page.body).toContain('do-not-contact');

    await client.send({ text: 'ابدأ' });
    await pull(client);
    expect((await invite([c.id])).headers.location).toBe('/pilots/default/queue?sent=1&unreachable=0');
  });

  it('does not invite someone whose address blocked the bot; their next message makes them reachable', async () => {
    await pull(client);
    await app.store.markUnreachable('tryit', client.token, new Date().toISOString());
    const c = await caseOf('housing');
    expect((await invite([c.id])).headers.location).toBe('/pilots/default/queue?sent=0&unreachable=1');
    expect((await pull(client)).messages).toEqual([]);

    await client.send({ text: 'مرحبا' });
    await pull(client);
    expect((await invite([c.id])).headers.location).toBe('/pilots/default/queue?sent=1&unreachable=0');
  });
});
