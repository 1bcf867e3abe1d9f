import type { AuthenticationState } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser } from '../helpers/dashboard.ts';
import { FakeSocket, text } from '../helpers/whatsapp.ts';

let app: TestApp;
let socket: FakeSocket;
const PN = '31611112222@s.whatsapp.net';

async function say(t: string): Promise<string> {
  const before = socket.sent.length;
  socket.receive(text(PN, t));
  await app.whatsapp!.connection.idle();
  await app.handler.idle();
  return socket.sent
    .slice(before)
    .map((s) => String(s.content.text ?? ''))
    .join('\n---\n');
}

beforeAll(async () => {
  app = await startTestApp(
    { WHATSAPP_ENABLED: '1', TRYIT_ENABLED: '0', WHATSAPP_CHAT_GAP_MS: '0', WHATSAPP_PER_MINUTE: '600' },
    { makeWhatsAppSocket: (auth: AuthenticationState) => (socket = new FakeSocket(auth)) },
  );
  socket.emit('connection.update', { connection: 'open' });
  await say('مرحبا');
  expect(await say('3')).toMatch(/[\u0600-\u06FF]/); // Arabic
  await say('1'); // consent: yes
  // As the engine stores it after a finished survey: a red housing answer and consent to be recontacted about housing.
  const session = await app.db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow();
  const now = new Date().toISOString();
  const state = { ...JSON.parse(session.state), phase: 'completed', current: null, completedAt: now };
  await app.db
    .updateTable('sessions')
    .set({ state: JSON.stringify(state), phase: 'completed', completed_at: now })
    .where('id', '=', session.id)
    .execute();
  await app.db
    .insertInto('answers')
    .values({
      id: 'a1',
      session_id: session.id,
      respondent_id: session.respondent_id,
      pilot_code: 'default',
      survey_id: 'default-pilot',
      survey_version: 1,
      question_id: 'housing_suitable',
      parent_question_id: null,
      indicator: 'housing',
      outcome: 'suitable_home',
      question_type: 'scale',
      value_number: 1,
      value_choices: null,
      value_text: null,
      value_date: null,
      skipped: 0,
      language: 'ar',
      channel: 'whatsapp',
      modality: 'text',
      prompt_form: 'text',
      traffic_light: 'red',
      consent_version: 1,
      answered_at: now,
      source_message_id: 'm',
      revision: 1,
      media_kind: null,
      media_ref: null,
      media_status: null,
    })
    .execute();
  await app.db
    .insertInto('consents')
    .values({
      id: 'c1',
      respondent_id: session.respondent_id,
      pilot_code: 'default',
      survey_id: 'default-pilot',
      kind: 'recontact',
      theme: 'housing',
      version: 1,
      granted: 1,
      recorded_at: now,
      source_message_id: 'm2',
    })
    .execute();
  await createUser(app.db, 'coord@example.org', 'coordinator');
});
afterAll(async () => {
  await app.dispose();
});

describe('follow-up invitation over WhatsApp', () => {
  it('shows the answers as a numbered list and takes a typed number as the reply', async () => {
    const b = new Browser(app.server);
    await b.login('coord@example.org');
    const queue = await b.get('/pilots/default/queue');
    expect(queue.body).not.toContain('31611112222');
    const c = await app.db.selectFrom('followup_cases').selectAll().executeTakeFirstOrThrow();
    const before = socket.sent.length;
    await b.post('/pilots/default/queue/invite', { cases: c.id, template: 'call', when: '2026-12-03T14:30', _csrf: Browser.csrf(queue.body) });
    await app.handler.idle();
    const invitation = socket.sent
      .slice(before)
      .map((s) => String(s.content.text ?? ''))
      .join('\n');
    expect(invitation).toContain('1. نعم\n2. لا\n3. ربما');
    expect(socket.sent.at(-1)!.jid).toBe(PN);
    expect(await say('1')).toBe('شكرًا لك! نتطلع إلى رؤيتك.');
    expect(await app.db.selectFrom('followup_cases').select(['status', 'rsvp']).where('id', '=', c.id).executeTakeFirstOrThrow()).toEqual({
      status: 'accepted',
      rsvp: 'accepted',
    });
  });
});
