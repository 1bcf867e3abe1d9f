/**
 * The open answers of a pilot: what respondents typed, said or filmed, with filters, full-text
 * search, keyset pages (newest first) and the codes assigned to each — for the open-answers
 * page and its API twin.
 *
 * Small-group protection: when fewer people than the minimum stand behind the structural
 * filters (all but the search words and the code), nothing is returned but "too few": a
 * narrow selection (one language, one group, one wave) could otherwise point at a person.
 * Search and code narrow what is shown of a group already large enough, as the map's quotes do.
 * @module
 */
import { sql, type SelectQueryBuilder } from 'kysely';
import { largeEnough } from '../surveys/aggregate.ts';
import { answersMatching, matchesRow, matchesUpTo, parseSearch, type SearchRefusal } from './answer-search.ts';
import type { GroupFilter } from './breakdown.ts';
import { isPostgres, type Db } from './database.ts';
import { filtered } from './reports.ts';
import type { Database, MediaStatus, StageStatus } from './schema.ts';

export const PAGE_SIZE = 50;
/**
 * Counting stops past this many answers: the page then says "more than 10,000". An exact
 * count of a common word over a million answers reads every match (seconds); nobody reads
 * 10,000 answers, and the figure is not a statistic (the map has those).
 */
export const COUNT_CAP = 10_000;
/**
 * Below this many index matches a search reads its matches first (a rare word); above it the
 * pilot's answers are walked newest first and each is checked against the index (a common
 * word), which reaches a page of 50 or the count cap after a few hundred or thousand rows.
 */
const RARE_MATCHES = 20_000;
/**
 * Checking a row against FTS5 costs some 30 times a row lookup from a match (measured at 1M:
 * ~50 µs against ~1.5 µs): counting a common word walks the filtered rows only when fewer than
 * this many pass the filters (one question of one wave, say), where reading its matches would
 * go through all of them.
 */
const FEW_ROWS = 2_000;
export const MODALITIES = ['typed', 'voice', 'video'] as const;
export type OpenModality = (typeof MODALITIES)[number];
/** The code filter's value for answers without any code. */
export const UNCODED = 'uncoded';

const MEDIA_KINDS: Record<Exclude<OpenModality, 'typed'>, string[]> = { voice: ['voice', 'audio'], video: ['video', 'video_note'] };

export interface OpenAnswerFilter {
  indicator?: string | undefined;
  outcome?: string | undefined;
  question?: string | undefined;
  language?: string | undefined;
  group?: GroupFilter | undefined;
  wave?: number | undefined;
  modality?: OpenModality | undefined;
  /** A code id, or {@link UNCODED}. */
  code?: string | undefined;
  search?: string | undefined;
}

export interface OpenAnswer {
  answerId: string;
  questionId: string;
  indicator: string | null;
  outcome: string | null;
  language: string;
  modality: OpenModality;
  text: string | null;
  mediaKind: string | null;
  mediaStatus: MediaStatus | null;
  /** A stored recording that can be played (not yet deleted by retention). */
  hasMedia: boolean;
  transcript: string | null;
  transcriptLanguage: string | null;
  translations: Record<string, string>;
  translationStatus: StageStatus | null;
  wave: number;
  /** Date only (YYYY-MM-DD): the time of day adds nothing to reading and helps re-identify. */
  answeredOn: string;
  codes: Array<{ id: string; label: string }>;
  shared: boolean;
}

export type OpenAnswersResult =
  /** `total` is exact unless `totalCapped`: then there are more than {@link COUNT_CAP} (and `total` is the cap). */
  | { status: 'ok'; total: number; totalCapped: boolean; items: OpenAnswer[]; next: string | null }
  | { status: 'too_few'; minimum: number }
  | { status: 'refused'; reason: SearchRefusal };

type Q = SelectQueryBuilder<Database, 'answers', object>;

/**
 * The cursor of a page is the last answer's id: its time (which the page shows as a date only)
 * stays out of URLs and is looked up again here. An unknown id (erased since) reads as the start.
 */
const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
const decodeCursor = (c: string) => Buffer.from(c, 'base64url').toString('utf8');

const modalityOf = (kind: string | null): OpenModality => (kind === null ? 'typed' : MEDIA_KINDS.video.includes(kind) ? 'video' : 'voice');

/** Where the query changes plan; tests set them low to drive every plan over a few answers. */
export interface OpenAnswersLimits {
  countCap: number;
  rareMatches: number;
  fewRows: number;
}

export class OpenAnswers {
  private readonly limits: OpenAnswersLimits;

  constructor(
    private readonly db: Db,
    private readonly minRespondents: number,
    limits: Partial<OpenAnswersLimits> = {},
  ) {
    // PostgreSQL's planner keeps statistics of the tsvector's words and picks the order itself
    // (forcing the row walk there measured slower): every search is "rare" to it unless a test says otherwise.
    const rareMatches = isPostgres(db) ? Number.POSITIVE_INFINITY : RARE_MATCHES;
    this.limits = { countCap: COUNT_CAP, rareMatches, fewRows: FEW_ROWS, ...limits };
  }

  /** Open answers of the pilot (of `from`: all, or those matching the search) that pass every structural filter. */
  private structural(pilot: string, f: OpenAnswerFilter, from: Q = this.db.selectFrom('answers') as Q): Q {
    let q = filtered(from, pilot, { language: f.language, group: f.group })
      .where('answers.skipped', '=', 0)
      .where((eb) =>
        eb.or([
          eb.and([eb('answers.value_text', 'is not', null), eb('answers.media_kind', 'is', null)]),
          eb('answers.media_kind', 'in', [...MEDIA_KINDS.voice, ...MEDIA_KINDS.video]),
        ]),
      );
    if (f.indicator) q = q.where('answers.indicator', '=', f.indicator);
    if (f.outcome) q = q.where('answers.outcome', '=', f.outcome);
    if (f.question) q = q.where('answers.question_id', '=', f.question);
    if (f.wave !== undefined) q = q.where('answers.wave', '=', f.wave);
    if (f.modality === 'typed') q = q.where('answers.media_kind', 'is', null);
    else if (f.modality) q = q.where('answers.media_kind', 'in', MEDIA_KINDS[f.modality]);
    return q;
  }

  /** One page of answers, newest first, after `cursor` (from the previous page's `next`). */
  async page(pilot: string, f: OpenAnswerFilter, cursor: string | null = null, limit = PAGE_SIZE): Promise<OpenAnswersResult> {
    const parsed = parseSearch(f.search ?? '');
    if (!parsed.ok) return { status: 'refused', reason: parsed.reason };
    // Only whether the minimum is reached: stop counting people there (a pilot may have a million answers).
    const people = await this.db
      .selectFrom(this.structural(pilot, f).select('answers.respondent_id').distinct().limit(this.minRespondents).as('p'))
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    if (!largeEnough(Number(people.n), { minRespondents: this.minRespondents })) return { status: 'too_few', minimum: this.minRespondents };

    const words = parsed.words;
    const code = f.code;
    const narrowed = (q: Q): Q => this.byCode(q, code);
    // Which side leads (see RARE_MATCHES): the matches of a rare word, or the pilot's rows for a common one.
    const { countCap, rareMatches, fewRows: fewRowsMax } = this.limits;
    const rare = words.length > 0 && (rareMatches === Number.POSITIVE_INFINITY || (await matchesUpTo(this.db, words, rareMatches)) < rareMatches);
    const ftsFirst = () => narrowed(this.structural(pilot, f, answersMatching(this.db, words)));
    const rowsFirst = () => {
      const q = narrowed(this.structural(pilot, f));
      return words.length ? q.where(matchesRow(this.db, words)) : q;
    };
    // Counting a common word: its matches first (a row lookup each, until the cap), unless the
    // filters leave so few rows that checking each of them against the index is cheaper.
    const fewRows = async () => (await this.countUpTo(this.structural(pilot, f), fewRowsMax)) < fewRowsMax;
    const countFrom = words.length === 0 || (!rare && (await fewRows())) ? rowsFirst() : ftsFirst();
    const counted = await this.countUpTo(countFrom, countCap + 1);
    let q = rare ? ftsFirst() : rowsFirst();
    const last = cursor
      ? await this.db
          .selectFrom('answers')
          .select(['answered_at', 'id'])
          .where('id', '=', decodeCursor(cursor))
          .where('pilot_code', '=', pilot)
          .executeTakeFirst()
      : undefined;
    // A row-value comparison, so the (pilot_code, answered_at, id) index starts right after the cursor.
    if (last) q = q.where((eb) => eb(eb.refTuple('answers.answered_at', 'answers.id'), '<', eb.tuple(last.answered_at, last.id)));
    const rows = await q
      .select([
        'answers.id',
        'answers.question_id',
        'answers.indicator',
        'answers.outcome',
        'answers.language',
        'answers.value_text',
        'answers.media_kind',
        'answers.media_status',
        'answers.media_file',
        'answers.transcript',
        'answers.transcript_language',
        'answers.translations',
        'answers.translation_status',
        'answers.wave',
        'answers.answered_at',
      ])
      .orderBy('answers.answered_at', 'desc')
      .orderBy('answers.id', 'desc')
      .limit(limit + 1)
      .execute();
    const shown = rows.slice(0, limit);
    const { codes, shared } = await this.marks(shown.map((r) => r.id));
    const items = shown.map(
      (r): OpenAnswer => ({
        answerId: r.id,
        questionId: r.question_id,
        indicator: r.indicator,
        outcome: r.outcome,
        language: r.language,
        modality: modalityOf(r.media_kind),
        text: r.value_text,
        mediaKind: r.media_kind,
        mediaStatus: r.media_status,
        hasMedia: r.media_file !== null,
        transcript: r.transcript,
        transcriptLanguage: r.transcript_language,
        translations: parseTranslations(r.translations),
        translationStatus: r.translation_status,
        wave: r.wave,
        answeredOn: r.answered_at.slice(0, 10),
        codes: codes.get(r.id) ?? [],
        shared: shared.has(r.id),
      }),
    );
    const end = shown[shown.length - 1];
    const capped = counted > countCap;
    return { status: 'ok', total: capped ? countCap : counted, totalCapped: capped, items, next: rows.length > limit && end ? encodeCursor(end.id) : null };
  }

  /** The rows of `q`, counted up to `limit` (the query stops there). */
  private async countUpTo(q: Q, limit: number): Promise<number> {
    const r = await this.db
      .selectFrom(q.select(sql<number>`1`.as('one')).limit(limit).as('c'))
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Answers with this code, or without any ({@link UNCODED}); all when `code` is unset. */
  private byCode(q: Q, code: string | undefined): Q {
    if (code === UNCODED)
      return q.where((eb) =>
        eb.not(eb.exists(eb.selectFrom('answer_codes').select('answer_codes.answer_id').whereRef('answer_codes.answer_id', '=', 'answers.id'))),
      );
    if (code)
      return q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('answer_codes')
            .select('answer_codes.answer_id')
            .whereRef('answer_codes.answer_id', '=', 'answers.id')
            .where('answer_codes.code_id', '=', code),
        ),
      );
    return q;
  }

  /** The codes and shareable marks of these answers. */
  private async marks(ids: string[]): Promise<{ codes: Map<string, Array<{ id: string; label: string }>>; shared: Set<string> }> {
    const codes = new Map<string, Array<{ id: string; label: string }>>();
    if (ids.length === 0) return { codes, shared: new Set() };
    const assigned = await this.db
      .selectFrom('answer_codes')
      .innerJoin('codes', 'codes.id', 'answer_codes.code_id')
      .select(['answer_codes.answer_id', 'codes.id', 'codes.label'])
      .where('answer_codes.answer_id', 'in', ids)
      .orderBy('codes.label')
      .execute();
    for (const a of assigned) codes.set(a.answer_id, [...(codes.get(a.answer_id) ?? []), { id: a.id, label: a.label }]);
    const shared = await this.db.selectFrom('shared_quotes').select('answer_id').where('answer_id', 'in', ids).execute();
    return { codes, shared: new Set(shared.map((s) => s.answer_id)) };
  }

  /** Choices for the filter form: languages, waves and questions that have open answers, and the pilot's codes. */
  async facets(pilot: string): Promise<{ languages: string[]; waves: number[]; questions: string[]; codes: Array<{ id: string; label: string }> }> {
    const base = this.structural(pilot, {});
    const [languages, waves, questions, codes] = await Promise.all([
      base.select('answers.language').distinct().orderBy('answers.language').execute(),
      base.select('answers.wave').distinct().orderBy('answers.wave').execute(),
      base.select('answers.question_id').distinct().orderBy('answers.question_id').execute(),
      this.db.selectFrom('codes').select(['id', 'label']).where('pilot_code', '=', pilot).orderBy('label').execute(),
    ]);
    return {
      languages: languages.map((r) => r.language),
      waves: waves.map((r) => r.wave),
      questions: questions.map((r) => r.question_id),
      codes,
    };
  }
}

/** Translations as stored (JSON object of language → text); anything else reads as none. */
function parseTranslations(raw: string | null): Record<string, string> {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}
