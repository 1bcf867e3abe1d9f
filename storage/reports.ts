/**
 * The aggregate reads behind the dashboard and the read API: traffic-light counts, value
 * distributions, free-text answers, the response funnel, and the group sizes (distinct
 * respondents) that the small-group rule is checked against.
 *
 * Every count is one GROUP BY in SQL (no rows travel to Node), and only portable SQL is used
 * so PostgreSQL can run the same queries; `count()` comes back as a string there, hence Number().
 * @module
 */
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from './database.ts';
import { PilotRepository } from './pilots.ts';
import { funnelCounts } from './funnel.ts';
import type { Database, StageStatus } from './schema.ts';
import { inGroup, type GroupFilter } from './breakdown.ts';

/** Answer filters; `from`/`to` are ISO bounds on answered_at (from inclusive, to exclusive). */
export interface AnswerFilter {
  language?: string | undefined;
  channel?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Only the people in one group of a background question (see breakdown.ts). */
  group?: GroupFilter | undefined;
}

/** `n` counts respondents, each once (fractions where one person's answers differ in colour). */
export interface LightCount {
  key: string;
  light: 'red' | 'orange' | 'green';
  n: number;
}

/**
 * The answers of a pilot (or several pooled, for the comparison across pilots) that pass the
 * filter; columns are qualified where a split joins other tables. A group filter needs one
 * pilot, since background questions belong to a pilot's survey.
 */
export function filtered<O>(
  q: SelectQueryBuilder<Database, 'answers', O>,
  pilot: string | readonly string[],
  f: AnswerFilter,
): SelectQueryBuilder<Database, 'answers', O> {
  let out = typeof pilot === 'string' ? q.where('answers.pilot_code', '=', pilot) : q.where('answers.pilot_code', 'in', [...pilot]);
  const group = f.group;
  if (group) {
    if (typeof pilot !== 'string') throw new Error('a group filter applies to one pilot, not to pilots pooled');
    out = out.where((eb) => inGroup(eb, pilot, group));
  }
  if (f.language) out = out.where('answers.language', '=', f.language);
  if (f.channel) out = out.where('answers.channel', '=', f.channel);
  if (f.from) out = out.where('answers.answered_at', '>=', f.from);
  if (f.to) out = out.where('answers.answered_at', '<', f.to);
  return out;
}

const LIGHTS = ['red', 'orange', 'green'] as const;

/** Respondent-weighted light counts per key, and how many people are behind each key. */
export interface PeopleLights {
  lights: LightCount[];
  people: Array<{ key: string; n: number }>;
}

/** A typed, spoken or filmed answer for the drill-down. */
export interface FreeText {
  answerId: string;
  questionId: string;
  text: string | null;
  language: string;
  answeredAt: string;
  mediaKind: string | null;
  hasMedia: boolean;
  transcript: string | null;
  transcriptLanguage: string | null;
  translations: Record<string, string>;
  /** Of the transcript's translation, or (typed answers) of the text's; null when none applies. */
  translationStatus: StageStatus | null;
}

export class Reports {
  constructor(private readonly db: Db) {}

  async pilots(): Promise<Array<{ code: string; name: string; surveyId: string; organisationId: string; municipality: string | null; createdAt: string }>> {
    const rows = await new PilotRepository(this.db).list();
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      surveyId: r.surveyId,
      organisationId: r.organisationId,
      municipality: r.municipality,
      createdAt: r.createdAt,
    }));
  }

  /**
   * Per indicator and traffic light, how many respondents: each counts once, their answers'
   * lights shared out equally (two red and one green answer → ⅔ red, ⅓ green). The map.
   */
  async lightsByIndicator(pilot: string, f: AnswerFilter = {}): Promise<LightCount[]> {
    return (await this.peopleLights('indicator', pilot, f)).lights;
  }

  /** Per outcome of one indicator, the same respondent-weighted lights (the drill-down bars). */
  async lightsByOutcome(pilot: string, indicator: string, f: AnswerFilter = {}): Promise<LightCount[]> {
    return (await this.peopleLights('outcome', pilot, f, indicator)).lights;
  }

  /** Distinct respondents with a scored answer, per indicator (or per outcome of one indicator). */
  async respondentsWithLights(
    key: 'indicator' | 'outcome',
    pilot: string,
    f: AnswerFilter = {},
    indicator?: string,
  ): Promise<Array<{ key: string; n: number }>> {
    return (await this.peopleLights(key, pilot, f, indicator)).people;
  }

  /** Distinct respondents who gave a (not skipped) answer on an indicator, in total and per question: the group behind its charts and quotes. */
  async respondentsOfIndicator(pilot: string, indicator: string, f: AnswerFilter = {}): Promise<{ total: number; byQuestion: Map<string, number> }> {
    const base = () => filtered(this.db.selectFrom('answers'), pilot, f).where('indicator', '=', indicator).where('skipped', '=', 0);
    const total = await base()
      .select((eb) => eb.fn.count<number | string>('respondent_id').distinct().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await base()
      .select(['question_id', (eb) => eb.fn.count<number | string>('respondent_id').distinct().as('n')])
      .groupBy('question_id')
      .execute();
    return { total: Number(total.n), byQuestion: new Map(rows.map((r) => [r.question_id, Number(r.n)])) };
  }

  /**
   * The map's figures in one pass: per key (indicator, or outcome of one indicator), each
   * respondent's answers counted by light and divided by their own total — so every person
   * weighs one, shared out over their lights — and the number of those people. One GROUP BY
   * (key, respondent) that walks `answers_traffic_people` in order, then one per key; no window.
   */
  async peopleLights(key: 'indicator' | 'outcome', pilot: string | readonly string[], f: AnswerFilter = {}, indicator?: string): Promise<PeopleLights> {
    const light = (l: (typeof LIGHTS)[number]) => sql<number>`sum(case when traffic_light = ${l} then 1 else 0 end)`;
    let inner = filtered(this.db.selectFrom('answers'), pilot, f)
      .select([`${key} as key`, light('red').as('r'), light('orange').as('o'), light('green').as('g'), sql<number>`count(*)`.as('t')])
      .where(key, 'is not', null)
      .where('traffic_light', 'in', [...LIGHTS]);
    if (indicator !== undefined) inner = inner.where('indicator', '=', indicator);
    const rows = await this.db
      .selectFrom(inner.groupBy([key, 'respondent_id']).as('x'))
      .select([
        'x.key',
        sql<number | string>`sum(x.r * 1.0 / x.t)`.as('red'),
        sql<number | string>`sum(x.o * 1.0 / x.t)`.as('orange'),
        sql<number | string>`sum(x.g * 1.0 / x.t)`.as('green'),
        (eb) => eb.fn.countAll<number | string>().as('n'),
      ])
      .groupBy('x.key')
      .execute();
    const round = (v: number | string) => Math.round(Number(v) * 1000) / 1000;
    return {
      lights: rows.flatMap((r) => LIGHTS.map((l) => ({ key: r.key!, light: l, n: round(r[l]) })).filter((c) => c.n > 0)),
      people: rows.map((r) => ({ key: r.key!, n: Number(r.n) })),
    };
  }

  /** How often each value was given per question of an indicator: numbers as numbers, choices as their JSON list. */
  async valueCounts(
    pilot: string,
    indicator: string,
    f: AnswerFilter = {},
  ): Promise<Array<{ questionId: string; number: number | null; choices: string[] | null; n: number }>> {
    const rows = await filtered(this.db.selectFrom('answers'), pilot, f)
      .select(['question_id', 'value_number', 'value_choices', (eb) => eb.fn.countAll().as('n')])
      .where('indicator', '=', indicator)
      .where('skipped', '=', 0)
      .where((eb) => eb.or([eb('value_number', 'is not', null), eb('value_choices', 'is not', null)]))
      .groupBy(['question_id', 'value_number', 'value_choices'])
      .execute();
    return rows.map((r) => ({
      questionId: r.question_id,
      number: r.value_number,
      choices: r.value_choices ? (JSON.parse(r.value_choices) as string[]) : null,
      n: Number(r.n),
    }));
  }

  /**
   * The newest written answers of an indicator. This is the one place that selects what a
   * respondent said in words; transcripts and translations of voice/video answers (columns the
   * media pipeline adds) belong in this select once they exist.
   */
  async freeTextAnswers(pilot: string, indicator: string, f: AnswerFilter = {}, limit = 100): Promise<FreeText[]> {
    const rows = await filtered(this.db.selectFrom('answers'), pilot, f)
      .select([
        'id',
        'question_id',
        'value_text',
        'language',
        'answered_at',
        'media_kind',
        'media_file',
        'transcript',
        'transcript_language',
        'translations',
        'translation_status',
      ])
      .where('indicator', '=', indicator)
      .where((eb) => eb.or([eb('value_text', 'is not', null), eb('transcript', 'is not', null), eb('media_file', 'is not', null)]))
      .where('skipped', '=', 0)
      .orderBy('answered_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      answerId: r.id,
      questionId: r.question_id,
      text: r.value_text,
      language: r.language,
      answeredAt: r.answered_at,
      mediaKind: r.media_kind,
      hasMedia: r.media_file !== null,
      transcript: r.transcript,
      transcriptLanguage: r.transcript_language,
      translations: r.translations ? (JSON.parse(r.translations) as Record<string, string>) : {},
      translationStatus: r.translation_status,
    }));
  }

  /** Invitations sent for a pilot by `stemmen pilot invite`. */
  async invited(pilot: string): Promise<number> {
    const r = await this.db
      .selectFrom('campaign_targets')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('campaign_id', '=', `invite-${pilot}`)
      .where('status', '=', 'sent')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** The stored original of a media answer, for playback. */
  async mediaFile(answerId: string): Promise<{ pilot: string; indicator: string | null; file: string; type: string | null; kind: string | null } | undefined> {
    const r = await this.db
      .selectFrom('answers')
      .select(['pilot_code', 'indicator', 'media_file', 'media_type', 'media_kind'])
      .where('id', '=', answerId)
      .where('media_file', 'is not', null)
      .executeTakeFirst();
    return r && { pilot: r.pilot_code, indicator: r.indicator, file: r.media_file!, type: r.media_type, kind: r.media_kind };
  }

  /**
   * The funnel per language and channel, from the funnel events: they outlive declines
   * (which erase the session) and the purge of people who never consented. Language is null
   * for people who never chose one.
   */
  async funnel(pilot: string): Promise<
    Array<{
      language: string | null;
      channel: string;
      started: number;
      consented: number;
      declined: number;
      stopped: number;
      completed: number;
      reminded: number;
      completedAfterReminder: number;
      unreachable: number;
    }>
  > {
    return (await funnelCounts(this.db, pilot)).map((r) => ({
      language: r.language,
      channel: r.channel,
      started: r.started,
      consented: r.consented,
      declined: r.declined,
      stopped: r.stopped,
      completed: r.completed,
      reminded: r.reminded,
      completedAfterReminder: r.completed_after_reminder,
      unreachable: r.unreachable,
    }));
  }

  /** Addresses on the do-not-contact list now (no pilot: an opt-out holds for all). */
  async doNotContact(): Promise<number> {
    const r = await this.db
      .selectFrom('suppressions')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('lifted_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * Languages and channels of a pilot's sessions, for the filter menus. Read from sessions,
   * not answers: there are ~20 times fewer, and a respondent answers in their session's language.
   */
  async facets(pilot: string): Promise<{ languages: string[]; channels: string[] }> {
    const langs = await this.db
      .selectFrom('sessions')
      .select('language')
      .distinct()
      .where('pilot_code', '=', pilot)
      .where('language', 'is not', null)
      .orderBy('language')
      .execute();
    const chans = await this.db.selectFrom('sessions').select('channel').distinct().where('pilot_code', '=', pilot).orderBy('channel').execute();
    return { languages: langs.map((r) => r.language!), channels: chans.map((r) => r.channel) };
  }
}
