/**
 * Configuration read once from the environment, validated, frozen, passed down.
 * Nothing else in the tree reads `process.env`.
 * @module
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  PORT: port.default(3000).describe('HTTP port of the try-it page (and later the dashboard and webhooks)'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Interface to listen on; 0.0.0.0 to reach it from other machines'),
  DATA_DIR: z.string().min(1).default('data').describe('Folder for the SQLite file, the pseudonym secret and media'),
  DATABASE_FILE: z.string().min(1).optional().describe('SQLite file; default $DATA_DIR/stemmen.sqlite'),
  PSEUDONYM_SECRET_FILE: z.string().min(1).optional().describe('Secret for pseudonymous ids; default $DATA_DIR/pseudonym.key (created on first start; back it up)'),
  SURVEY_FILE: z.string().min(1).default('surveys/definitions/default-pilot.yaml').describe('Survey of the default pilot'),
  DEFAULT_PILOT: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'use lower-case letters, digits and -').default('default').describe('Code of the pilot that /start without a code joins'),
  LOCALES_DIR: z.string().min(1).default('locales').describe('Folder with <lng>/<namespace>.json'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  TRYIT_ENABLED: z.enum(['0', '1']).default('1').describe('Serve the local try-it web chat at /try'),
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'looks like 123456789:AA… (from @BotFather)').optional().describe('Enables the Telegram channel'),
  TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/ }).refine((u) => !u.endsWith('/'), 'must not end with /').default('https://api.telegram.org').describe('Bot API server: the public one, a local telegram-bot-api, or a test fake'),
  TELEGRAM_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional().describe('Public URL Telegram posts updates to (webhook mode); unset = long polling'),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'use 16–256 letters, digits, _ or -').optional().describe('Secret Telegram sends with each webhook call; required with TELEGRAM_WEBHOOK_URL'),
  WHATSAPP_ENABLED: z.enum(['0', '1']).default('0').describe('Enables the WhatsApp channel (pair on first start)'),
  WHATSAPP_SESSION: z.string().regex(/^[a-z0-9-]{1,32}$/, 'use lower-case letters, digits and -').default('default').describe('Name of the stored WhatsApp login (one per phone number)'),
  WHATSAPP_PAIRING_NUMBER: z.string().regex(/^\d{8,15}$/, 'digits only, with country code, e.g. 31612345678').optional().describe('Pair by an 8-character code for this number instead of scanning a QR code'),
  WHATSAPP_CHAT_GAP_MS: z.coerce.number().int().min(0).default(1500).describe('Minimum gap between two messages to one chat'),
  WHATSAPP_PER_MINUTE: z.coerce.number().int().min(1).max(600).default(40).describe('Most messages per minute over all chats (bulk rates get unofficial clients banned)'),
  MT_URL: z.url({ protocol: /^https?$/ }).optional().describe('LibreTranslate server for machine drafts of translations, e.g. http://127.0.0.1:5000'),
  MT_API_KEY: z.string().min(1).optional().describe('API key for the LibreTranslate server, when it requires one'),
});

export type Config = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  secretFile: string;
  surveyFile: string;
  defaultPilot: string;
  localesDir: string;
  logLevel: z.output<typeof schema>['LOG_LEVEL'];
  tryitEnabled: boolean;
  telegram: Readonly<{ token: string; apiRoot: string; webhook: Readonly<{ url: string; path: string; secret: string }> | null }> | null;
  whatsapp: Readonly<{ session: string; pairingNumber: string | null; chatGapMs: number; perMinute: number }> | null;
  mt: Readonly<{ url: string; apiKey: string | null }> | null;
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
    const shown = (name: string) => (/TOKEN|SECRET|KEY/.test(name) ? '(hidden)' : JSON.stringify(picked[name]));
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0])}=${shown(String(i.path[0]))}: ${i.message}`);
    throw new ConfigError(`bad configuration in the environment:\n${lines.join('\n')}\nFix or unset these variables (see the configuration table in README.md).`);
  }
  const e = parsed.data;
  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError('bad configuration in the environment:\n  TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: set it to 16–256 random letters and digits (e.g. `openssl rand -hex 32`), or unset TELEGRAM_WEBHOOK_URL to use long polling.');
  }
  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_BOT_TOKEN) {
    throw new ConfigError('bad configuration in the environment:\n  TELEGRAM_WEBHOOK_URL is set but TELEGRAM_BOT_TOKEN is not: set the token from @BotFather, or unset TELEGRAM_WEBHOOK_URL.');
  }
  const dataDir = resolve(cwd, e.DATA_DIR);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseFile: e.DATABASE_FILE === ':memory:' ? ':memory:' : resolve(cwd, e.DATABASE_FILE ?? `${dataDir}/stemmen.sqlite`),
    secretFile: resolve(cwd, e.PSEUDONYM_SECRET_FILE ?? `${dataDir}/pseudonym.key`),
    surveyFile: resolve(cwd, e.SURVEY_FILE),
    defaultPilot: e.DEFAULT_PILOT,
    localesDir: resolve(cwd, e.LOCALES_DIR),
    logLevel: e.LOG_LEVEL,
    tryitEnabled: e.TRYIT_ENABLED === '1',
    telegram: e.TELEGRAM_BOT_TOKEN
      ? Object.freeze({
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT,
          webhook: e.TELEGRAM_WEBHOOK_URL
            ? Object.freeze({ url: e.TELEGRAM_WEBHOOK_URL, path: new URL(e.TELEGRAM_WEBHOOK_URL).pathname, secret: e.TELEGRAM_WEBHOOK_SECRET! })
            : null,
        })
      : null,
    whatsapp: e.WHATSAPP_ENABLED === '1'
      ? Object.freeze({ session: e.WHATSAPP_SESSION, pairingNumber: e.WHATSAPP_PAIRING_NUMBER ?? null, chatGapMs: e.WHATSAPP_CHAT_GAP_MS, perMinute: e.WHATSAPP_PER_MINUTE })
      : null,
    mt: e.MT_URL ? Object.freeze({ url: e.MT_URL, apiKey: e.MT_API_KEY ?? null }) : null,
  });
}
