import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser } from '../helpers/dashboard.ts';

let fake: FakeBotApi;
let app: TestApp;
const CHAT = 4242;

async function sentAfter(n: number): Promise<Message[]> {
  const deadline = Date.now() + 8000;
  while (fake.sentTo(CHAT).length <= n) {
    if (Date.now() > deadline) throw new Error('no message from the bot');
    await new Promise((r) => setTimeout(r, 10));
  }
  return fake.sentTo(CHAT).slice(n);
}

beforeAll(async () => {
  fake = await FakeBotApi.start();
  app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TRYIT_ENABLED: '0' }, { telegramBotInfo: fake.botInfo });
  await createUser(app.db, 'coord@example.org', 'coordinator');
  // A Turkish respondent who consented, then (as stored by the engine) answered housing red, agreed to be recontacted about it and joined the expertpool.
  fake.textUpdate(CHAT, 'merhaba', 'tr');
  let seen = (await sentAfter(0)).length;
  fake.callbackUpdate(CHAT, 'lang:tr', fake.sentTo(CHAT).at(-1)!.message_id, 'tr');
  seen += (await sentAfter(seen)).length;
  fake.callbackUpdate(CHAT, 'consent:yes', fake.sentTo(CHAT).at(-1)!.message_id, 'tr');
  await sentAfter(seen);
  // The consent reply is several messages, paced apart: wait for the last one, the first question.
  for (const deadline = Date.now() + 8000; !fake.sentTo(CHAT).some((m) => /Soru 1 \//.test(m.text ?? '')) && Date.now() < deadline; )
    await new Promise((r) => setTimeout(r, 10));
  await app.handler.idle();
  const rid = app.handler.respondentIdFor('telegram', String(CHAT));
  const session = await app.db.selectFrom('sessions').select('id').where('respondent_id', '=', rid).executeTakeFirstOrThrow();
  const now = new Date().toISOString();
  await app.db
    .insertInto('answers')
    .values({
      id: 'a1',
      session_id: session.id,
      respondent_id: rid,
      pilot_code: 'default',
      survey_id: 'default-pilot',
      survey_version: 1,
      question_id: 'housing_suitable',
      parent_question_id: null,
      indicator: 'housing',
      outcome: 'suitable_home',
      question_type: 'scale',
      value_number: 2,
      value_choices: null,
      value_text: null,
      value_date: null,
      skipped: 0,
      language: 'tr',
      channel: 'telegram',
      modality: 'button',
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
      respondent_id: rid,
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
  await app.db
    .insertInto('consents')
    .values({
      id: 'c2',
      respondent_id: rid,
      pilot_code: 'default',
      survey_id: 'default-pilot',
      kind: 'expertpool',
      theme: null,
      version: 1,
      granted: 1,
      recorded_at: now,
      source_message_id: 'm3',
    })
    .execute();
});
afterAll(async () => {
  await app.dispose();
  await fake.close();
});

describe('follow-up invitation over Telegram (fake Bot API)', () => {
  it('sends the invitation in Turkish with inline buttons, and the tap comes back into the case', async () => {
    const b = new Browser(app.server);
    await b.login('coord@example.org');
    const queue = await b.get('/pilots/default/queue');
    const c = await app.db.selectFrom('followup_cases').selectAll().executeTakeFirstOrThrow();
    expect(queue.body).not.toContain(String(CHAT));
    const before = fake.sentTo(CHAT).length;
    const res = await b.post('/pilots/default/queue/invite', {
      cases: c.id,
      template: 'session',
      when: '2026-12-03T14:30',
      place: 'Buurthuis',
      _csrf: Browser.csrf(queue.body),
    });
    expect(res.headers.location).toBe('/pilots/default/queue?sent=1&unreachable=0');
    const [invitation] = await sentAfter(before);
    expect(invitation!.text).toContain('hakkındaki yanıtlarınız için teşekkür ederiz');
    const buttons = invitation!.reply_markup!.inline_keyboard.flat() as Array<{ text: string; callback_data: string }>;
    expect(buttons.map((x) => [x.text, x.callback_data])).toEqual([
      ['Evet', `rsvp:${c.id}:accepted`],
      ['Hayır', `rsvp:${c.id}:declined`],
      ['Belki', `rsvp:${c.id}:maybe`],
    ]);

    fake.callbackUpdate(CHAT, `rsvp:${c.id}:declined`, invitation!.message_id, 'tr');
    const [thanks] = await sentAfter(before + 1);
    expect(thanks!.text).toBe('Bildirdiğiniz için teşekkürler. Yanıtlarınız yine de yardımcı oluyor.');
    expect(await app.db.selectFrom('followup_cases').select(['status', 'rsvp']).where('id', '=', c.id).executeTakeFirstOrThrow()).toEqual({
      status: 'declined',
      rsvp: 'declined',
    });
  });
});
