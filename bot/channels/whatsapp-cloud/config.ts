/**
 * The Cloud API channel's settings, checked once at start-up: which keys `WHATSAPP_MODE=cloud`
 * needs, and the approved templates per kind and language (`WHATSAPP_TEMPLATES`).
 * Problems come back as data (one line per key, with its fix); bot/config.ts turns them into
 * its ConfigError.
 * @module
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** What goes as an approved template outside the 24-hour customer-service window. */
export const TEMPLATE_KINDS = ['invitation', 'reminder', 'results'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** One approved template: its name at Meta, its language code there, whether `{{1}}` of its body takes our text. */
export interface TemplateRef {
  name: string;
  language: string;
  withText: boolean;
}
/** kind → bot language → template. */
export type Templates = Readonly<Partial<Record<TemplateKind, Readonly<Record<string, TemplateRef>>>>>;

export interface WhatsAppCloudConfig {
  token: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  /** Graph API root with its version, no trailing slash. */
  apiRoot: string;
  templates: Templates;
  /** Meta's throughput per business number (80/s by default, more on request); 0: no pacing. */
  sendsPerSecond: number;
}

export const DEFAULT_GRAPH_ROOT = 'https://graph.facebook.com/v21.0';

type Env = {
  WHATSAPP_CLOUD_TOKEN?: string | undefined;
  WHATSAPP_PHONE_NUMBER_ID?: string | undefined;
  WHATSAPP_APP_SECRET?: string | undefined;
  WHATSAPP_VERIFY_TOKEN?: string | undefined;
  WHATSAPP_API_ROOT: string;
  WHATSAPP_TEMPLATES?: string | undefined;
  WHATSAPP_CLOUD_PER_SECOND: number;
};

const REQUIRED: ReadonlyArray<[keyof Env, string]> = [
  ['WHATSAPP_CLOUD_TOKEN', 'the access token of a system user of your WhatsApp Business app (Meta Business settings → System users)'],
  ['WHATSAPP_PHONE_NUMBER_ID', 'the phone number ID (digits) from WhatsApp → API setup, not the phone number itself'],
  ['WHATSAPP_APP_SECRET', 'the app secret (App settings → Basic): webhook calls are checked against it'],
  ['WHATSAPP_VERIFY_TOKEN', 'any random string you also enter as "Verify token" in the webhook settings'],
];

export type CloudConfigResult = { ok: true; config: WhatsAppCloudConfig } | { ok: false; problems: string[] };

/** Reads the Cloud API keys; `cwd` resolves a templates file path. */
export function cloudConfig(e: Env, cwd: string): CloudConfigResult {
  const problems: string[] = [];
  for (const [key, fix] of REQUIRED) if (!e[key]) problems.push(`${key} is required with WHATSAPP_MODE=cloud: set it to ${fix}.`);
  if (e.WHATSAPP_PHONE_NUMBER_ID && !/^\d{5,20}$/.test(e.WHATSAPP_PHONE_NUMBER_ID))
    problems.push('WHATSAPP_PHONE_NUMBER_ID: digits only (the ID from WhatsApp → API setup, not the phone number with +).');
  const templates = e.WHATSAPP_TEMPLATES ? parseTemplates(e.WHATSAPP_TEMPLATES, cwd) : { ok: true as const, templates: {} };
  if (!templates.ok) problems.push(...templates.problems);
  if (problems.length || !templates.ok) return { ok: false, problems };
  return {
    ok: true,
    config: Object.freeze({
      token: e.WHATSAPP_CLOUD_TOKEN!,
      phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID!,
      appSecret: e.WHATSAPP_APP_SECRET!,
      verifyToken: e.WHATSAPP_VERIFY_TOKEN!,
      apiRoot: e.WHATSAPP_API_ROOT,
      templates: templates.templates,
      sendsPerSecond: e.WHATSAPP_CLOUD_PER_SECOND,
    }),
  };
}

const EXAMPLE = '{"reminder":{"en":{"name":"survey_reminder","language":"en"}}}';

/** `value` is the JSON itself or the path of a JSON file with it. */
export function parseTemplates(value: string, cwd: string): { ok: true; templates: Templates } | { ok: false; problems: string[] } {
  const inline = value.trimStart().startsWith('{');
  const where = inline ? 'WHATSAPP_TEMPLATES' : `WHATSAPP_TEMPLATES file ${resolve(cwd, value)}`;
  let raw: unknown;
  try {
    raw = JSON.parse(inline ? value : readFileSync(resolve(cwd, value), 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return { ok: false, problems: [`${where}: ${why}. Give JSON like ${EXAMPLE} or the path of a file holding it.`] };
  }
  const problems: string[] = [];
  const out: Partial<Record<TemplateKind, Record<string, TemplateRef>>> = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problems: [`${where}: must be a JSON object like ${EXAMPLE}.`] };
  for (const [kind, byLanguage] of Object.entries(raw)) {
    if (!(TEMPLATE_KINDS as readonly string[]).includes(kind)) {
      problems.push(`${where}: unknown template kind "${kind}"; use ${TEMPLATE_KINDS.join(', ')}.`);
      continue;
    }
    if (typeof byLanguage !== 'object' || byLanguage === null || Array.isArray(byLanguage)) {
      problems.push(`${where}: "${kind}" must map languages to {"name": …, "language": …}.`);
      continue;
    }
    const refs: Record<string, TemplateRef> = {};
    for (const [lng, t] of Object.entries(byLanguage as Record<string, unknown>)) {
      const o = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
      const name = o.name;
      const code = o.language;
      if (typeof name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(name)) {
        problems.push(`${where}: ${kind}.${lng}.name must be the template's name at Meta (lower-case letters, digits, _).`);
        continue;
      }
      if (typeof code !== 'string' || !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(code)) {
        problems.push(`${where}: ${kind}.${lng}.language must be the template's language code at Meta, e.g. "en" or "en_US".`);
        continue;
      }
      refs[lng] = Object.freeze({ name, language: code, withText: o.withText === true });
    }
    out[kind as TemplateKind] = Object.freeze(refs);
  }
  return problems.length ? { ok: false, problems } : { ok: true, templates: Object.freeze(out) };
}
