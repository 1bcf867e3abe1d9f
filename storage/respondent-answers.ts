/**
 * A pilot's answers grouped by respondent and wave, for the wide export (one row per
 * respondent and wave). Keyset pages over respondent ids, then that page's answers from the
 * stable `answers_v3` view (v2 plus `wave`): memory holds one page of people, however large the pilot.
 *
 * Answers written before waves existed are wave 1 (migration 2026120210_waves).
 * @module
 */
import type { Db } from './database.ts';

/** What the wide table needs of one answer. */
export interface WideAnswer {
  respondent_id: string;
  wave: number;
  question_id: string;
  survey_version: number;
  value_number: number | null;
  value_choices: string | null;
  value_text: string | null;
  value_date: string | null;
  skipped: number;
  language: string;
  channel: string;
  answered_at: string;
  transcript: string | null;
}

/** One respondent in one wave, with their answers (in no particular order). */
export interface RespondentWave {
  respondentId: string;
  wave: number;
  answers: WideAnswer[];
}

export async function countRespondents(db: Db, pilot: string): Promise<number> {
  const r = await db
    .selectFrom('answers')
    .select((eb) => eb.fn.count<number | string>('respondent_id').distinct().as('n'))
    .where('pilot_code', '=', pilot)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Every respondent (and wave) of a pilot with answers, in respondent id order, a page of people at a time. */
export async function* respondentWaves(db: Db, pilot: string, pageSize = 500): AsyncGenerator<RespondentWave[]> {
  let after: string | null = null;
  for (;;) {
    let ids = db.selectFrom('answers').select('respondent_id').distinct().where('pilot_code', '=', pilot);
    if (after !== null) ids = ids.where('respondent_id', '>', after);
    const people = (await ids.orderBy('respondent_id').limit(pageSize).execute()).map((r) => r.respondent_id);
    if (people.length === 0) return;
    const rows = await db
      .selectFrom('answers_v3')
      .select([
        'respondent_id',
        'wave',
        'question_id',
        'survey_version',
        'value_number',
        'value_choices',
        'value_text',
        'value_date',
        'skipped',
        'language',
        'channel',
        'answered_at',
        'transcript',
      ])
      .where('pilot_code', '=', pilot)
      .where('respondent_id', 'in', people)
      .execute();
    // No ORDER BY (a sort of the whole page): rows are grouped here, and the page keeps the ids' order.
    const byPerson = new Map<string, Map<number, WideAnswer[]>>();
    for (const r of rows) {
      const row = { ...r, wave: Number(r.wave), skipped: Number(r.skipped) };
      let waves = byPerson.get(row.respondent_id);
      if (!waves) byPerson.set(row.respondent_id, (waves = new Map()));
      const list = waves.get(row.wave);
      if (list) list.push(row);
      else waves.set(row.wave, [row]);
    }
    yield people.flatMap((id) =>
      [...(byPerson.get(id) ?? new Map<number, WideAnswer[]>())].sort(([a], [b]) => a - b).map(([wave, answers]) => ({ respondentId: id, wave, answers })),
    );
    after = people[people.length - 1]!;
    if (people.length < pageSize) return;
  }
}
