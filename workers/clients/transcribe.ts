/**
 * Speech-to-text through the OpenAI-compatible `POST /v1/audio/transcriptions` (multipart:
 * file, model, language, response_format), as served by OpenAI, whisper.cpp's server
 * (`--inference-path /v1/audio/transcriptions`) and speaches / faster-whisper-server.
 * @module
 */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';

export interface Transcript {
  text: string;
  /** ISO 639-1 code the server detected, or the hint we sent when it does not say. */
  language: string | null;
}

export interface SttSettings {
  url: string;
  apiKey: string | null;
  model: string;
  timeoutMs?: number;
}

/** A failure worth retrying later (network, 5xx, 429, timeout). */
export class SttUnavailableError extends Error {
  override name = 'SttUnavailableError';
}
/** The server refused this request for good (4xx): retrying the same file will not help. */
export class SttRejectedError extends Error {
  override name = 'SttRejectedError';
}

/**
 * Languages Whisper knows (ISO 639-1). Hints outside this set are not sent, because servers
 * answer 400 to an unknown language; the model then detects the language itself. Tigrinya
 * (ti) is not among them; Dari (prs) is sent as Persian (fa).
 */
const WHISPER = new Set(
  'af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha haw he hi hr ht hu hy id is it ja jw ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr ms mt my ne nl nn no oc pa pl ps pt ro ru sa sd si sk sl sn so sq sr su sv sw ta te tg th tk tl tr tt uk ur uz vi yi yo zh yue'.split(
    ' ',
  ),
);
const ALIASES: Record<string, string> = { prs: 'fa' };

/** Full names some servers return instead of codes (OpenAI's verbose_json says "arabic"). */
const NAMES: Record<string, string> = {
  english: 'en',
  dutch: 'nl',
  arabic: 'ar',
  persian: 'fa',
  ukrainian: 'uk',
  somali: 'so',
  turkish: 'tr',
  amharic: 'am',
  pashto: 'ps',
  russian: 'ru',
  french: 'fr',
  german: 'de',
  spanish: 'es',
  kurdish: 'ku',
  urdu: 'ur',
  tigrinya: 'ti',
};

export function whisperLanguage(lng: string | null | undefined): string | null {
  if (!lng) return null;
  const base = ALIASES[lng] ?? lng.split('-')[0]!.toLowerCase();
  return WHISPER.has(base) ? base : null;
}

export async function transcribe(settings: SttSettings, file: string, languageHint: string | null): Promise<Transcript> {
  const hint = whisperLanguage(languageHint);
  const form = new FormData();
  form.set('file', await openAsBlob(file, { type: 'audio/wav' }), basename(file));
  form.set('model', settings.model);
  form.set('response_format', 'verbose_json');
  if (hint) form.set('language', hint);
  let res: Response;
  try {
    res = await fetch(`${settings.url}/v1/audio/transcriptions`, {
      method: 'POST',
      body: form,
      redirect: 'error',
      headers: settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {},
      signal: AbortSignal.timeout(settings.timeoutMs ?? 600_000),
    });
  } catch (e) {
    throw new SttUnavailableError(`speech-to-text server unreachable: ${(e as Error).name === 'TimeoutError' ? 'timed out' : (e as Error).message}`);
  }
  const body = await res.text();
  if (res.status === 408 || res.status === 429 || res.status >= 500)
    throw new SttUnavailableError(`speech-to-text server answered HTTP ${res.status}: ${body.slice(0, 200)}`);
  if (!res.ok) throw new SttRejectedError(`speech-to-text server refused the file (HTTP ${res.status}): ${body.slice(0, 200)}`);
  let parsed: { text?: unknown; language?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    // Some servers ignore response_format and answer plain text.
    return { text: body.trim(), language: hint };
  }
  if (typeof parsed.text !== 'string') throw new SttRejectedError('speech-to-text server answered without a "text" field');
  const reported = typeof parsed.language === 'string' ? parsed.language.toLowerCase() : null;
  const language = reported ? (NAMES[reported] ?? (/^[a-z]{2,3}$/.test(reported) ? reported : hint)) : hint;
  return { text: parsed.text.trim(), language };
}
