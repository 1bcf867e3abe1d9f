/**
 * Full-text search over open answers (issue 16): seeds N answers (default 1,000,000 on
 * SQLite; PostgreSQL BENCH_SEARCH_PG_ANSWERS, default 200,000, since its trigger-maintained
 * tsvector makes the seed slow on a small machine) in a mix of languages and lengths — typed
 * text, voice notes with transcripts, translations into nl/en — with the index kept by its
 * triggers as in production, then runs the open-answers query (count + first page of 50) for
 * four kinds of search and prints p50/p99 per kind.
 *
 * `npx tsx scripts/bench/answer-search.ts [answers] [pgAnswers]`; in `npm run bench`
 * BENCH_ANSWER_SEARCH=off skips it.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigrated, type Db } from '../../storage/database.ts';
import { OpenAnswers, type OpenAnswerFilter } from '../../storage/open-answers.ts';
import { Batch, openBulk, type DashboardTarget } from './dashboard.ts';
import { postgresBenchSchema } from './databases.ts';

/** Words per language; the first ones are common (chosen often), the tail rare. */
const WORDS: Record<string, string[]> = {
  nl: 'werk huis taal school buurt hulp gemeente geld kinderen zorg dokter vrienden wachten brief fiets bakker timmerman vrijwilliger inburgering stage'.split(
    ' ',
  ),
  en: 'work house language school neighbourhood help council money children care doctor friends waiting letter bicycle baker carpenter volunteer course internship'.split(
    ' ',
  ),
  ar: 'عمل بيت لغة مدرسة حي مساعدة بلدية مال أطفال رعاية طبيب أصدقاء انتظار رسالة دراجة خباز نجار متطوع دورة تدريب'.split(' '),
  fa: 'کار خانه زبان مدرسه محله کمک شهرداری پول بچه‌ها مراقبت دکتر دوستان انتظار نامه دوچرخه نانوا نجار داوطلب دوره کارآموزی'.split(' '),
  ti: 'ስራ ገዛ ቋንቋ ቤት ትምህርቲ ሓገዝ ገንዘብ ቆልዑ ሓኪም ኣዕሩኽ ምጽባይ ደብዳቤ ብሽክሌታ'.split(' '),
  uk: 'робота житло мова школа допомога гроші діти лікар друзі чекати лист велосипед'.split(' '),
};
const LANGS = ['nl', 'ar', 'fa', 'ti', 'uk', 'en', 'ar', 'nl'];
const INDICATORS = ['work', 'housing', 'health', 'language', 'bridges', 'links', 'safety'];
const RARE = 'zeldzaamwoord';

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** A sentence of `n` words, skewed to the common ones (squared uniform index). */
function sentence(lng: string, n: number, r: () => number): string {
  const w = WORDS[lng]!;
  return Array.from({ length: n }, () => w[Math.floor(r() * r() * w.length)]!).join(' ');
}

/** Mostly short answers, some paragraphs, a few long stories. */
const length = (r: () => number) => {
  const x = r();
  return x < 0.7 ? 3 + Math.floor(r() * 15) : x < 0.97 ? 20 + Math.floor(r() * 80) : 300 + Math.floor(r() * 700);
};

async function seed(target: DashboardTarget, total: number): Promise<number> {
  const { run, finish } = await openBulk(target);
  const dollar = target.kind === 'postgres';
  const r = rng(16);
  const respondents = new Batch('respondents', ['id', 'created_at', 'last_seen_at', 'language'], run, dollar);
  const sessions = new Batch(
    'sessions',
    [
      'id',
      'respondent_id',
      'pilot_code',
      'survey_id',
      'survey_version',
      'channel',
      'phase',
      'language',
      'state',
      'state_version',
      'revision',
      'started_at',
      'updated_at',
      'completed_at',
    ],
    run,
    dollar,
  );
  const cols = [
    'id',
    'session_id',
    'respondent_id',
    'pilot_code',
    'survey_id',
    'survey_version',
    'question_id',
    'indicator',
    'outcome',
    'question_type',
    'value_text',
    'skipped',
    'language',
    'channel',
    'modality',
    'prompt_form',
    'consent_version',
    'answered_at',
    'source_message_id',
    'revision',
    'media_kind',
    'media_status',
    'transcript',
    'transcript_language',
    'transcript_status',
    'translations',
    'translation_status',
  ];
  const answers = new Batch('answers', cols, run, dollar);
  sessions.parents = [respondents];
  answers.parents = [respondents, sessions];
  const perPerson = 7;
  for (let i = 0, written = 0; written < total; i++) {
    const lng = LANGS[i % LANGS.length]!;
    const at = new Date(Date.UTC(2026, 0, 1) + Math.floor(r() * 300 * 86_400_000)).toISOString();
    await respondents.add(`r${i}`, at, at, lng);
    await sessions.add(`s${i}`, `r${i}`, 'bench', 'default-pilot', 1, 'telegram', 'completed', lng, '{}', 1, 1, at, at, at);
    for (let k = 0; k < perPerson && written < total; k++, written++) {
      const indicator = INDICATORS[k]!;
      let text = sentence(lng, length(r), r);
      if (written % 10_000 === 7) text += ` ${RARE}`;
      const voice = r() < 0.2;
      const translations = lng === 'nl' ? null : JSON.stringify({ nl: sentence('nl', 8, r), en: sentence('en', 8, r) });
      await answers.add(
        `a${written}`,
        `s${i}`,
        `r${i}`,
        'bench',
        'default-pilot',
        1,
        `${indicator}_why`,
        indicator,
        'o',
        'text',
        voice ? null : text,
        0,
        lng,
        'telegram',
        voice ? 'voice' : 'text',
        'text',
        1,
        at,
        `m${written}`,
        1,
        voice ? 'voice' : null,
        voice ? 'ready' : null,
        voice ? text : null,
        voice ? lng : null,
        voice ? 'ready' : null,
        translations,
        translations ? 'ready' : null,
      );
    }
  }
  await respondents.flush();
  await sessions.flush();
  await answers.flush();
  await finish();
  return total;
}

export interface SearchFigures {
  store: 'sqlite' | 'postgres';
  answers: number;
  seedMs: number;
  /** Per kind of search: p50 / p99 in ms of count + first page, and the matches of the last run. */
  kinds: Record<string, { p50: number; p99: number; matches: number }>;
}

const KINDS: Record<string, (i: number) => OpenAnswerFilter> = {
  'no search (newest 50, indicator filter)': (i) => ({ indicator: INDICATORS[i % INDICATORS.length]! }),
  'common word': (i) => ({ search: ['werk', 'huis', 'عمل', 'کار'][i % 4]! }),
  'rare word': () => ({ search: RARE }),
  'two words': (i) => ({ search: ['werk taal', 'house help', 'عمل بيت', 'робота мова'][i % 4]! }),
  'common word + indicator + language': (i) => ({ search: 'werk', indicator: INDICATORS[i % INDICATORS.length]!, language: ['ar', 'nl', 'fa'][i % 3]! }),
};
const RUNS = 50;

async function time(db: Db): Promise<SearchFigures['kinds']> {
  const open = new OpenAnswers(db, 10);
  const out: SearchFigures['kinds'] = {};
  for (const [kind, filter] of Object.entries(KINDS)) {
    const times: number[] = [];
    let matches = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const r = await open.page('bench', filter(i));
      times.push(performance.now() - t0);
      matches = r.status === 'ok' ? r.total : -1;
    }
    times.sort((a, b) => a - b);
    out[kind] = { p50: times[Math.floor(RUNS / 2)]!, p99: times[Math.min(RUNS - 1, Math.floor(RUNS * 0.99))]!, matches };
  }
  return out;
}

export async function benchAnswerSearch(total: number): Promise<SearchFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-search-'));
  const file = join(dir, 'search.sqlite');
  try {
    await (await openMigrated({ databaseFile: file, databaseUrl: null })).destroy();
    const t0 = performance.now();
    await seed({ kind: 'sqlite', file }, total);
    const seedMs = performance.now() - t0;
    const db = await openMigrated({ databaseFile: file, databaseUrl: null });
    try {
      return { store: 'sqlite', answers: total, seedMs, kinds: await time(db) };
    } finally {
      await db.destroy();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchAnswerSearchPostgres(url: string, total: number): Promise<SearchFigures> {
  const scoped = await postgresBenchSchema(url);
  try {
    await (await openMigrated({ databaseFile: '', databaseUrl: scoped.url })).destroy();
    const t0 = performance.now();
    await seed({ kind: 'postgres', url: scoped.url }, total);
    const seedMs = performance.now() - t0;
    const db = await openMigrated({ databaseFile: '', databaseUrl: scoped.url });
    try {
      return { store: 'postgres', answers: total, seedMs, kinds: await time(db) };
    } finally {
      await db.destroy();
    }
  } finally {
    await scoped.dispose();
  }
}

/** Rows for bench.ts's table. */
export function searchRows(f: SearchFigures): Array<[string, string, string]> {
  const where = f.store === 'sqlite' ? 'SQLite FTS5' : 'PostgreSQL tsvector';
  return [
    [`answer search: seed ${f.answers.toLocaleString('en')} answers with the index kept by triggers (${where})`, (f.seedMs / 1000).toFixed(1), 's'],
    ...Object.entries(f.kinds).map(([kind, k]): [string, string, string] => [
      `answer search (${where}, ${f.answers.toLocaleString('en')}): ${kind}, count + first 50, p50 / p99`,
      `${k.p50.toFixed(1)} / ${k.p99.toFixed(1)}`,
      `ms (${k.matches.toLocaleString('en')} matches, ${RUNS} runs)`,
    ]),
  ];
}

/** Figures for bench.ts's JSON: answers, seed time, and p50/p99 per kind. */
export function searchJson(prefix: string, f: SearchFigures): Record<string, number | Record<string, number>> {
  const per = (k: 'p50' | 'p99') => Object.fromEntries(Object.entries(f.kinds).map(([kind, v]) => [kind, +v[k].toFixed(2)]));
  return {
    [`${prefix}SearchAnswers`]: f.answers,
    [`${prefix}SearchSeedMs`]: Math.round(f.seedMs),
    [`${prefix}SearchP50Ms`]: per('p50'),
    [`${prefix}SearchP99Ms`]: per('p99'),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const total = Number(process.argv[2] ?? 1_000_000);
  const pgTotal = Number(process.argv[3] ?? process.env.BENCH_SEARCH_PG_ANSWERS ?? 200_000);
  const rows = searchRows(await benchAnswerSearch(total));
  const pgUrl = process.env.BENCH_DATABASE_URL === 'off' ? undefined : (process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  if (pgUrl && pgTotal > 0) rows.push(...searchRows(await benchAnswerSearchPostgres(pgUrl, pgTotal)));
  for (const [what, value, unit] of rows) console.log(`${what}: ${value} ${unit}`);
}
