/**
 * Dashboard figures over a large pilot: seeds N answers (default 1,000,000) of the default
 * survey in a durable SQLite file or a PostgreSQL schema, times the traffic-light map (all answers, and filtered),
 * the map and follow-up queue pages, and `stemmen export <pilot> --format csv` in its own
 * process with its peak RSS.
 * @module
 */
import { measuredChild } from './measured-child.ts';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { addUser } from '../../bot/web/auth.ts';
import { readLocales } from '../../bot/i18n.ts';
import pino from 'pino';
import { Accounts } from '../../storage/accounts.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { indicatorSummaries } from '../../bot/web/reporting/traffic-map.ts';
import { Reports } from '../../storage/reports.ts';
import { openDatabase, openMigrated } from '../../storage/database.ts';
import { PilotRepository } from '../../storage/pilots.ts';
import { connectRawPostgres, openRawSqlite, type RawSqliteStatement } from '../../storage/raw-drivers.ts';
import { postgresBenchSchema } from './databases.ts';
import { DEFAULT_AGGREGATE_RULE } from '../../surveys/aggregate.ts';
import { trafficLight } from '../../surveys/engine/traffic.ts';
import type { Question } from '../../surveys/model.ts';
import { addBackgroundAnswers, timeSplit } from './breakdown.ts';

const ROOT = join(import.meta.dirname, '../..');
const LANGUAGES = ['en', 'nl', 'ar', 'fa', 'uk', 'ti', 'so', 'tr'];
const CHANNELS = ['telegram', 'whatsapp', 'tryit'];
const ROWS_PER_STATEMENT = 400;

/** A small deterministic PRNG, so every run seeds the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function value(q: Question, r: () => number): { number: number | null; choices: string[] | null; text: string | null; date: string | null } {
  switch (q.type) {
    case 'scale':
    case 'number':
      return { number: Math.floor(r() * ((q.max ?? 10) - (q.min ?? 0) + 1)) + (q.min ?? 0), choices: null, text: null, date: null };
    case 'single':
    case 'yesno':
      return { number: null, choices: [q.choices[Math.floor(r() * q.choices.length)]!.id], text: null, date: null };
    case 'multi':
      return { number: null, choices: [q.choices[Math.floor(r() * q.choices.length)]!.id], text: null, date: null };
    case 'date':
      return { number: null, choices: null, text: null, date: '2019' };
    default:
      return { number: null, choices: null, text: 'Het gaat, maar de wachtlijst is lang.', date: null };
  }
}

/** Where the bench's data lives: a SQLite file, or a PostgreSQL database (a schema of its own). */
export type DashboardTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

const location = (t: DashboardTarget) => (t.kind === 'sqlite' ? { databaseFile: t.file, databaseUrl: null } : { databaseFile: '', databaseUrl: t.url });

/** Multi-row inserts of one table, flushed every ROWS_PER_STATEMENT rows, with the dialect's placeholders. */
export class Batch {
  private values: unknown[] = [];
  private rows = 0;
  /** Batches whose rows this one's rows point at (foreign keys): flushed first. */
  parents: Batch[] = [];
  constructor(
    private readonly table: string,
    private readonly cols: string[],
    private readonly run: (sql: string, params: unknown[]) => Promise<void>,
    private readonly dollar: boolean,
  ) {}
  async add(...row: unknown[]): Promise<void> {
    this.values.push(...row);
    if (++this.rows === ROWS_PER_STATEMENT) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.rows === 0) return;
    for (const p of this.parents) await p.flush();
    let n = 0;
    const tuple = () => `(${this.cols.map(() => (this.dollar ? `$${++n}` : '?')).join(',')})`;
    const sql = `insert into ${this.table} (${this.cols.join(',')}) values ${Array.from({ length: this.rows }, tuple).join(',')}`;
    const params = this.values;
    this.values = [];
    this.rows = 0;
    await this.run(sql, params);
  }
}

/** One transaction on the raw driver for a bulk seed: `run` a statement, `finish` commits (and checkpoints or analyses). */
export async function openBulk(target: DashboardTarget): Promise<{ run: (sql: string, params: unknown[]) => Promise<void>; finish: () => Promise<void> }> {
  let run: (sql: string, params: unknown[]) => Promise<void>;
  let finish: () => Promise<void>;
  if (target.kind === 'sqlite') {
    const raw = openRawSqlite(target.file);
    raw.pragma('journal_mode = WAL');
    const prepared = new Map<string, RawSqliteStatement>();
    run = async (sql, params) => {
      let st = prepared.get(sql);
      if (!st) prepared.set(sql, (st = raw.prepare(sql)));
      st.run(...params);
    };
    raw.exec('BEGIN');
    finish = async () => {
      raw.exec('COMMIT');
      raw.pragma('wal_checkpoint(TRUNCATE)');
      raw.close();
    };
  } else {
    const client = await connectRawPostgres(target.url);
    await client.query('BEGIN');
    run = async (sql, params) => {
      await client.query(sql, params);
    };
    finish = async () => {
      await client.query('COMMIT');
      await client.query('ANALYZE');
      await client.end();
    };
  }
  return { run, finish };
}

/** Writes respondents, sessions, consents and `total` answers in one transaction with multi-row inserts. */
export async function seedAnswers(target: DashboardTarget, questions: Question[], total: number): Promise<number> {
  const { run, finish } = await openBulk(target);
  const dollar = target.kind === 'postgres';
  const r = rng(42);
  const respondents = Math.ceil(total / questions.length);
  const answers = new Batch(
    'answers',
    [
      'id',
      'session_id',
      'respondent_id',
      'pilot_code',
      'survey_id',
      'survey_version',
      'question_id',
      'parent_question_id',
      'indicator',
      'outcome',
      'question_type',
      'value_number',
      'value_choices',
      'value_text',
      'value_date',
      'skipped',
      'language',
      'channel',
      'modality',
      'prompt_form',
      'traffic_light',
      'consent_version',
      'answered_at',
      'source_message_id',
      'revision',
      'media_kind',
      'media_ref',
      'media_status',
    ],
    run,
    dollar,
  );
  const respondentRows = new Batch('respondents', ['id', 'created_at', 'last_seen_at', 'language'], run, dollar);
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
  const consents = new Batch(
    'consents',
    ['id', 'respondent_id', 'pilot_code', 'survey_id', 'kind', 'theme', 'version', 'granted', 'recorded_at', 'source_message_id'],
    run,
    dollar,
  );
  sessions.parents = [respondentRows];
  consents.parents = [respondentRows];
  answers.parents = [respondentRows, sessions];
  const themes = [...new Set(questions.map((q) => q.indicator).filter((i): i is string => i !== null))];
  let written = 0;
  for (let i = 0; i < respondents && written < total; i++) {
    const rid = `r${i}`;
    const lng = LANGUAGES[Math.floor(r() * LANGUAGES.length)]!;
    const channel = CHANNELS[Math.floor(r() * CHANNELS.length)]!;
    const at = new Date(Date.UTC(2026, 0, 1) + Math.floor(r() * 300 * 86_400_000)).toISOString();
    await respondentRows.add(rid, at, at, lng);
    await sessions.add(`s${i}`, rid, 'bench', 'default-pilot', 1, channel, 'completed', lng, '{}', 1, 1, at, at, at);
    await consents.add(`c${i}`, rid, 'bench', 'default-pilot', 'participation', null, 1, 1, at, `m${i}`);
    // One in ten agrees to be recontacted about one theme: the follow-up queue's candidates.
    if (r() < 0.1) await consents.add(`cr${i}`, rid, 'bench', 'default-pilot', 'recontact', themes[Math.floor(r() * themes.length)]!, 1, 1, at, `mr${i}`);
    for (const q of questions) {
      if (written >= total) break;
      const v = value(q, r);
      const light = trafficLight(q.traffic, v.number ?? v.choices);
      await answers.add(
        `a${written}`,
        `s${i}`,
        rid,
        'bench',
        'default-pilot',
        1,
        q.id,
        q.parent,
        q.indicator,
        q.outcome,
        q.type,
        v.number,
        v.choices && JSON.stringify(v.choices),
        v.text,
        v.date,
        0,
        lng,
        channel,
        v.text ? 'text' : 'button',
        'text',
        light,
        1,
        at,
        `m${i}-${q.id}`,
        1,
        null,
        null,
        null,
      );
      written++;
    }
  }
  await respondentRows.flush();
  await sessions.flush();
  await consents.flush();
  await answers.flush();
  await finish();
  return written;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeMap(target: DashboardTarget, filter: Parameters<typeof indicatorSummaries>[2]): Promise<number> {
  const db = openDatabase(location(target));
  const reports = new Reports(db);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const s = await indicatorSummaries(reports, 'bench', filter, DEFAULT_AGGREGATE_RULE);
    times.push(performance.now() - t0);
    if (s.length !== 14) throw new Error('map did not return 14 indicators');
  }
  await db.destroy();
  return median(times);
}

/**
 * Whole dashboard pages through the real app (fastify inject, logged in): the map, and the
 * follow-up queue — its first view opens every case, later views only look for new ones.
 */
async function timePages(dir: string, target: DashboardTarget): Promise<{ mapPageMs: number; queueFirstMs: number; queueMs: number; cases: number }> {
  const db = target.kind === 'sqlite' ? { DATABASE_FILE: target.file } : { DATABASE_URL: target.url };
  const app = await createApp(
    loadConfig({ DATA_DIR: dir, ...db, LOG_LEVEL: 'silent', TRYIT_ENABLED: '0', QUEUE_PREFIX: `dash${process.pid}${Date.now().toString(36)}` }, ROOT),
    { logger: pino({ level: 'silent' }) },
  );
  try {
    await addUser(new Accounts(app.db), 'bench@example.org', 'admin', 'bench password 123', new Date().toISOString());
    const login = await app.server.inject({ url: '/login' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!;
    const loginCookie = [login.headers['set-cookie']].flat()[0]!.split(';')[0]!;
    const res = await app.server.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email: 'bench@example.org', password: 'bench password 123', _csrf: csrf }).toString(),
    });
    const cookie = [res.headers['set-cookie']]
      .flat()
      .find((c) => c?.startsWith('stemmen_session='))!
      .split(';')[0]!;
    const get = async (url: string) => {
      const t0 = performance.now();
      const r = await app.server.inject({ url, headers: { cookie } });
      if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode}`);
      return performance.now() - t0;
    };
    const maps: number[] = [];
    for (let i = 0; i < 5; i++) maps.push(await get('/pilots/bench'));
    const queueFirstMs = await get('/pilots/bench/queue');
    const queues: number[] = [];
    for (let i = 0; i < 3; i++) queues.push(await get('/pilots/bench/queue'));
    const cases = await app.db
      .selectFrom('followup_cases')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return { mapPageMs: median(maps), queueFirstMs, queueMs: median(queues), cases: Number(cases.n) };
  } finally {
    await app.close();
  }
}

/** Runs the real CLI export in a child process; its peak RSS comes from a preloaded exit hook. */
async function timeExport(target: DashboardTarget, outDir: string): Promise<{ ms: number; maxRssMb: number }> {
  const { ms, maxRssMb } = await measuredChild('export', [join(ROOT, 'scripts/stemmen.mjs'), 'export', 'bench', '--format', 'csv', '--out', outDir], {
    ...(target.kind === 'sqlite' ? { DATABASE_FILE: target.file } : { DATABASE_URL: target.url }),
    DATA_DIR: join(outDir, '..'),
    LOG_LEVEL: 'silent',
  });
  return { ms, maxRssMb };
}

/** Seeds `total` answers into a fresh database (`postgresUrl`: a schema there; else a SQLite file) and times map, pages and export. */
export async function benchDashboard(total: number, postgresUrl?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-dash-'));
  const scoped = postgresUrl ? await postgresBenchSchema(postgresUrl) : null;
  try {
    const target: DashboardTarget = scoped ? { kind: 'postgres', url: scoped.url } : { kind: 'sqlite', file: join(dir, 'bench.sqlite') };
    const db = await openMigrated(location(target));
    const locales = readLocales(join(ROOT, 'locales'));
    const { survey } = loadSurveyFile(join(ROOT, 'surveys/definitions/default-pilot.yaml'), locales, { cwd: ROOT });
    await new PilotRepository(db).ensure('bench', 'bench', survey.id, survey.version, new Date().toISOString());
    await db.destroy();
    const questions = survey.questions.filter((q) => q.type !== 'note');
    const t0 = performance.now();
    const answers = await seedAnswers(target, questions, total);
    const seedMs = performance.now() - t0;
    const mapMs = await timeMap(target, {});
    const mapFilteredMs = await timeMap(target, { language: 'ar', channel: 'telegram', from: '2026-03-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' });
    const pages = await timePages(dir, target);
    const out = join(dir, 'export');
    const exp = await timeExport(target, out);
    // After the export, so its figures stay those of the default survey's answers alone.
    let split = null;
    if (process.env.BENCH_MAP_SPLIT !== 'off') {
      const backgroundAnswers = await addBackgroundAnswers(target);
      split = await timeSplit(target.kind === 'sqlite' ? { DATABASE_FILE: target.file } : { DATABASE_URL: target.url }, backgroundAnswers);
    }
    return {
      split,
      answers,
      seedMs,
      mapMs,
      mapFilteredMs,
      ...pages,
      exportMs: exp.ms,
      exportMaxRssMb: exp.maxRssMb,
      csvMb: Math.round(statSync(join(out, 'answers.csv')).size / 1e6),
    };
  } finally {
    await scoped?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
