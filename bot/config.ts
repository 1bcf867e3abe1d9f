/**
 * Configuration read once from the environment, validated, frozen, passed down.
 * Nothing else in the tree reads `process.env`.
 * @module
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { cloudConfig, DEFAULT_GRAPH_ROOT, type WhatsAppCloudConfig } from './channels/whatsapp-cloud/config.ts';

/** The installation's `locales/`, the default LOCALES_DIR. */
const PROJECT_LOCALES = resolve(import.meta.dirname, '../locales');

const port = z.coerce.number().int().min(0).max(65535);

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** "24h" → ms; "off" → 0. Only called on values the schema checked. */
function durationMs(s: string): number {
  if (s === 'off') return 0;
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(s)!;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/** TRUST_PROXY → fastify's trustProxy: false, true, a hop count, or addresses/CIDRs; null when malformed. */
export function trustProxyOf(s: string): boolean | number | readonly string[] | null {
  if (s === 'false') return false;
  if (s === 'true') return true;
  if (/^\d{1,2}$/.test(s)) return Number(s) === 0 ? false : Number(s);
  const list = s.split(',').map((x) => x.trim());
  const ok = (x: string) => {
    if (PROXY_NAMES.has(x)) return true;
    const [addr = '', bits, extra] = x.split('/');
    const v = isIP(addr);
    if (v === 0 || extra !== undefined) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128));
  };
  return list.every(ok) ? Object.freeze(list) : null;
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const schema = z.object({
  PORT: port.default(3000).describe('HTTP port of the try-it page (and later the dashboard and webhooks)'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Interface to listen on; 0.0.0.0 to reach it from other machines'),
  DATA_DIR: z.string().min(1).default('data').describe('Folder for the SQLite file, the pseudonym secret and media'),
  DATABASE_FILE: z.string().min(1).optional().describe('SQLite file; default $DATA_DIR/stemmen.sqlite'),
  PSEUDONYM_SECRET_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('Secret for pseudonymous ids; default $DATA_DIR/pseudonym.key (created on first start; back it up)'),
  SURVEY_FILE: z.string().min(1).default('surveys/definitions/default-pilot.yaml').describe('Survey of the default pilot'),
  DEFAULT_PILOT: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'use lower-case letters, digits and -')
    .default('default')
    .describe('Code of the pilot that /start without a code joins'),
  LOCALES_DIR: z.string().min(1).optional().describe("Folder with <lng>/<namespace>.json; default this installation's locales/, whatever the working folder"),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  TRYIT_ENABLED: z.enum(['0', '1']).default('1').describe('Serve the local try-it web chat at /try'),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]+$/, 'looks like 123456789:AA… (from @BotFather)')
    .optional()
    .describe('Enables the Telegram channel'),
  TELEGRAM_API_ROOT: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !u.endsWith('/'), 'must not end with /')
    .default('https://api.telegram.org')
    .describe('Bot API server: the public one, a local telegram-bot-api, or a test fake'),
  TELEGRAM_WEBHOOK_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Public URL Telegram posts updates to (webhook mode); unset = long polling'),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'use 16–256 letters, digits, _ or -')
    .optional()
    .describe('Secret Telegram sends with each webhook call; required with TELEGRAM_WEBHOOK_URL'),
  WHATSAPP_ENABLED: z.enum(['0', '1']).default('0').describe('Enables the WhatsApp channel (pair on first start)'),
  WHATSAPP_SESSION: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, 'use lower-case letters, digits and -')
    .default('default')
    .describe('Name of the stored WhatsApp login (one per phone number)'),
  WHATSAPP_PAIRING_NUMBER: z
    .string()
    .regex(/^\d{8,15}$/, 'digits only, with country code, e.g. 31612345678')
    // 0612345678 has the right length but no country code (none starts with 0).
    .refine((n) => !n.startsWith('0'), 'not a number with its country code: write 31612345678, not 0612345678')
    .optional()
    .describe('Pair by an 8-character code for this number instead of scanning a QR code'),
  WHATSAPP_FETCH_VERSION: z
    .enum(['0', '1'])
    .default('1')
    .describe("Ask web.whatsapp.com for the current WhatsApp Web version before connecting (0: Baileys' built-in one)"),
  WHATSAPP_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('warn')
    .describe("Level of Baileys' own log lines (addresses masked)"),
  WHATSAPP_CHAT_GAP_MS: z.coerce.number().int().min(0).default(1500).describe('Minimum gap between two messages to one chat'),
  WHATSAPP_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .max(600)
    .default(40)
    .describe('Most messages per minute over all chats (bulk rates get unofficial clients banned)'),
  WHATSAPP_MODE: z
    .enum(['baileys', 'cloud'])
    .default('baileys')
    .describe("baileys: a linked phone (WHATSAPP_ENABLED=1); cloud: Meta's official WhatsApp Cloud API (needs the WHATSAPP_CLOUD_* keys)"),
  WHATSAPP_CLOUD_TOKEN: z.string().min(20, 'looks like a Meta access token (EAA…)').optional().describe('Cloud API: access token of a system user'),
  WHATSAPP_PHONE_NUMBER_ID: z.string().optional().describe('Cloud API: the phone number ID (digits) from WhatsApp → API setup'),
  WHATSAPP_APP_SECRET: z
    .string()
    .min(8, 'the app secret from App settings → Basic')
    .optional()
    .describe('Cloud API: app secret; every webhook call is checked against it'),
  WHATSAPP_VERIFY_TOKEN: z
    .string()
    .min(8, 'use at least 8 random characters')
    .optional()
    .describe('Cloud API: the verify token entered in the webhook settings'),
  WHATSAPP_API_ROOT: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !u.endsWith('/'), 'must not end with /')
    .default(DEFAULT_GRAPH_ROOT)
    .describe('Cloud API: Graph API root with version (a test fake: the fake Graph API)'),
  WHATSAPP_CLOUD_PER_SECOND: z.coerce
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(80)
    .describe("Cloud API: most messages per second over all chats (Meta's default throughput is 80/s); 0 turns pacing off"),
  WHATSAPP_TEMPLATES: z
    .string()
    .optional()
    .describe(
      'Cloud API: approved templates outside the 24-hour window, JSON or a JSON file: kind (invitation, reminder, results) → language → {name, language}',
    ),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/ })
    .default('redis://127.0.0.1:6379')
    .describe(
      'Redis for the media queues; when nothing answers on a local address and redis-server is installed, `npm start` starts one under $DATA_DIR/redis',
    ),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'use letters, digits, _ or -')
    .default('stemmen')
    .describe('Prefix of every queue key in Redis (several installations can share one Redis)'),
  WORKERS_IN_PROCESS: z.enum(['0', '1']).default('1').describe('Run the media workers inside `stemmen start`; 0 when they run apart (`stemmen worker`)'),
  WORKER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(2)
    .describe('Media files one worker process handles at once (ffmpeg is CPU-bound: about one per core)'),
  QUEUE_LOCK_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(30)
    .describe('How long a job stays claimed by a worker that stopped answering before another worker takes it over'),
  MEDIA_DIR: z.string().min(1).optional().describe('Folder for voice notes and videos (content-addressed); default $DATA_DIR/media'),
  MEDIA_MAX_MB: z.coerce.number().positive().max(2000).default(20).describe('Largest media file accepted, in MB (the Telegram Bot API serves at most 20 MB)'),
  MEDIA_MAX_SECONDS: z.coerce.number().int().positive().max(7200).default(600).describe('Longest voice note or video accepted, in seconds'),
  MEDIA_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(90)
    .describe('Media files older than this are deleted (transcripts and translations stay)'),
  STT_URL: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !u.endsWith('/'), 'must not end with /')
    .optional()
    .describe('Speech-to-text server speaking the OpenAI API (POST /v1/audio/transcriptions): whisper.cpp server, speaches, OpenAI; unset = no transcripts'),
  STT_API_KEY: z.string().min(1).optional().describe('Bearer token for STT_URL, if it needs one'),
  STT_MODEL: z.string().min(1).default('whisper-1').describe('Model name sent to STT_URL'),
  MT_URL: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !u.endsWith('/'), 'must not end with /')
    .optional()
    .describe('LibreTranslate server (POST /translate) for translating transcripts and typed answers, and drafting locales; unset = no translations'),
  MT_API_KEY: z.string().min(1).optional().describe('API key for MT_URL, if it needs one'),
  TELEGRAM_SENDS_PER_SECOND: z.coerce
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(25)
    .describe(
      'Most Telegram messages per second over all chats, under the Bot API limit of about 30 (0 = no pacing; Telegram then answers 429s, which are retried)',
    ),
  MEDIA_SWEEP_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(60)
    .describe(
      'How often, and after how long, a media answer (or a typed answer awaiting translation) still pending without a job (lost in a crash or a Redis outage) is queued again',
    ),
  MT_TARGETS: z
    .string()
    .regex(/^[a-z]{2,3}(,[a-z]{2,3})*$/, 'comma-separated language codes, e.g. nl,en')
    .default('nl,en')
    .describe('Languages transcripts and typed answers are translated into for researchers'),
  DASHBOARD_COOKIE_SECURE: z
    .enum(['0', '1'])
    .default('1')
    .describe('Mark the dashboard session cookie Secure (HTTPS only; browsers also accept it on http://localhost and 127.0.0.1)'),
  DASHBOARD_SESSION_HOURS: z.coerce.number().int().min(1).max(720).default(12).describe('How long a dashboard login lasts'),
  LOGIN_MAX_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(5)
    .describe('Failed logins allowed per email and per client address in 15 minutes before login is refused'),
  TRUST_PROXY: z
    .string()
    .refine((v) => trustProxyOf(v) !== null, 'use false, true, a hop count such as 1, or proxy addresses/CIDRs such as 10.0.0.0/8,127.0.0.1')
    .default('false')
    .describe(
      "Which proxies' X-Forwarded-For to believe for the client address (login and rate limits key on it): false, true (any), a hop count, or the load balancers' addresses/CIDRs",
    ),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "The dashboard's address as browsers reach it, e.g. https://stemmen.example.org (behind a proxy that rewrites Host); Bull Board's buttons are accepted from it",
    ),
  LOGIN_RATE_LIMIT: z.coerce
    .number()
    .int()
    .min(0)
    .max(100_000)
    .default(20)
    .describe('Login form posts per minute per client address, before any password is checked (0 = no HTTP limit)'),
  TRYIT_RATE_LIMIT: z.coerce
    .number()
    .int()
    .min(0)
    .max(100_000)
    .default(600)
    .describe('Requests per minute per client address to each try-it chat API route (0 = no limit); several people on one network share it'),
  RATE_LIMIT_STORE: z
    .enum(['redis', 'memory'])
    .default('redis')
    .describe('Where the HTTP rate limits count: redis (REDIS_URL, shared by every process) or memory (this process only)'),
  MAP_RED_SHARE: z.coerce
    .number()
    .min(0)
    .max(100)
    .default(30)
    .describe('Traffic-light map: an indicator is red when at least this % of its coloured answers are red'),
  MAP_GREEN_SHARE: z.coerce.number().min(0).max(100).default(60).describe('Traffic-light map: otherwise green when at least this % are green (else orange)'),
  MAP_MIN_RESPONDENTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe('Small-group protection: no colour, number, chart, quote or filter result of the dashboard or read API comes from fewer people than this'),
  STEMMEN_PASSWORD: z
    .string()
    .min(12, 'use at least 12 characters')
    .optional()
    .describe('Password for `stemmen user add` in scripts (otherwise it asks); never needed by the server'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/ })
    .optional()
    .describe(
      'PostgreSQL instead of SQLite, e.g. postgres://stemmen:…@db:5432/stemmen; needed to run several bot or worker processes; unset = the SQLite file',
    ),
  REMINDER_DELAYS: z
    .string()
    .regex(/^(off|\d+(ms|s|m|h|d)(,\d+(ms|s|m|h|d))*)$/, 'comma-separated durations such as 24h,72h (units ms, s, m, h, d), or off')
    .default('24h,72h')
    .describe('Reminders for someone who stopped halfway, counted from their last message; off = none'),
  QUIET_HOURS: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$/, 'HH:MM-HH:MM such as 21:00-09:00, or off')
    .default('21:00-09:00')
    .describe('No reminders between these local times (REMINDER_TIME_ZONE)'),
  REMINDER_TIME_ZONE: z
    .string()
    .refine(isTimeZone, 'an IANA time zone such as Europe/Amsterdam')
    .default('Europe/Amsterdam')
    .describe("Time zone of QUIET_HOURS (the respondent's own is not known)"),
  REMINDER_SWEEP_SECONDS: z.coerce
    .number()
    .min(0.1)
    .max(3600)
    .default(30)
    .describe('How often due reminders are looked for and sent (one indexed query per sweep)'),
  SESSION_EXPIRE_AFTER: z
    .string()
    .regex(/^(off|\d+(ms|s|m|h|d))$/, 'a duration such as 7d, or off')
    .default('7d')
    .describe('Close a session with a polite message after this long without a message; off = never'),
  CAMPAIGN_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .max(600)
    .default(20)
    .describe('Most invitations or results messages sent per minute (`stemmen pilot invite`, `share-results`)'),
  CAMPAIGN_SEND_SHARE: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(50)
    .describe("Most % of a channel's sending pace campaign messages may take; conversations always go first"),
  PHONE_DEFAULT_REGION: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'a two-letter country code such as NL, BE or DE')
    .default('NL')
    .describe('Country of phone numbers written without a country code (06-12345678) in invitation lists; `--region` overrides it per list'),
  INBOUND_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(20)
    .default(3)
    .describe('Failed attempts before an incoming message is parked as a dead letter (the person gets an apology; admins see it at /admin/dead-letters)'),
});

export type Config = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  /** PostgreSQL URL; null = the SQLite file above. */
  databaseUrl: string | null;
  secretFile: string;
  surveyFile: string;
  defaultPilot: string;
  localesDir: string;
  logLevel: z.output<typeof schema>['LOG_LEVEL'];
  tryitEnabled: boolean;
  telegram: Readonly<{
    token: string;
    apiRoot: string;
    sendsPerSecond: number;
    webhook: Readonly<{ url: string; path: string; secret: string }> | null;
  }> | null;
  whatsapp: Readonly<{
    session: string;
    pairingNumber: string | null;
    chatGapMs: number;
    perMinute: number;
    fetchVersion: boolean;
    logLevel: z.output<typeof schema>['WHATSAPP_LOG_LEVEL'];
  }> | null;
  /** WHATSAPP_MODE=cloud: the official Cloud API channel (then `whatsapp`, the Baileys one, is null). */
  whatsappCloud: Readonly<WhatsAppCloudConfig> | null;
  redis: Readonly<{ url: string; prefix: string }>;
  workers: Readonly<{ inProcess: boolean; concurrency: number; lockSeconds: number; sweepSeconds: number }>;
  media: Readonly<{ dir: string; maxBytes: number; maxSeconds: number; retentionDays: number }>;
  stt: Readonly<{ url: string; apiKey: string | null; model: string }> | null;
  mt: Readonly<{ url: string; apiKey: string | null; targets: readonly string[] }> | null;
  dashboard: Readonly<{ secureCookie: boolean; sessionHours: number; maxLoginFailures: number; redShare: number; greenShare: number; minRespondents: number }>;
  http: Readonly<{
    trustProxy: boolean | number | readonly string[];
    /** Origin of PUBLIC_URL (scheme://host[:port]), or null. */
    publicOrigin: string | null;
    rateLimits: Readonly<{ login: number; tryit: number }>;
    rateLimitStore: 'redis' | 'memory';
  }>;
  /** Only for the CLI (`stemmen user add`); null means ask on the terminal. */
  userPassword: string | null;
  reminders: Readonly<{ delaysMs: readonly number[]; quietStart: number; quietEnd: number; timeZone: string; expireAfterMs: number }>;
  reminderSweepMs: number;
  campaignPerMinute: number;
  /** Share (0–1] of each channel's sending budget that campaign messages may take. */
  campaignShare: number;
  /** Failed attempts before an inbound message is parked. */
  inboundMaxAttempts: number;
  /** Upper-case region code of numbers without a country code; bot/phone.ts checks it is known where numbers are read (its metadata is too big to load with every config). */
  phoneDefaultRegion: string;
}>;

/** The variables with their descriptions and defaults, for the README table and `stemmen config`. */
export const CONFIG_VARIABLES = Object.entries(schema.shape).map(([name, s]) => ({ name, description: s.description ?? '' }));

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses `env`; throws ConfigError listing every bad variable with its fix. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): Config {
  const picked = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    const shown = (name: string) => (/TOKEN|SECRET|KEY|PASSWORD|REDIS_URL|DATABASE_URL/.test(name) ? '(hidden)' : JSON.stringify(picked[name]));
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0])}=${shown(String(i.path[0]))}: ${i.message}`);
    throw new ConfigError(
      `bad configuration in the environment:\n${lines.join('\n')}\nFix or unset these variables (see the configuration table in README.md).`,
    );
  }
  const e = parsed.data;
  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError(
      'bad configuration in the environment:\n  TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: set it to 16–256 random letters and digits (e.g. `openssl rand -hex 32`), or unset TELEGRAM_WEBHOOK_URL to use long polling.',
    );
  }
  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_BOT_TOKEN) {
    throw new ConfigError(
      'bad configuration in the environment:\n  TELEGRAM_WEBHOOK_URL is set but TELEGRAM_BOT_TOKEN is not: set the token from @BotFather, or unset TELEGRAM_WEBHOOK_URL.',
    );
  }
  const cloud = e.WHATSAPP_MODE === 'cloud' ? cloudConfig(e, cwd) : null;
  if (cloud && !cloud.ok) {
    throw new ConfigError(
      `bad configuration in the environment:\n${cloud.problems.map((p) => `  ${p}`).join('\n')}\nOr set WHATSAPP_MODE=baileys (the default) to use a linked phone instead.`,
    );
  }
  const dataDir = resolve(cwd, e.DATA_DIR);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseFile: e.DATABASE_FILE === ':memory:' ? ':memory:' : resolve(cwd, e.DATABASE_FILE ?? `${dataDir}/stemmen.sqlite`),
    databaseUrl: e.DATABASE_URL ?? null,
    secretFile: resolve(cwd, e.PSEUDONYM_SECRET_FILE ?? `${dataDir}/pseudonym.key`),
    surveyFile: resolve(cwd, e.SURVEY_FILE),
    defaultPilot: e.DEFAULT_PILOT,
    // The installation's own texts by default, so commands work from a researcher's folder too.
    localesDir: e.LOCALES_DIR !== undefined ? resolve(cwd, e.LOCALES_DIR) : PROJECT_LOCALES,
    logLevel: e.LOG_LEVEL,
    tryitEnabled: e.TRYIT_ENABLED === '1',
    telegram: e.TELEGRAM_BOT_TOKEN
      ? Object.freeze({
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT,
          sendsPerSecond: e.TELEGRAM_SENDS_PER_SECOND,
          webhook: e.TELEGRAM_WEBHOOK_URL
            ? Object.freeze({ url: e.TELEGRAM_WEBHOOK_URL, path: new URL(e.TELEGRAM_WEBHOOK_URL).pathname, secret: e.TELEGRAM_WEBHOOK_SECRET! })
            : null,
        })
      : null,
    whatsappCloud: cloud?.ok ? cloud.config : null,
    whatsapp:
      e.WHATSAPP_ENABLED === '1' && e.WHATSAPP_MODE === 'baileys'
        ? Object.freeze({
            session: e.WHATSAPP_SESSION,
            pairingNumber: e.WHATSAPP_PAIRING_NUMBER ?? null,
            chatGapMs: e.WHATSAPP_CHAT_GAP_MS,
            perMinute: e.WHATSAPP_PER_MINUTE,
            fetchVersion: e.WHATSAPP_FETCH_VERSION === '1',
            logLevel: e.WHATSAPP_LOG_LEVEL,
          })
        : null,
    redis: Object.freeze({ url: e.REDIS_URL, prefix: e.QUEUE_PREFIX }),
    workers: Object.freeze({
      inProcess: e.WORKERS_IN_PROCESS === '1',
      concurrency: e.WORKER_CONCURRENCY,
      lockSeconds: e.QUEUE_LOCK_SECONDS,
      sweepSeconds: e.MEDIA_SWEEP_SECONDS,
    }),
    media: Object.freeze({
      dir: resolve(cwd, e.MEDIA_DIR ?? `${dataDir}/media`),
      maxBytes: Math.round(e.MEDIA_MAX_MB * 1024 * 1024),
      maxSeconds: e.MEDIA_MAX_SECONDS,
      retentionDays: e.MEDIA_RETENTION_DAYS,
    }),
    stt: e.STT_URL ? Object.freeze({ url: e.STT_URL, apiKey: e.STT_API_KEY ?? null, model: e.STT_MODEL }) : null,
    mt: e.MT_URL ? Object.freeze({ url: e.MT_URL, apiKey: e.MT_API_KEY ?? null, targets: Object.freeze(e.MT_TARGETS.split(',')) }) : null,
    dashboard: Object.freeze({
      secureCookie: e.DASHBOARD_COOKIE_SECURE === '1',
      sessionHours: e.DASHBOARD_SESSION_HOURS,
      maxLoginFailures: e.LOGIN_MAX_FAILURES,
      redShare: e.MAP_RED_SHARE / 100,
      greenShare: e.MAP_GREEN_SHARE / 100,
      minRespondents: e.MAP_MIN_RESPONDENTS,
    }),
    http: Object.freeze({
      trustProxy: trustProxyOf(e.TRUST_PROXY)!,
      publicOrigin: e.PUBLIC_URL ? new URL(e.PUBLIC_URL).origin : null,
      rateLimits: Object.freeze({ login: e.LOGIN_RATE_LIMIT, tryit: e.TRYIT_RATE_LIMIT }),
      rateLimitStore: e.RATE_LIMIT_STORE,
    }),
    userPassword: e.STEMMEN_PASSWORD ?? null,
    reminders: Object.freeze({
      delaysMs: Object.freeze(e.REMINDER_DELAYS === 'off' ? [] : e.REMINDER_DELAYS.split(',').map(durationMs)),
      quietStart: e.QUIET_HOURS === 'off' ? 0 : minutesOf(e.QUIET_HOURS.slice(0, 5)),
      quietEnd: e.QUIET_HOURS === 'off' ? 0 : minutesOf(e.QUIET_HOURS.slice(6)),
      timeZone: e.REMINDER_TIME_ZONE,
      expireAfterMs: durationMs(e.SESSION_EXPIRE_AFTER),
    }),
    reminderSweepMs: Math.round(e.REMINDER_SWEEP_SECONDS * 1000),
    campaignPerMinute: e.CAMPAIGN_PER_MINUTE,
    campaignShare: e.CAMPAIGN_SEND_SHARE / 100,
    inboundMaxAttempts: e.INBOUND_MAX_ATTEMPTS,
    phoneDefaultRegion: e.PHONE_DEFAULT_REGION.toUpperCase(),
  });
}
