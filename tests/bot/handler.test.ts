import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundContent } from '../../bot/channels/port.ts';
import { AnswerIssueRepository } from '../../storage/answer-issues.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { CaptureChannel } from '../helpers/capture.ts';

let app: TestApp;
let channel: CaptureChannel;
let seq = 0;

beforeEach(async () => {
  channel = new CaptureChannel();
  app = await startTestApp({}, { channels: [channel] });
});
afterEach(async () => {
  await app.dispose();
});

const PHONE = '+31612345678';
function msg(content: InboundContent, opts: { address?: string; id?: string; hint?: string } = {}) {
  return {
    channel: 'telegram' as const,
    address: opts.address ?? PHONE,
    messageId: opts.id ?? `msg-${++seq}`,
    receivedAt: new Date().toISOString(),
    languageHint: opts.hint,
    content,
  };
}
const text = (t: string, o?: Parameters<typeof msg>[1]) => msg({ kind: 'text', text: t }, o);
const button = (d: string, o?: Parameters<typeof msg>[1]) => msg({ kind: 'button', data: d }, o);

async function consented(address = PHONE, lng = 'en') {
  await app.handler.handle(text('hi', { address }));
  await app.handler.handle(button(`lang:${lng}`, { address }));
  await app.handler.handle(button('consent:yes', { address }));
}

describe('inbound handler', () => {
  it('suggests the language from the channel hint and asks it in that language', async () => {
    await app.handler.handle(text('سلام', { hint: 'fa-IR' }));
    const first = channel.for(PHONE)[0]!;
    expect(first.language).toBe('fa');
    expect(first.dir).toBe('rtl');
    expect(first.buttons?.[0]?.[0]?.data).toBe('lang:fa');
  });

  it('never records a redelivered message twice', async () => {
    await consented();
    const m = text('2020');
    expect(await app.handler.handle(m)).toBe('handled');
    expect(await app.handler.handle(m)).toBe('duplicate');
    const rows = await app.db.selectFrom('answers').selectAll().execute();
    expect(rows.map((r) => [r.question_id, r.value_date, r.revision])).toEqual([['arrival_year', '2020', 1]]);
  });

  it("handles one respondent's messages in order even when they arrive together", async () => {
    await consented();
    await Promise.all([app.handler.handle(text('2020')), app.handler.handle(button('a:work_has_paid_work:yes')), app.handler.handle(button('a:work_fair:8'))]);
    const rows = await app.db.selectFrom('answers').select(['question_id', 'value_number', 'value_choices']).orderBy('answered_at').execute();
    expect(rows.map((r) => r.question_id)).toEqual(['arrival_year', 'work_has_paid_work', 'work_fair']);
  });

  it("maps typed keywords and labels in the respondent's language to commands and buttons", async () => {
    await consented(PHONE, 'nl');
    await app.handler.handle(text('2021'));
    await app.handler.handle(text('Ja'));
    const rows = await app.db.selectFrom('answers').select(['question_id', 'value_choices', 'modality']).execute();
    expect(rows.find((r) => r.question_id === 'work_has_paid_work')).toMatchObject({ value_choices: '["yes"]', modality: 'button' });
    await app.handler.handle(text('OVERSLAAN'));
    const skipped = await app.db.selectFrom('answers').select(['question_id', 'skipped']).execute();
    expect(skipped.find((r) => r.question_id === 'work_fair')?.skipped).toBe(1);
  });

  it('keeps replies in the outbox when the channel is down and delivers them later, in order', async () => {
    await consented();
    channel.failing = true;
    await app.handler.handle(text('2020'));
    await app.handler.handle(text('not a valid yes/no'));
    const pending = await app.db.selectFrom('outbox').select(['attempts']).execute();
    expect(pending.length).toBe(2); // one message per input: the issue rides with the question again
    channel.failing = false;
    const before = channel.sent.length;
    expect(await app.delivery.flushAll()).toBe(2);
    const delivered = channel.sent.slice(before).map((s) => s.message.text);
    expect(delivered[0]).toMatch(/Question 2 of/);
    expect(delivered[1]).toMatch(/tap one of the buttons[\s\S]*Question 2 of/);
    expect(await app.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  });

  it("counts answers it could not accept per question and issue code, and keeps no one's words", async () => {
    await consented();
    await app.handler.handle(text('next spring'));
    await app.handler.handle(text('next spring'));
    await app.handler.handle(text('2020'));
    await app.handler.handle(text('perhaps'));
    await app.handler.handle(button('lang:nl'));
    expect(await new AnswerIssueRepository(app.db).answerIssueCounts('default')).toEqual([
      { surveyId: 'default-pilot', questionId: 'arrival_year', code: 'not_a_date', count: 2 },
      { surveyId: 'default-pilot', questionId: 'work_has_paid_work', code: 'not_a_choice', count: 1 },
      { surveyId: 'default-pilot', questionId: 'work_has_paid_work', code: 'stale_button', count: 1 },
    ]);
    const rows = JSON.stringify(await app.db.selectFrom('answer_issues').selectAll().execute());
    expect(rows).not.toContain(app.handler.respondentIdFor('capture', PHONE));
    expect(rows).not.toContain('next spring');
  });

  it('keeps nothing but a count when consent is declined', async () => {
    await app.handler.handle(text('hi'));
    await app.handler.handle(button('lang:en'));
    await app.handler.handle(button('consent:no'));
    for (const t of ['respondents', 'contacts', 'sessions', 'answers', 'consents', 'inbox', 'outbox'] as const) {
      expect(await app.db.selectFrom(t).selectAll().execute(), t).toEqual([]);
    }
    expect(await app.db.selectFrom('consent_declines').selectAll().execute()).toEqual([
      { pilot_code: 'default', survey_id: 'default-pilot', consent_version: 1, count: 1 },
    ]);
    expect(channel.for(PHONE).at(-1)?.text).toMatch(/not kept anything/);
  });

  it('erases every row of a respondent after DELETE is confirmed, and leaves others alone', async () => {
    await consented();
    await consented('+31600000000');
    await app.handler.handle(text('2020'));
    await app.handler.handle(text('delete'));
    await app.handler.handle(button('erase:yes'));
    const rid = app.handler.respondentIdFor('telegram', PHONE);
    for (const t of ['respondents', 'contacts', 'sessions', 'answers', 'consents', 'inbox', 'outbox'] as const) {
      const rows = await app.db.selectFrom(t).selectAll().execute();
      expect(JSON.stringify(rows), t).not.toContain(rid);
      expect(JSON.stringify(rows), t).not.toContain(PHONE);
    }
    expect(await app.db.selectFrom('respondents').selectAll().execute()).toHaveLength(1);
    expect(channel.for(PHONE).at(-1)?.text).toMatch(/has been deleted/);
  });

  it('keeps addresses out of answers, consents and sessions', async () => {
    await consented();
    await app.handler.handle(text('2020'));
    await app.handler.handle(button('a:work_has_paid_work:no'));
    for (const t of ['answers', 'consents', 'sessions', 'respondents', 'inbox'] as const) {
      expect(JSON.stringify(await app.db.selectFrom(t).selectAll().execute()), t).not.toContain('612345678');
    }
  });

  it('gives a calm reply to stickers, huge texts and messages after STOP, and loses nothing', async () => {
    await consented();
    await app.handler.handle(text('2020'));
    await app.handler.handle(msg({ kind: 'unsupported', what: 'sticker' }));
    expect(channel.for(PHONE).at(-1)?.text).toMatch(/cannot use this kind of message[\s\S]*Question 2 of/);
    await app.handler.handle(text('x'.repeat(4000)));
    expect(channel.for(PHONE).at(-1)?.text).toMatch(/tap one of the buttons[\s\S]*Question 2 of/);
    await app.handler.handle(text('STOP'));
    await app.handler.handle(text('yes'));
    expect(channel.for(PHONE).at(-1)?.text).toMatch(/You have stopped the survey/);
    const rows = await app.db.selectFrom('answers').select('question_id').execute();
    expect(rows.map((r) => r.question_id)).toEqual(['arrival_year']);
  });

  it('joins the pilot named in /start <code> and ignores unknown codes', async () => {
    await app.handler.handle(msg({ kind: 'command', command: 'start', arg: 'no-such-pilot' }));
    expect(await app.db.selectFrom('sessions').select('pilot_code').execute()).toEqual([{ pilot_code: 'default' }]);
    await app.store.pilots.ensure('utrecht-2027', 'Utrecht', 'default-pilot', 1, new Date().toISOString());
    await app.handler.handle(msg({ kind: 'command', command: 'start', arg: 'Utrecht-2027' }));
    const sessions = await app.db.selectFrom('sessions').select('pilot_code').orderBy('pilot_code').execute();
    expect(sessions).toEqual([{ pilot_code: 'default' }, { pilot_code: 'utrecht-2027' }]);
  });
});
