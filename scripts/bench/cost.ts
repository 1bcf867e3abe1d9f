/**
 * Cost per answer (issue 20): the Telegram end-to-end load (telegram-e2e.ts: closed loop,
 * fake Bot API over HTTP, pacing off) at Q=10/30/60 questions on SQLite and PostgreSQL,
 * without and with 20 ms added to every Bot API call; bot and Redis CPU per answer,
 * answers/s, p50/p99, peak RSS, the growth Q60/Q10, and the profile's top five functions
 * before issue 20 (profile-baseline.json) and now (profile.ts).
 *
 * Each run is measured on a running bot: a first cohort of respondents completes the survey
 * unmeasured (V8 compiles the hot path meanwhile; a bot that runs for days pays that once).
 * One run without it ("cold", SQLite Q=30) keeps the figure comparable with issue 20's own.
 * The wire floor (wire-floor.mjs) runs the same load against a stand-in that stores nothing:
 * what the Bot API traffic alone costs on this machine, and the latency the load generator
 * itself allows at this many respondents. The reference bot (reference-bot.mjs) is the one
 * issue 20 measured stemmen against — grammY with conversations, runner, sequentialize and
 * auto-retry, state in SQLite — run beside it, so the ratio holds on a faster or slower day.
 * BENCH_COST=off skips it; BENCH_COST_RESPONDENTS (default 200) sizes it; BENCH_COST_PROFILE=off skips the profile.
 * Standalone: `npx tsx scripts/bench/cost.ts` (PostgreSQL from BENCH_DATABASE_URL, `off` for SQLite only).
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatTop, type HotFunction, profileTelegram } from './profile.ts';
import { benchTelegram, type TelegramFigures } from './telegram-e2e.ts';
import { postgresBenchSchema } from './databases.ts';
import { pathToFileURL } from 'node:url';

export interface CostRun extends TelegramFigures {
  database: 'sqlite' | 'postgres' | 'none (wire floor)' | 'reference bot';
  /** Measured after a warm-up cohort (see above). */
  warm: boolean;
}

export interface CostFigures {
  runs: CostRun[];
  /** CPU per answer at Q=60 ÷ at Q=10, per database (no API delay). */
  growth: Record<string, number>;
  /** stemmen on SQLite ÷ the reference bot, bot CPU per answer, per run both made (Q/delay/warm). */
  versusReference: Array<{ questions: number; apiDelayMs: number; warm: boolean; cpu: number; p99: number }>;
  before: { figures: Record<string, number>; top: HotFunction[] };
  after: HotFunction[] | null;
}

const PLAN: Array<{ questions: number; apiDelayMs: number }> = [
  { questions: 10, apiDelayMs: 0 },
  { questions: 30, apiDelayMs: 0 },
  { questions: 60, apiDelayMs: 0 },
  { questions: 30, apiDelayMs: 20 },
];

const WIRE_FLOOR = [join(import.meta.dirname, 'wire-floor.mjs')];
const REFERENCE = [join(import.meta.dirname, 'reference-bot.mjs')];

export async function benchCost(respondents: number, pgUrl: string | undefined): Promise<CostFigures> {
  const runs: CostRun[] = [];
  const warm = { warmupRespondents: respondents };
  for (const database of pgUrl ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const)) {
    for (const p of PLAN) {
      const scoped = database === 'postgres' ? await postgresBenchSchema(pgUrl!) : undefined;
      try {
        runs.push({ database, warm: true, ...(await benchTelegram(respondents, p.questions, scoped?.url, { apiDelayMs: p.apiDelayMs, ...warm })) });
      } finally {
        await scoped?.dispose();
      }
    }
  }
  runs.push({ database: 'sqlite', warm: false, ...(await benchTelegram(respondents, 30, undefined, {})) });
  for (const apiDelayMs of [0, 20]) {
    runs.push({
      database: 'none (wire floor)',
      warm: true,
      ...(await benchTelegram(respondents, 30, undefined, { apiDelayMs, command: WIRE_FLOOR, ...warm })),
    });
  }
  for (const p of PLAN) {
    runs.push({
      database: 'reference bot',
      warm: true,
      ...(await benchTelegram(respondents, p.questions, undefined, { apiDelayMs: p.apiDelayMs, command: REFERENCE, ...warm })),
    });
  }
  runs.push({ database: 'reference bot', warm: false, ...(await benchTelegram(respondents, 30, undefined, { command: REFERENCE })) });
  const growth: Record<string, number> = {};
  for (const db of ['sqlite', 'postgres', 'reference bot'] as const) {
    const at = (q: number) => runs.find((r) => r.database === db && r.warm && r.questions === q && r.apiDelayMs === 0)?.botCpuMsPerAnswer;
    const [q60, q10] = [at(60), at(10)];
    if (q60 !== undefined && q10 !== undefined) growth[db] = q60 / q10;
  }
  const versusReference: CostFigures['versusReference'] = [];
  for (const r of runs.filter((x) => x.database === 'reference bot')) {
    const s = runs.find((x) => x.database === 'sqlite' && x.warm === r.warm && x.questions === r.questions && x.apiDelayMs === r.apiDelayMs);
    if (s)
      versusReference.push({
        questions: r.questions,
        apiDelayMs: r.apiDelayMs,
        warm: r.warm,
        cpu: s.botCpuMsPerAnswer / r.botCpuMsPerAnswer,
        p99: s.p99Ms / r.p99Ms,
      });
  }
  const before = JSON.parse(readFileSync(join(import.meta.dirname, 'profile-baseline.json'), 'utf8')) as CostFigures['before'];
  const after = process.env.BENCH_COST_PROFILE === 'off' ? null : (await profileTelegram(respondents, 30)).top;
  return { runs, growth, versusReference, before, after };
}

/** Table rows for bench.ts. */
export function costRows(c: CostFigures): Array<[string, string, string]> {
  const rows: Array<[string, string, string]> = c.runs.map((r) => [
    `cost per answer, ${r.database}${r.warm ? '' : ', cold (no warm-up)'}, ${r.respondents} respondents × ${r.questions} q, API delay ${r.apiDelayMs} ms: bot CPU (main thread) / Redis CPU; answers/s; p50 / p99; RSS`,
    `${r.botCpuMsPerAnswer.toFixed(2)} (${r.botMainThreadMsPerAnswer.toFixed(2)}) / ${r.redisCpuMsPerAnswer.toFixed(3)}`,
    `ms CPU per answer; ${r.answersPerSecond} answers/s; ${r.p50Ms.toFixed(0)} / ${r.p99Ms.toFixed(0)} ms; ${r.peakRssMb} MB`,
  ]);
  for (const [db, g] of Object.entries(c.growth)) rows.push([`cost growth, bot CPU per answer Q=60 ÷ Q=10 (${db})`, g.toFixed(2), '×']);
  for (const v of c.versusReference) {
    rows.push([
      `stemmen (SQLite) ÷ reference bot, ${v.questions} q, API delay ${v.apiDelayMs} ms${v.warm ? '' : ', cold'}: bot CPU per answer; p99`,
      `${v.cpu.toFixed(2)}; ${v.p99.toFixed(2)}`,
      '× (issue 20: 3.1 before; its CPU target 0.3 ms was 0.24 × the reference)',
    ]);
  }
  const b = c.before.figures;
  rows.push([
    'before issue 20 (SQLite, 200 × 30 q, no delay): bot CPU / Redis CPU per answer; answers/s; p50 / p99; RSS',
    `${b.botCpuMsPerAnswer} / ${b.redisCpuMsPerAnswer}`,
    `ms; ${b.answersPerSecond} answers/s; ${b.p50Ms} / ${b.p99Ms} ms; ${b.peakRssMb} MB`,
  ]);
  return rows;
}

/** The two top-five lists, printed under the table. */
export function costProfiles(c: CostFigures): string {
  const before = `profile top 5 by self time, before issue 20:\n${formatTop(c.before.top)}`;
  const after = c.after
    ? `profile top 5 by self time, now (SQLite, 30 q):\n${formatTop(c.after.slice(0, 5))}`
    : 'profile now: skipped (BENCH_COST_PROFILE=off)';
  return `${before}\n\n${after}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const c = await benchCost(Number(process.env.BENCH_COST_RESPONDENTS ?? 200), url === 'off' ? undefined : url);
  for (const [what, value, unit] of costRows(c)) process.stdout.write(`${what}: ${value} ${unit}\n`);
  process.stdout.write(`\n${costProfiles(c)}`);
}
