/**
 * A survey file's consent version raised between two starts of the real app (issue 13,
 * defect 5): returning respondents are asked again before their next answer is stored, and
 * every answer row carries the version it was consented under. On SQLite and PostgreSQL.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundContent } from '../../bot/channels/port.ts';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { CaptureChannel } from '../helpers/capture.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const YES = '+31612340011';
const NO = '+31612340012';
let seq = 0;
const msg = (address: string, content: InboundContent) => ({
  channel: 'telegram' as const,
  address,
  messageId: `cv-${++seq}`,
  receivedAt: new Date().toISOString(),
  content,
});
const text = (address: string, t: string) => msg(address, { kind: 'text', text: t });
const button = (address: string, data: string) => msg(address, { kind: 'button', data });

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

/** A copy of the default survey with its consent at `version`, as a researcher would edit it. */
function writeSurvey(file: string, version: number): void {
  const original = readFileSync(join(ROOT, 'surveys/definitions/default-pilot.yaml'), 'utf8');
  const edited = original.replace(/^consent:\n {2}version: 1$/m, `consent:\n  version: ${version}`);
  if (edited === original && version !== 1) throw new Error('default-pilot.yaml no longer has "consent:\\n  version: 1"');
  writeFileSync(file, edited);
}

describe.each(STORE_KINDS)('a raised consent version, on %s', (kind) => {
  it('asks again before the next answer is stored; yes stores it under the new version, no keeps the earlier answers', async () => {
    const db: TestDatabase = await createTestDatabase(kind);
    const dir = mkdtempSync(join(tmpdir(), 'stemmen-consent-'));
    cleanup.push(
      () => db.dispose(),
      () => rmSync(dir, { recursive: true, force: true }),
    );
    const surveyFile = join(dir, 'survey.yaml');
    // Both starts share the data folder (pseudonym secret) and the database, like a redeploy.
    const env = { ...db.env, DATA_DIR: dir, SURVEY_FILE: surveyFile };
    const start = async (): Promise<[TestApp, CaptureChannel]> => {
      const channel = new CaptureChannel();
      return [await startTestApp(env, { channels: [channel] }), channel];
    };

    writeSurvey(surveyFile, 1);
    const [first] = await start();
    for (const who of [YES, NO]) {
      for (const m of [text(who, 'hi'), button(who, 'lang:en'), button(who, 'consent:yes'), text(who, '2020'), button(who, 'a:work_has_paid_work:yes')]) {
        await first.handler.handle(m);
      }
    }
    await first.dispose();

    writeSurvey(surveyFile, 2);
    const [app, channel] = await start();
    cleanup.unshift(() => app.dispose());
    const answers = (address: string) =>
      app.db
        .selectFrom('answers')
        .select(['question_id', 'consent_version'])
        .where('respondent_id', '=', app.handler.respondentIdFor('telegram', address))
        .orderBy('answered_at')
        .execute();

    // The answer to the next question is not taken: the consent question comes first.
    await app.handler.handle(button(YES, 'a:work_fair:8'));
    expect(channel.for(YES).at(-1)?.text).toMatch(/changed the terms/);
    expect(
      channel
        .for(YES)
        .at(-1)
        ?.buttons?.flat()
        .map((b) => b.data),
    ).toEqual(['consent:yes', 'consent:no']);
    expect(await answers(YES)).toEqual([
      { question_id: 'arrival_year', consent_version: 1 },
      { question_id: 'work_has_paid_work', consent_version: 1 },
    ]);

    // HELP still works while the new consent is pending, and stores nothing.
    await app.handler.handle(msg(YES, { kind: 'command', command: 'help' }));
    expect(channel.for(YES).at(-1)?.text).toMatch(/changed the terms/);
    await app.handler.handle(button(YES, 'consent:yes'));
    expect(channel.for(YES).at(-1)?.text).toMatch(/Question 3 of/);
    await app.handler.handle(button(YES, 'a:work_fair:8'));
    expect(await answers(YES)).toEqual([
      { question_id: 'arrival_year', consent_version: 1 },
      { question_id: 'work_has_paid_work', consent_version: 1 },
      { question_id: 'work_fair', consent_version: 2 },
    ]);
    const consents = await app.db
      .selectFrom('consents')
      .select(['version', 'granted'])
      .where('respondent_id', '=', app.handler.respondentIdFor('telegram', YES))
      .where('kind', '=', 'participation')
      .orderBy('recorded_at')
      .execute();
    expect(consents).toEqual([
      { version: 1, granted: 1 },
      { version: 2, granted: 1 },
    ]);

    // No: nothing new is stored, the decline of v2 is counted, the v1 answers stay until deletion is confirmed.
    await app.handler.handle(button(NO, 'a:work_fair:2'));
    await app.handler.handle(button(NO, 'consent:no'));
    expect(
      channel
        .for(NO)
        .at(-1)
        ?.buttons?.flat()
        .map((b) => b.data),
    ).toEqual(['erase:yes', 'erase:no']);
    expect(await answers(NO)).toEqual([
      { question_id: 'arrival_year', consent_version: 1 },
      { question_id: 'work_has_paid_work', consent_version: 1 },
    ]);
    expect(await app.db.selectFrom('consent_declines').select(['consent_version', 'count']).execute()).toEqual([{ consent_version: 2, count: 1 }]);
    await app.handler.handle(button(NO, 'erase:yes'));
    expect(await answers(NO)).toEqual([]);
    expect(await answers(YES)).toHaveLength(3);

    // The funnel counts people: two consented, nobody declined taking part; the renewed yes and the no are no new steps.
    const funnel = await app.db
      .selectFrom('funnel_events')
      .select(['event', (eb) => eb.fn.sum<number | string>('count').as('n')])
      .where('event', 'in', ['consented', 'declined'])
      .groupBy('event')
      .execute();
    expect(Object.fromEntries(funnel.map((r) => [r.event, Number(r.n)]))).toEqual({ consented: 2 });
  }, 60_000);
});
