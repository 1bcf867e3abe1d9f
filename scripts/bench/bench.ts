/**
 * `npm run bench`: every figure the issues ask for, in one run, as a table and as JSON —
 * engine and store throughput and cost growth (SQLite, and PostgreSQL when one answers),
 * Telegram end to end, outbound pace against a 30/s Bot API, the shared sending budget's
 * reservations per second from two instances, memory with 100,000 open
 * sessions, media ingest with reply latency, a chaos run, and the dashboard's map and CSV
 * export over a million answers; and respondents finished under Telegram's limits, with the
 * messages the bot sends per input (telegram-limits.ts); and the cost per answer (cost.ts: bot
 * and Redis CPU, at Q=10/30/60, with and without API delay, beside the wire floor and issue 20's reference bot; BENCH_COST=off skips it). Sizes: BENCH_TELEGRAM_RESPONDENTS,
 * BENCH_TELEGRAM_LIMITS_RESPONDENTS, BENCH_MEDIA_NOTES, BENCH_SESSIONS,
 * BENCH_CHAOS_RESPONDENTS, BENCH_MAP_ANSWERS, BENCH_WIDE_RESPONDENTS (the wide export of
 * wide-export.ts; BENCH_WIDE_EXPORT=off skips it), BENCH_CLOUD_RESPONDENTS (the WhatsApp Cloud API
 * webhook → reply figure; BENCH_CLOUD_WHATSAPP=off skips it); the change between waves over
 * BENCH_WAVE_RESPONDENTS (10,000) people in two waves, BENCH_WAVES=off skips it; full-text search over
 * BENCH_SEARCH_ANSWERS (1,000,000) open answers on SQLite and BENCH_SEARCH_PG_ANSWERS (200,000) on
 * PostgreSQL, p50/p99 per kind of search (answer-search.ts; BENCH_ANSWER_SEARCH=off skips it).
 *
 * Store figures are durable commits: SQLite in WAL mode with synchronous=FULL on a file
 * in the system's temp folder, through the real inbound handler (dedupe, session load,
 * advance, answer + state + outbox write in one transaction, delivery to a no-op channel).
 * PostgreSQL store figures (in a schema of their own, with the per-respondent advisory lock)
 * use BENCH_DATABASE_URL, or a local server on 127.0.0.1:5432; BENCH_DATABASE_URL=off skips them.
 * @module
 */
import { join } from 'node:path';
import pino from 'pino';
import { InboundHandler } from '../../bot/conversation/handler.ts';
import { Delivery } from '../../bot/delivery/outbox.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { Renderer } from '../../bot/conversation/render.ts';
import { Pseudonymizer } from '../../storage/pseudonym.ts';
import { Store } from '../../storage/store.ts';
import { advance, start } from '../../surveys/engine/engine.ts';
import type { SessionState } from '../../surveys/engine/types.ts';
import type { Survey } from '../../surveys/model.ts';
import { longSurvey } from './long-survey.ts';
import { benchDashboard } from './dashboard.ts';
import type { SplitFigures } from './breakdown.ts';
import { benchTelegram } from './telegram-e2e.ts';
import { benchCost, costProfiles, costRows } from './cost.ts';
import { benchTelegramLimits } from './telegram-limits.ts';
import { benchCloudWhatsApp } from './cloud-whatsapp.ts';
import { benchScrub } from './scrub.ts';
import { benchMedia } from './media.ts';
import { benchOutbound } from './outbound.ts';
import { benchPacing } from './pacing.ts';
import { benchSessions } from './sessions.ts';
import { runChaos } from '../dev/chaos.ts';
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { postgresBenchDatabase, postgresBenchSchema, sqliteBenchDatabase, type BenchDatabase } from './databases.ts';
import { benchWideExport } from './wide-export.ts';
import { benchWaves } from './waves.ts';
import { benchAnswerSearch, benchAnswerSearchPostgres, searchJson, searchRows } from './answer-search.ts';

const QUESTIONS = 80;
const EARLY = 5;
const LATE = 60;

interface Figures {
  [k: string]: number | string | Record<string, number>;
}

const ns = () => process.hrtime.bigint();
const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const p99 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!;
};

/** Runs `respondents` through the whole survey in the pure engine; times every answer by position. */
function benchEngine(survey: Survey, respondents: number) {
  let n = 0;
  const ctx = (now: string) => ({ now, newId: () => `id${++n}`, messageId: `m${n}` });
  const perPosition: number[][] = Array.from({ length: QUESTIONS + 1 }, () => []);
  let answers = 0;
  const t0 = ns();
  for (let r = 0; r < respondents; r++) {
    const now = new Date(Date.UTC(2026, 0, 1, 0, 0, r)).toISOString();
    let state: SessionState = start(survey, {}, ctx(now)).state;
    state = advance(survey, state, { kind: 'button', data: 'lang:en' }, ctx(now)).state;
    state = advance(survey, state, { kind: 'button', data: 'consent:yes' }, ctx(now)).state;
    for (let pos = 1; state.phase === 'question'; pos++) {
      const q = state.current!;
      const input = q.endsWith('_why') ? { kind: 'text' as const, text: 'because' } : { kind: 'button' as const, data: `a:${q}:${(r + pos) % 11}` };
      const a = ns();
      state = advance(survey, state, input, ctx(now)).state;
      const t = ms(a, ns());
      const top = Number(q.replace(/^q(\d+).*$/, '$1'));
      if (!q.endsWith('_why')) perPosition[top]!.push(t);
      answers++;
    }
  }
  const total = ms(t0, ns());
  return { answersPerSecond: Math.round(answers / (total / 1000)), early: median(perPosition[EARLY]!) * 1000, late: median(perPosition[LATE]!) * 1000 };
}

/** The same walk through the real handler and a durable database. */
async function benchStore(survey: Survey, respondents: number, concurrency: number, target: BenchDatabase) {
  const db = target.db;
  const i18n = createI18n(readLocales(join(import.meta.dirname, '../../locales')));
  const store = new Store(db);
  await store.pilots.ensure('bench', 'bench', survey.id, survey.version, new Date().toISOString());
  const handler = new InboundHandler({
    store,
    pseudonyms: new Pseudonymizer(Buffer.alloc(32, 1)),
    i18n,
    renderer: new Renderer(i18n),
    surveys: new Map([[survey.id, { survey, resolveMedia: (f: string) => f }]]),
    defaultPilot: 'bench',
    log: pino({ level: 'silent' }),
    delivery: new Delivery({ store, channels: new Map([['tryit', { name: 'tryit' as const, send: async () => undefined }]]), log: pino({ level: 'silent' }) }),
  });
  const perPosition = new Map<number, number[]>([
    [EARLY, []],
    [LATE, []],
  ]);
  let answers = 0;
  let id = 0;
  const latencies: number[] = [];
  const one = async (r: number) => {
    const address = `bench-${r}`;
    const send = (content: Parameters<InboundHandler['handle']>[0]['content']) =>
      handler.handle({ channel: 'tryit', address, messageId: String(++id), receivedAt: new Date().toISOString(), content });
    await send({ kind: 'text', text: 'hi' });
    await send({ kind: 'button', data: 'lang:en' });
    await send({ kind: 'button', data: 'consent:yes' });
    for (let pos = 1; pos <= QUESTIONS; pos++) {
      const a = ns();
      await send({ kind: 'button', data: `a:q${pos}:${5 + ((r + pos) % 6)}` }); // scores ≥ 5: no follow-ups, a fixed walk
      const t = ms(a, ns());
      latencies.push(t);
      perPosition.get(pos)?.push(t);
      answers++;
    }
  };
  const t0 = ns();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < respondents) await one(next++);
    }),
  );
  const total = ms(t0, ns());
  const stored = await db
    .selectFrom('answers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  await target.dispose();
  if (Number(stored.n) !== answers) throw new Error(`stored ${stored.n} answers, expected ${answers}`);
  return {
    answersPerSecond: Math.round(answers / (total / 1000)),
    p50: median(latencies),
    p99: p99(latencies),
    early: median(perPosition.get(EARLY)!),
    late: median(perPosition.get(LATE)!),
  };
}

function tcpAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
  });
}

/** The rows of the split-map scenario (scripts/bench/breakdown.ts; BENCH_MAP_SPLIT=off skips it). */
function splitRows(s: SplitFigures | null, n: string, where: string): Array<[string, string, string]> {
  if (!s) return [];
  return [
    [`map split by a background question over ${n} answers${where}: lights per group query`, s.lightsQueryMs.toFixed(1), 'ms (median of 5)'],
    [`map split by a background question${where}: group sizes query`, s.sizesQueryMs.toFixed(1), 'ms (median of 5)'],
    [
      `map split by a background question${where}: whole split map, protected (${s.backgroundAnswers.toLocaleString('en')} background answers)`,
      s.splitMapMs.toFixed(1),
      'ms (median of 5)',
    ],
    [`map split by a background question${where}: peak RSS (own process)`, String(s.maxRssMb), 'MB'],
  ];
}

export async function runBench(): Promise<number> {
  const survey = longSurvey(QUESTIONS);
  benchEngine(survey, 50); // warm up the JIT
  const engine = benchEngine(survey, 2000);
  const store1 = await benchStore(survey, 20, 1, await sqliteBenchDatabase());
  const store16 = await benchStore(survey, 64, 16, await sqliteBenchDatabase());
  // PostgreSQL figures come with every run when a local server answers (as on the development
  // machines and in CI); BENCH_DATABASE_URL points elsewhere, or `off` skips them.
  const pgUrl =
    process.env.BENCH_DATABASE_URL === 'off'
      ? undefined
      : (process.env.BENCH_DATABASE_URL ?? ((await tcpAnswers('127.0.0.1', 5432)) ? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined));
  const pg = pgUrl
    ? {
        serial: await benchStore(survey, 20, 1, await postgresBenchDatabase(pgUrl)),
        concurrent: await benchStore(survey, 64, 16, await postgresBenchDatabase(pgUrl)),
      }
    : null;
  const tgRespondents = Number(process.env.BENCH_TELEGRAM_RESPONDENTS ?? 200);
  const tg = await benchTelegram(tgRespondents);
  let tgPg: Awaited<ReturnType<typeof benchTelegram>> | null = null;
  if (pgUrl) {
    const scoped = await postgresBenchSchema(pgUrl);
    try {
      tgPg = await benchTelegram(tgRespondents, 30, scoped.url);
    } finally {
      await scoped.dispose();
    }
  }
  // Cost per answer (issue 20), about 10 minutes: BENCH_COST=off skips it.
  const cost = process.env.BENCH_COST === 'off' ? null : await benchCost(Number(process.env.BENCH_COST_RESPONDENTS ?? 200), pgUrl);
  // Under Telegram's limits (about 2 minutes): BENCH_TELEGRAM_LIMITS=off skips it.
  const limRespondents = Number(process.env.BENCH_TELEGRAM_LIMITS_RESPONDENTS ?? 200);
  const lim = process.env.BENCH_TELEGRAM_LIMITS === 'off' ? null : await benchTelegramLimits(limRespondents);
  // WhatsApp Cloud API adapter, webhook → reply: BENCH_CLOUD_WHATSAPP=off skips it.
  const cloudRespondents = Number(process.env.BENCH_CLOUD_RESPONDENTS ?? 200);
  const cloud = process.env.BENCH_CLOUD_WHATSAPP === 'off' ? null : await benchCloudWhatsApp(cloudRespondents);
  const outPaced = await benchOutbound(300, 25);
  const outRaw = await benchOutbound(300, 0);
  const pace = await benchPacing(3);
  const ses = await benchSessions(Number(process.env.BENCH_SESSIONS ?? 100_000), 1000);
  const md = await benchMedia(Number(process.env.BENCH_MEDIA_NOTES ?? 60));
  const mdPg = pgUrl ? await benchMedia(Number(process.env.BENCH_MEDIA_NOTES ?? 60), 50, 500, pgUrl) : null;
  const chaosNote = execFileSync('ffmpeg', [
    '-nostdin',
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=duration=2',
    '-ac',
    '1',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    '-f',
    'ogg',
    '-',
  ]);
  const chaos = await runChaos({
    respondents: Number(process.env.BENCH_CHAOS_RESPONDENTS ?? 30),
    questions: 20,
    botKills: 8,
    workerKills: 2,
    redisRestarts: 2,
    whatsappRespondents: Number(process.env.BENCH_CHAOS_WHATSAPP ?? 10),
    whatsappRestarts: 2,
    voiceNote: chaosNote,
  });
  const dash = await benchDashboard(Number(process.env.BENCH_MAP_ANSWERS ?? 1_000_000));
  const dashPg = pgUrl ? await benchDashboard(Number(process.env.BENCH_MAP_ANSWERS ?? 1_000_000), pgUrl) : null;
  const wide = process.env.BENCH_WIDE_EXPORT === 'off' ? null : await benchWideExport(Number(process.env.BENCH_WIDE_RESPONDENTS ?? 100_000));
  const waves = process.env.BENCH_WAVES === 'off' ? null : await benchWaves(Number(process.env.BENCH_WAVE_RESPONDENTS ?? 10_000));
  const scrub = benchScrub();
  const searchOn = process.env.BENCH_ANSWER_SEARCH !== 'off';
  const search = searchOn ? await benchAnswerSearch(Number(process.env.BENCH_SEARCH_ANSWERS ?? 1_000_000)) : null;
  const searchPg = searchOn && pgUrl ? await benchAnswerSearchPostgres(pgUrl, Number(process.env.BENCH_SEARCH_PG_ANSWERS ?? 200_000)) : null;
  const n = dash.answers.toLocaleString('en');
  const rows: Array<[string, string, string]> = [
    ['engine answers/s (pure advance, 2,000 respondents × 80 q)', String(engine.answersPerSecond), 'answers/s'],
    [
      'scrub per text: plain / small numbers / with phone, e-mail, IBAN',
      `${scrub.plainUs.toFixed(1)} / ${scrub.numbersUs.toFixed(1)} / ${scrub.detailsUs.toFixed(1)}`,
      'µs (median)',
    ],
    [`engine µs per answer at question ${EARLY}`, engine.early.toFixed(1), 'µs (median)'],
    [`engine µs per answer at question ${LATE}`, engine.late.toFixed(1), 'µs (median)'],
    ['engine late/early ratio', (engine.late / engine.early).toFixed(2), '×'],
    ['engine+store answers/s, 1 respondent at a time (durable SQLite)', String(store1.answersPerSecond), 'answers/s'],
    ['engine+store answers/s, 16 respondents at once (durable SQLite)', String(store16.answersPerSecond), 'answers/s'],
    ['engine+store latency p50 / p99 (16 at once)', `${store16.p50.toFixed(2)} / ${store16.p99.toFixed(2)}`, 'ms'],
    [`engine+store ms per answer at question ${EARLY}`, store1.early.toFixed(3), 'ms (median)'],
    [`engine+store ms per answer at question ${LATE}`, store1.late.toFixed(3), 'ms (median)'],
    ['engine+store late/early ratio', (store1.late / store1.early).toFixed(2), '×'],
    ...(pg
      ? ([
          ['engine+store answers/s, 1 respondent at a time (PostgreSQL)', String(pg.serial.answersPerSecond), 'answers/s'],
          ['engine+store answers/s, 16 respondents at once (PostgreSQL)', String(pg.concurrent.answersPerSecond), 'answers/s'],
          ['engine+store latency p50 / p99 (16 at once, PostgreSQL)', `${pg.concurrent.p50.toFixed(2)} / ${pg.concurrent.p99.toFixed(2)}`, 'ms'],
          ['engine+store late/early ratio (PostgreSQL)', (pg.serial.late / pg.serial.early).toFixed(2), '×'],
        ] as Array<[string, string, string]>)
      : [
          ['engine+store on PostgreSQL', 'skipped', 'no PostgreSQL on 127.0.0.1:5432; set BENCH_DATABASE_URL=postgres://… to measure'] as [
            string,
            string,
            string,
          ],
        ]),
    [`Telegram e2e answers/s (${tg.respondents} respondents × 30 q, fake Bot API over HTTP, pacing off)`, String(tg.answersPerSecond), 'answers/s'],
    ['Telegram e2e latency p50 / p99 (update available → next question received)', `${tg.p50Ms.toFixed(1)} / ${tg.p99Ms.toFixed(1)}`, 'ms'],
    ['Telegram e2e bot RSS (peak)', String(tg.peakRssMb), 'MB'],
    ...(tgPg
      ? ([
          [`Telegram e2e answers/s on PostgreSQL (${tgPg.respondents} respondents × 30 q, pacing off)`, String(tgPg.answersPerSecond), 'answers/s'],
          ['Telegram e2e latency p50 / p99 on PostgreSQL', `${tgPg.p50Ms.toFixed(1)} / ${tgPg.p99Ms.toFixed(1)}`, 'ms'],
          ['Telegram e2e bot RSS (peak) on PostgreSQL', String(tgPg.peakRssMb), 'MB'],
        ] as Array<[string, string, string]>)
      : []),
    ['Telegram e2e bot messages per respondent input (pacing off)', tg.messagesPerInput.toFixed(2), 'messages'],
    ['Telegram e2e bot CPU / Redis CPU per answer', `${tg.botCpuMsPerAnswer.toFixed(2)} / ${tg.redisCpuMsPerAnswer.toFixed(3)}`, 'ms'],
    ...(cost ? costRows(cost) : ([['cost per answer', 'skipped', 'BENCH_COST=off']] as Array<[string, string, string]>)),
    ...(lim
      ? ([
          [
            `Telegram under its limits (30/s per bot, 1/s per chat): ${lim.respondents} respondents × 10 q answering at once, completed in 3 min`,
            `${lim.completed}/${lim.respondents}`,
            `respondents (last after ${lim.lastCompletedAt.toFixed(0)} s)`,
          ],
          [
            'Telegram under its limits: bot messages per respondent input',
            lim.messagesPerInput.toFixed(2),
            `messages (${lim.messages} for ${lim.inputs} inputs)`,
          ],
          [
            'Telegram under its limits: sends/s, paced at 25/s',
            lim.sendsPerSecond.toFixed(1),
            `msg/s, ${lim.rateLimited.global} × 429 global, ${lim.rateLimited.perChat} × 429 per chat`,
          ],
          ['Telegram under its limits: wait per turn p50 / p99 (input → reply)', `${lim.p50WaitMs.toFixed(0)} / ${lim.p99WaitMs.toFixed(0)}`, 'ms'],
        ] as Array<[string, string, string]>)
      : ([['Telegram under its limits', 'skipped', 'BENCH_TELEGRAM_LIMITS=off; run: npx tsx scripts/bench/telegram-limits.ts 200 180']] as Array<
          [string, string, string]
        >)),
    ...(cloud
      ? ([
          [
            `WhatsApp Cloud API inbound webhook → reply p50 / p99 (${cloud.respondents} respondents at once, fake Graph API over HTTP, pacing off)`,
            `${cloud.p50Ms.toFixed(0)} / ${cloud.p99Ms.toFixed(0)}`,
            `ms (${cloud.inputs} inputs, ${cloud.inputsPerSecond}/s; webhook answered p99 ${cloud.webhookP99Ms.toFixed(0)} ms)`,
          ],
        ] as Array<[string, string, string]>)
      : ([['WhatsApp Cloud API webhook → reply', 'skipped', 'BENCH_CLOUD_WHATSAPP=off; run: npx tsx scripts/bench/cloud-whatsapp.ts 200']] as Array<
          [string, string, string]
        >)),
    [
      `outbound sends/s to a Bot API enforcing 30/s, paced at 25/s (${outPaced.chats} chats)`,
      outPaced.achieved.toFixed(1),
      `msg/s, ${outPaced.rateLimited} × 429`,
    ],
    [`outbound sends/s to the same API, unpaced (auto-retry after 429)`, outRaw.achieved.toFixed(1), `msg/s, ${outRaw.rateLimited} × 429`],
    [
      `shared sending budget: reservations/s from ${pace.instances} instances (Redis Lua, one budget, 3 s)`,
      String(pace.perSecond),
      `reservations/s; closest two slots ${pace.minSpacingMs} ms apart (gap ${pace.gapMs} ms)`,
    ],
    [
      `bot RSS: empty store / ${ses.sessions.toLocaleString('en')} open sessions at start / after ${ses.active} of them answered`,
      `${ses.rssEmptyMb} / ${ses.rssStartMb} / ${ses.rssAfterMb}`,
      'MB',
    ],
    [`media ingest, 20-s voice notes/s, nothing else running (${md.notes} notes, ${md.concurrency} at a time)`, md.notesPerSecondAlone.toFixed(2), 'notes/s'],
    [`media ingest, 20-s voice notes/s, while ${md.respondents} respondents answer ${md.answersPerSecond}/s`, md.notesPerSecondUnderLoad.toFixed(2), 'notes/s'],
    [
      `reply latency p50 / p99, ${md.respondents} respondents at ${md.answersPerSecond} answers/s, no media`,
      `${md.quietP50.toFixed(2)} / ${md.quietP99.toFixed(2)}`,
      'ms',
    ],
    [`reply latency p50 / p99, same, while the notes above flow (${md.busyReplies} replies)`, `${md.busyP50.toFixed(2)} / ${md.busyP99.toFixed(2)}`, 'ms'],
    ...(mdPg
      ? ([
          [
            'media ingest notes/s alone / under load, on PostgreSQL',
            `${mdPg.notesPerSecondAlone.toFixed(2)} / ${mdPg.notesPerSecondUnderLoad.toFixed(2)}`,
            'notes/s',
          ],
          [
            'reply latency p50 / p99 without / with media flowing, on PostgreSQL',
            `${mdPg.quietP50.toFixed(2)} / ${mdPg.quietP99.toFixed(2)} → ${mdPg.busyP50.toFixed(2)} / ${mdPg.busyP99.toFixed(2)}`,
            'ms',
          ],
        ] as Array<[string, string, string]>)
      : []),
    [`seeding ${n} answers (one transaction, multi-row inserts)`, (dash.seedMs / 1000).toFixed(1), 's'],
    [`traffic-light map over ${n} answers (14 indicators, GROUP BY)`, dash.mapMs.toFixed(1), 'ms (median of 5)'],
    ['traffic-light map, filtered (language + channel + 3 months)', dash.mapFilteredMs.toFixed(1), 'ms (median of 5)'],
    ['map page over HTTP (logged in, inject; filters and HTML included)', dash.mapPageMs.toFixed(1), 'ms (median of 5)'],
    [`follow-up queue page, first view (opens ${dash.cases.toLocaleString('en')} cases)`, dash.queueFirstMs.toFixed(0), 'ms'],
    ['follow-up queue page, later views', dash.queueMs.toFixed(0), 'ms (median of 3)'],
    [`CSV export of ${n} answers (stemmen export, own process)`, (dash.exportMs / 1000).toFixed(1), `s (${dash.csvMb} MB CSV)`],
    ['CSV export peak RSS', String(dash.exportMaxRssMb), 'MB'],
    ...(wide
      ? ([
          [
            `wide export of ${wide.respondents.toLocaleString('en')} respondents (${wide.answers.toLocaleString('en')} answers, ${wide.columns} columns; wide.csv + wide.sps, own process)`,
            (wide.exportMs / 1000).toFixed(1),
            `s (${wide.csvMb} MB CSV)`,
          ],
          ['wide export peak RSS', String(wide.maxRssMb), 'MB'],
        ] as Array<[string, string, string]>)
      : ([['wide export', 'skipped', 'BENCH_WIDE_EXPORT=off; run: npx tsx scripts/bench/wide-export.ts 100000']] as Array<[string, string, string]>)),
    ...(waves
      ? ([
          [
            `change between waves over ${waves.answers.toLocaleString('en')} answers (${waves.respondents.toLocaleString('en')} people, 80 % in both waves)`,
            waves.changeMs.toFixed(1),
            'ms (median of 5)',
          ],
        ] as Array<[string, string, string]>)
      : []),
    ...(search
      ? searchRows(search)
      : ([['answer search', 'skipped', 'BENCH_ANSWER_SEARCH=off; run: npx tsx scripts/bench/answer-search.ts 1000000']] as Array<[string, string, string]>)),
    ...(searchPg ? searchRows(searchPg) : []),
    ...splitRows(dash.split, n, ''),
    ...(dashPg
      ? ([
          [`seeding ${n} answers on PostgreSQL`, (dashPg.seedMs / 1000).toFixed(1), 's'],
          [`traffic-light map over ${n} answers on PostgreSQL`, dashPg.mapMs.toFixed(1), 'ms (median of 5)'],
          ['traffic-light map, filtered, on PostgreSQL', dashPg.mapFilteredMs.toFixed(1), 'ms (median of 5)'],
          ['map page over HTTP on PostgreSQL', dashPg.mapPageMs.toFixed(1), 'ms (median of 5)'],
          ['follow-up queue page, first view / later views, on PostgreSQL', `${dashPg.queueFirstMs.toFixed(0)} / ${dashPg.queueMs.toFixed(0)}`, 'ms'],
          [`CSV export of ${n} answers on PostgreSQL`, (dashPg.exportMs / 1000).toFixed(1), `s (${dashPg.csvMb} MB CSV)`],
          ['CSV export peak RSS on PostgreSQL', String(dashPg.exportMaxRssMb), 'MB'],
          ...splitRows(dashPg.split, n, ' on PostgreSQL'),
        ] as Array<[string, string, string]>)
      : []),
    [
      `chaos: ${chaos.respondents} respondents × 20 q, ${chaos.deliveries} deliveries (1–3 per update), ${chaos.botKills} bot + ${chaos.workerKills} worker SIGKILLs, ${chaos.redisRestarts} Redis kills; ${chaos.whatsappRespondents} WhatsApp respondents, ${chaos.whatsappRestarts} WhatsApp restarts, ${chaos.whatsappAppended} messages delivered as append`,
      `${chaos.answersStored}/${chaos.answersGiven}`,
      `answers stored; lost ${chaos.lost}, duplicated ${chaos.duplicated}, wrong ${chaos.wrongValue}; media final ${chaos.mediaFinal}/${chaos.mediaAnswers} (seed ${chaos.seed}, ${chaos.seconds.toFixed(0)} s)`,
    ],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`stemmen bench — node ${process.version}, ${new Date().toISOString()}\n\n`);
  for (const [k, v, u] of rows) process.stdout.write(`${k.padEnd(w)}  ${v.padStart(12)}  ${u}\n`);
  const json: Figures = {
    node: process.version,
    questions: QUESTIONS,
    engineAnswersPerSecond: engine.answersPerSecond,
    engineMicrosAtQ5: +engine.early.toFixed(2),
    engineMicrosAtQ60: +engine.late.toFixed(2),
    storeAnswersPerSecondSerial: store1.answersPerSecond,
    storeAnswersPerSecondConcurrent16: store16.answersPerSecond,
    storeP50Ms: +store16.p50.toFixed(3),
    storeP99Ms: +store16.p99.toFixed(3),
    storeMsAtQ5: +store1.early.toFixed(3),
    storeMsAtQ60: +store1.late.toFixed(3),
    ...(pg
      ? {
          pgStoreAnswersPerSecondSerial: pg.serial.answersPerSecond,
          pgStoreAnswersPerSecondConcurrent16: pg.concurrent.answersPerSecond,
          pgStoreP50Ms: +pg.concurrent.p50.toFixed(3),
          pgStoreP99Ms: +pg.concurrent.p99.toFixed(3),
          pgStoreMsAtQ5: +pg.serial.early.toFixed(3),
          pgStoreMsAtQ60: +pg.serial.late.toFixed(3),
        }
      : {}),
    telegramRespondents: tg.respondents,
    telegramAnswers: tg.answers,
    telegramAnswersPerSecond: tg.answersPerSecond,
    telegramP50Ms: +tg.p50Ms.toFixed(2),
    telegramP99Ms: +tg.p99Ms.toFixed(2),
    telegramPeakRssMb: tg.peakRssMb,
    telegramMessagesPerInput: +tg.messagesPerInput.toFixed(3),
    ...(lim
      ? {
          telegramLimits: {
            respondents: lim.respondents,
            completedIn3Min: lim.completed,
            lastCompletedSeconds: +lim.lastCompletedAt.toFixed(1),
            messagesPerInput: +lim.messagesPerInput.toFixed(3),
            sendsPerSecond: +lim.sendsPerSecond.toFixed(2),
            rateLimitedGlobal: lim.rateLimited.global,
            rateLimitedPerChat: lim.rateLimited.perChat,
            p50WaitMs: Math.round(lim.p50WaitMs),
            p99WaitMs: Math.round(lim.p99WaitMs),
          },
        }
      : {}),
    mediaNotes: md.notes,
    mediaNotesPerSecondAlone: +md.notesPerSecondAlone.toFixed(3),
    mediaNotesPerSecondUnderLoad: +md.notesPerSecondUnderLoad.toFixed(3),
    chaos: { ...chaos, seconds: +chaos.seconds.toFixed(1) },
    ...(mdPg
      ? {
          mediaPg: {
            notesPerSecondAlone: +mdPg.notesPerSecondAlone.toFixed(3),
            notesPerSecondUnderLoad: +mdPg.notesPerSecondUnderLoad.toFixed(3),
            replyQuietP99Ms: +mdPg.quietP99.toFixed(3),
            replyBusyP99Ms: +mdPg.busyP99.toFixed(3),
          },
        }
      : {}),
    ...(dashPg
      ? {
          dashboardPg: {
            seedMs: Math.round(dashPg.seedMs),
            mapMs: +dashPg.mapMs.toFixed(2),
            mapFilteredMs: +dashPg.mapFilteredMs.toFixed(2),
            mapPageMs: +dashPg.mapPageMs.toFixed(2),
            queueFirstViewMs: Math.round(dashPg.queueFirstMs),
            queueViewMs: Math.round(dashPg.queueMs),
            exportCsvMs: Math.round(dashPg.exportMs),
            exportCsvMaxRssMb: dashPg.exportMaxRssMb,
            ...(dashPg.split
              ? {
                  splitLightsQueryMs: +dashPg.split.lightsQueryMs.toFixed(2),
                  splitSizesQueryMs: +dashPg.split.sizesQueryMs.toFixed(2),
                  splitMapMs: +dashPg.split.splitMapMs.toFixed(2),
                  splitMaxRssMb: dashPg.split.maxRssMb,
                }
              : {}),
          },
        }
      : {}),
    ...(tgPg
      ? { telegramPg: { answersPerSecond: tgPg.answersPerSecond, p50Ms: +tgPg.p50Ms.toFixed(2), p99Ms: +tgPg.p99Ms.toFixed(2), peakRssMb: tgPg.peakRssMb } }
      : {}),
    outboundPacedPerSecond: +outPaced.achieved.toFixed(2),
    outboundPaced429s: outPaced.rateLimited,
    pacingReservationsPerSecond2Instances: pace.perSecond,
    pacingMinSpacingMs: pace.minSpacingMs,
    outboundUnpacedPerSecond: +outRaw.achieved.toFixed(2),
    outboundUnpaced429s: outRaw.rateLimited,
    openSessions: ses.sessions,
    rssEmptyMb: ses.rssEmptyMb,
    rssOpenSessionsStartMb: ses.rssStartMb,
    rssOpenSessionsAfterMb: ses.rssAfterMb,
    replyQuietP50Ms: +md.quietP50.toFixed(3),
    replyQuietP99Ms: +md.quietP99.toFixed(3),
    replyBusyP50Ms: +md.busyP50.toFixed(3),
    replyBusyP99Ms: +md.busyP99.toFixed(3),
    mapAnswers: dash.answers,
    mapSeedMs: Math.round(dash.seedMs),
    mapMs: +dash.mapMs.toFixed(2),
    mapFilteredMs: +dash.mapFilteredMs.toFixed(2),
    mapPageMs: +dash.mapPageMs.toFixed(2),
    queueFirstViewMs: Math.round(dash.queueFirstMs),
    queueViewMs: Math.round(dash.queueMs),
    followupCases: dash.cases,
    exportCsvMs: Math.round(dash.exportMs),
    exportCsvMaxRssMb: dash.exportMaxRssMb,
    exportCsvMb: dash.csvMb,
    ...(wide
      ? { wideExportRespondents: wide.respondents, wideExportMs: Math.round(wide.exportMs), wideExportMaxRssMb: wide.maxRssMb, wideExportCsvMb: wide.csvMb }
      : {}),
    ...(waves ? { waveAnswers: waves.answers, waveChangeMs: +waves.changeMs.toFixed(2) } : {}),
    scrubPlainUs: +scrub.plainUs.toFixed(2),
    scrubNumbersUs: +scrub.numbersUs.toFixed(2),
    scrubDetailsUs: +scrub.detailsUs.toFixed(2),
    ...(search ? searchJson('sqlite', search) : {}),
    ...(searchPg ? searchJson('pg', searchPg) : {}),
    ...(dash.split ? { mapSplit: { ...dash.split } } : {}),
  };
  if (cost) process.stdout.write(`\n${costProfiles(cost)}`);
  process.stdout.write(`\n${JSON.stringify({ ...json, ...(cost ? { cost } : {}) })}\n`);
  return 0;
}
