/**
 * Dashboard figures over a large pilot: seeds N answers (default 1,000,000) of the default
 * survey in a durable SQLite file, times the traffic-light map (all answers, and filtered),
 * the map and follow-up queue pages, and `stemmen export <pilot> --format csv` in its own
 * process with its peak RSS.
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { createApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { addUser } from '../../bot/dashboard/auth.ts';
import { readLocales } from '../../bot/i18n.ts';
import pino from 'pino';
import { Accounts } from '../../storage/dashboard/accounts.ts';
import { loadSurveyFile } from '../../bot/surveys.ts';
import { indicatorSummaries } from '../../bot/traffic-map.ts';
import { Reports } from '../../storage/dashboard/reports.ts';
import { migrateToLatest, openSqlite } from '../../storage/database.ts';
import { DEFAULT_AGGREGATE_RULE } from '../../surveys/aggregate.ts';
import { trafficLight } from '../../surveys/engine/traffic.ts';
import type { Question } from '../../surveys/model.ts';

const ROOT = join(import.meta.dirname, '../..');
const LANGUAGES = ['en', 'nl', 'ar', 'fa', 'uk', 'ti', 'so', 'tr'];
const CHANNELS = ['telegram', 'whatsapp', 'tryit'];
const ROWS_PER_STATEMENT = 400;

/** A small deterministic PRNG, so every run seeds the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function value(q: Question, r: () => number): { number: number | null; choices: string[] | null; text: string | null; date: string | null } {
  switch (q.type) {
    case 'scale': case 'number': return { number: Math.floor(r() * ((q.max ?? 10) - (q.min ?? 0) + 1)) + (q.min ?? 0), choices: null, text: null, date: null };
    case 'single': case 'yesno': return { number: null, choices: [q.choices[Math.floor(r() * q.choices.length)]!.id], text: null, date: null };
    case 'multi': return { number: null, choices: [q.choices[Math.floor(r() * q.choices.length)]!.id], text: null, date: null };
    case 'date': return { number: null, choices: null, text: null, date: '2019' };
    default: return { number: null, choices: null, text: 'Het gaat, maar de wachtlijst is lang.', date: null };
  }
}

/** Writes respondents, sessions and `total` answers in one transaction with multi-row inserts. */
function seedAnswers(file: string, questions: Question[], total: number): number {
  const raw = new SQLite(file);
  raw.pragma('journal_mode = WAL');
  const r = rng(42);
  const respondents = Math.ceil(total / questions.length);
  const answerCols = ['id', 'session_id', 'respondent_id', 'pilot_code', 'survey_id', 'survey_version', 'question_id', 'parent_question_id', 'indicator', 'outcome',
    'question_type', 'value_number', 'value_choices', 'value_text', 'value_date', 'skipped', 'language', 'channel', 'modality', 'prompt_form', 'traffic_light',
    'consent_version', 'answered_at', 'source_message_id', 'revision', 'media_kind', 'media_ref', 'media_status'];
  const stmt = (n: number) => raw.prepare(`insert into answers (${answerCols.join(',')}) values ${Array.from({ length: n }, () => `(${answerCols.map(() => '?').join(',')})`).join(',')}`);
  const full = stmt(ROWS_PER_STATEMENT);
  const insRespondent = raw.prepare('insert into respondents (id, created_at, last_seen_at, language) values (?, ?, ?, ?)');
  const insSession = raw.prepare(`insert into sessions (id, respondent_id, pilot_code, survey_id, survey_version, channel, phase, language, state, state_version, revision, started_at, updated_at, completed_at)
    values (?, ?, 'bench', 'default-pilot', 1, ?, 'completed', ?, '{}', 1, 1, ?, ?, ?)`);
  const insConsent = raw.prepare(`insert into consents (id, respondent_id, pilot_code, survey_id, kind, theme, version, granted, recorded_at, source_message_id)
    values (?, ?, 'bench', 'default-pilot', ?, ?, 1, 1, ?, ?)`);
  const themes = [...new Set(questions.map((q) => q.indicator).filter((i): i is string => i !== null))];
  let written = 0;
  raw.transaction(() => {
    let batch: unknown[] = [];
    let rows = 0;
    for (let i = 0; i < respondents && written < total; i++) {
      const rid = `r${i}`;
      const lng = LANGUAGES[Math.floor(r() * LANGUAGES.length)]!;
      const channel = CHANNELS[Math.floor(r() * CHANNELS.length)]!;
      const at = new Date(Date.UTC(2026, 0, 1) + Math.floor(r() * 300 * 86_400_000)).toISOString();
      insRespondent.run(rid, at, at, lng);
      insSession.run(`s${i}`, rid, channel, lng, at, at, at);
      insConsent.run(`c${i}`, rid, 'participation', null, at, `m${i}`);
      // One in ten agrees to be recontacted about one theme: the follow-up queue's candidates.
      if (r() < 0.1) insConsent.run(`cr${i}`, rid, 'recontact', themes[Math.floor(r() * themes.length)]!, at, `mr${i}`);
      for (const q of questions) {
        if (written >= total) break;
        const v = value(q, r);
        const light = trafficLight(q.traffic, v.number ?? v.choices);
        batch.push(`a${written}`, `s${i}`, rid, 'bench', 'default-pilot', 1, q.id, q.parent, q.indicator, q.outcome, q.type, v.number, v.choices && JSON.stringify(v.choices),
          v.text, v.date, 0, lng, channel, v.text ? 'text' : 'button', 'text', light, 1, at, `m${i}-${q.id}`, 1, null, null, null);
        written++;
        if (++rows === ROWS_PER_STATEMENT) { full.run(...batch); batch = []; rows = 0; }
      }
    }
    if (rows > 0) stmt(rows).run(...batch);
  })();
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  return written;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeMap(file: string, filter: Parameters<typeof indicatorSummaries>[2]): Promise<number> {
  const db = openSqlite(file);
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
async function timePages(dir: string, file: string): Promise<{ mapPageMs: number; queueFirstMs: number; queueMs: number; cases: number }> {
  const app = await createApp(loadConfig({ DATA_DIR: dir, DATABASE_FILE: file, LOG_LEVEL: 'silent', TRYIT_ENABLED: '0' }, ROOT), { logger: pino({ level: 'silent' }) });
  try {
    await addUser(new Accounts(app.db), 'bench@example.org', 'admin', 'bench password 123', new Date().toISOString());
    const login = await app.server.inject({ url: '/login' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!;
    const loginCookie = [login.headers['set-cookie']].flat()[0]!.split(';')[0]!;
    const res = await app.server.inject({
      method: 'POST', url: '/login', headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email: 'bench@example.org', password: 'bench password 123', _csrf: csrf }).toString(),
    });
    const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('stemmen_session='))!.split(';')[0]!;
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
    const cases = await app.db.selectFrom('followup_cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return { mapPageMs: median(maps), queueFirstMs, queueMs: median(queues), cases: Number(cases.n) };
  } finally {
    await app.close();
  }
}

/** Runs the real CLI export in a child process; its peak RSS comes from a preloaded exit hook. */
function timeExport(dbFile: string, outDir: string): Promise<{ ms: number; maxRssMb: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', join(ROOT, 'scripts/bench/report-rss.mjs'), join(ROOT, 'scripts/stemmen.mjs'), 'export', 'bench', '--format', 'csv', '--out', outDir], {
      cwd: ROOT, env: { ...process.env, DATABASE_FILE: dbFile, DATA_DIR: join(outDir, '..'), LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let err = '';
    let rss = '';
    child.stderr!.on('data', (d) => { err += String(d); });
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d) => { rss += String(d); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`export failed (${code}): ${err}`));
      resolve({ ms: performance.now() - t0, maxRssMb: Math.round(JSON.parse(rss).maxRssKb / 1024) });
    });
  });
}

export async function benchDashboard(total: number) {
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-dash-'));
  try {
    const file = join(dir, 'bench.sqlite');
    const db = openSqlite(file);
    await migrateToLatest(db);
    const locales = readLocales(join(ROOT, 'locales'));
    const { survey } = loadSurveyFile(join(ROOT, 'surveys/definitions/default-pilot.yaml'), locales, { cwd: ROOT });
    await db.insertInto('pilots').values({ code: 'bench', name: 'bench', survey_id: survey.id, survey_version: survey.version, created_at: new Date().toISOString() }).execute();
    await db.destroy();
    const questions = survey.questions.filter((q) => q.type !== 'note');
    const t0 = performance.now();
    const answers = seedAnswers(file, questions, total);
    const seedMs = performance.now() - t0;
    const mapMs = await timeMap(file, {});
    const mapFilteredMs = await timeMap(file, { language: 'ar', channel: 'telegram', from: '2026-03-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' });
    const pages = await timePages(dir, file);
    const out = join(dir, 'export');
    const exp = await timeExport(file, out);
    return { answers, seedMs, mapMs, mapFilteredMs, ...pages, exportMs: exp.ms, exportMaxRssMb: exp.maxRssMb, csvMb: Math.round(statSync(join(out, 'answers.csv')).size / 1e6) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
