/**
 * What leaves the coding as quotes: the coded answers for the researchers' exports, and the
 * shareable ones for viewers. No answer, respondent, session or message id and no timestamp
 * leaves this module: respondent ids are used inside it only to find each person's background
 * groups, and a quote carries its month at most.
 * @module
 */
import { groupMembers, type Split } from './breakdown.ts';
import type { Db } from './database.ts';
import { filtered, type AnswerFilter } from './reports.ts';

/** What a respondent said, as stored: the typed text or the transcript, and the translations beside it. */
export interface QuoteText {
  indicator: string | null;
  outcome: string | null;
  questionId: string;
  language: string;
  text: string | null;
  transcript: string | null;
  transcriptLanguage: string | null;
  translations: Record<string, string>;
}

/** A coded answer for the exports: its codes (ids), shareable mark, wave and the respondent's groups per background question. */
export interface CodedQuote extends QuoteText {
  codeIds: string[];
  shared: boolean;
  wave: number;
  /** Background question id → the group ids the respondent is in (choice ids); absent = not answered. */
  groups: Record<string, string[]>;
}

/** A shareable quote for viewers: the month it was given, nothing finer. */
export interface SharedQuote extends QuoteText {
  month: string;
}

/** How many people of the pilot are in each group of a background question (only groups with anyone). */
export interface PilotGroupSize {
  group: string;
  n: number;
}

/** The answer columns a quote is made of. */
const QUOTE_COLUMNS = [
  'answers.indicator',
  'answers.outcome',
  'answers.question_id',
  'answers.language',
  'answers.value_text',
  'answers.transcript',
  'answers.transcript_language',
  'answers.translations',
] as const;

type QuoteRow = {
  indicator: string | null;
  outcome: string | null;
  question_id: string;
  language: string;
  value_text: string | null;
  transcript: string | null;
  transcript_language: string | null;
  translations: string | null;
};

const toQuoteText = (r: QuoteRow): QuoteText => ({
  indicator: r.indicator,
  outcome: r.outcome,
  questionId: r.question_id,
  language: r.language,
  text: r.value_text,
  transcript: r.transcript,
  transcriptLanguage: r.transcript_language,
  translations: r.translations ? (JSON.parse(r.translations) as Record<string, string>) : {},
});

export class CodedQuotes {
  constructor(private readonly db: Db) {}

  /** Every answer of the pilot with at least one code, ordered by indicator, question and language. */
  async coded(pilot: string, background: readonly Split[]): Promise<CodedQuote[]> {
    const rows = await this.db
      .selectFrom('answers')
      .innerJoin('answer_codes', 'answer_codes.answer_id', 'answers.id')
      .leftJoin('shared_quotes', 'shared_quotes.answer_id', 'answers.id')
      .select([...QUOTE_COLUMNS, 'answers.id', 'answers.respondent_id', 'answers.wave', 'answer_codes.code_id', 'shared_quotes.answer_id as shared'])
      .where('answers.pilot_code', '=', pilot)
      .orderBy('answers.indicator')
      .orderBy('answers.question_id')
      .orderBy('answers.language')
      .orderBy('answers.answered_at')
      .orderBy('answers.id')
      .execute();
    const groups = new Map<string, Record<string, string[]>>();
    for (const split of background) {
      const members = await this.db.selectFrom(groupMembers(pilot, split).as('m')).select(['m.respondent_id', 'm.grp']).execute();
      for (const m of members) {
        const g = groups.get(m.respondent_id) ?? groups.set(m.respondent_id, {}).get(m.respondent_id)!;
        (g[split.question] ??= []).push(m.grp);
      }
    }
    const byAnswer = new Map<string, CodedQuote>();
    for (const r of rows) {
      const q = byAnswer.get(r.id);
      if (q) {
        q.codeIds.push(r.code_id);
        continue;
      }
      byAnswer.set(r.id, {
        ...toQuoteText(r),
        wave: r.wave,
        codeIds: [r.code_id],
        shared: r.shared !== null,
        groups: groups.get(r.respondent_id) ?? {},
      });
    }
    return [...byAnswer.values()];
  }

  /** People of the pilot per group of a background question, and everyone with an answer (the rest are "not answered"). */
  async groupSizes(pilot: string, split: Split): Promise<{ groups: PilotGroupSize[]; grouped: number; total: number }> {
    const rows = await this.db
      .selectFrom(groupMembers(pilot, split).as('m'))
      .select(['m.grp', (eb) => eb.fn.count<number | string>('m.respondent_id').distinct().as('n')])
      .groupBy('m.grp')
      .execute();
    const grouped = await this.db
      .selectFrom(groupMembers(pilot, split).as('m'))
      .select((eb) => eb.fn.count<number | string>('m.respondent_id').distinct().as('n'))
      .executeTakeFirstOrThrow();
    const total = await this.db
      .selectFrom('answers')
      .select((eb) => eb.fn.count<number | string>('respondent_id').distinct().as('n'))
      .where('pilot_code', '=', pilot)
      .executeTakeFirstOrThrow();
    return { groups: rows.map((r) => ({ group: r.grp, n: Number(r.n) })), grouped: Number(grouped.n), total: Number(total.n) };
  }

  /** The shareable quotes of the pilot that pass the filter, per indicator (or of one), newest first. */
  async shared(pilot: string, f: AnswerFilter, indicator?: string, limit = 200): Promise<SharedQuote[]> {
    let q = filtered(this.db.selectFrom('answers'), pilot, f)
      .innerJoin('shared_quotes', 'shared_quotes.answer_id', 'answers.id')
      .select([...QUOTE_COLUMNS, 'answers.answered_at'])
      .where('answers.skipped', '=', 0)
      .orderBy('answers.answered_at', 'desc')
      .limit(limit);
    if (indicator !== undefined) q = q.where('answers.indicator', '=', indicator);
    const rows = await q.execute();
    return rows.map((r) => ({ ...toQuoteText(r), month: r.answered_at.slice(0, 7) }));
  }
}
