/**
 * The map split by a background question over the dashboard bench's answers: gives every
 * bench respondent a residence-status answer (one INSERT … SELECT over their sessions: 40 %
 * asylum, 30 % permit, 20 % temporary protection, 10 % prefer not to say), then times the split
 * map's two queries (lights per group and indicator, group sizes) and the whole split map with
 * its protection, in a child process (breakdown-child.ts) whose peak RSS is read on exit.
 * BENCH_MAP_SPLIT=off skips it.
 * @module
 */
import { measuredChild } from './measured-child.ts';
import { join } from 'node:path';
import { connectRawPostgres, openRawSqlite } from '../../storage/raw-drivers.ts';

const ROOT = join(import.meta.dirname, '../..');

/** What the child measures (medians of 5, ms) and its peak RSS. */
export interface SplitFigures {
  backgroundAnswers: number;
  lightsQueryMs: number;
  sizesQueryMs: number;
  splitMapMs: number;
  maxRssMb: number;
}

const DIGIT = 'substr(s.id, length(s.id), 1)';
const INSERT = `insert into answers (id, session_id, respondent_id, pilot_code, survey_id, survey_version, question_id, parent_question_id,
    indicator, outcome, question_type, value_number, value_choices, value_text, value_date, skipped, language, channel, modality,
    prompt_form, traffic_light, consent_version, answered_at, source_message_id, revision)
  select 'bg-' || s.id, s.id, s.respondent_id, s.pilot_code, s.survey_id, s.survey_version, 'residence_status', null, null, null, 'single', null,
    case when ${DIGIT} in ('0','1','2','3') then '["asylum"]' when ${DIGIT} in ('4','5','6') then '["permit"]'
      when ${DIGIT} in ('7','8') then '["temporary_protection"]' else '["prefer_not"]' end,
    null, null, 0, coalesce(s.language, 'en'), s.channel, 'button', 'text', null, 1, s.started_at, 'bg-' || s.id, 1
  from sessions s where s.pilot_code = 'bench'`;
const COUNT = `select count(*) as n from answers where question_id = 'residence_status'`;

/** One background answer per bench session, from the last digit of its id (plain SQL both dialects run). */
export async function addBackgroundAnswers(target: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }): Promise<number> {
  if (target.kind === 'sqlite') {
    const raw = openRawSqlite(target.file);
    try {
      raw.exec(INSERT);
      return Number((raw.prepare(COUNT).get() as { n: number }).n);
    } finally {
      raw.close();
    }
  }
  const client = await connectRawPostgres(target.url);
  try {
    await client.query(INSERT);
    await client.query('analyze answers');
    return Number((await client.query<{ n: string }>(COUNT)).rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Runs breakdown-child.ts against the database (DATABASE_FILE or DATABASE_URL) and returns its figures. */
export async function timeSplit(dbEnv: Record<string, string>, backgroundAnswers: number): Promise<SplitFigures> {
  const r = await measuredChild('split bench', ['--import', 'tsx', join(ROOT, 'scripts/bench/breakdown-child.ts')], dbEnv);
  return { backgroundAnswers, ...(JSON.parse(r.stdout) as Omit<SplitFigures, 'maxRssMb' | 'backgroundAnswers'>), maxRssMb: r.maxRssMb };
}
