/**
 * The try-it page's chrome in every respondent language, through i18next (namespace `tryit`),
 * and the language a request's page opens in.
 * @module
 */
import type { i18n as I18n } from 'i18next';
import { RTL } from '../../../surveys/languages.ts';
import type { TryitLabels } from './page.ts';

export const TRYIT_KEYS = [
  'title',
  'commands',
  'cmd_help',
  'cmd_language',
  'cmd_back',
  'cmd_skip',
  'cmd_stop',
  'cmd_delete',
  'new_respondent',
  'new_respondent_title',
  'conversation',
  'record',
  'stop_recording',
  'recording',
  'upload_video',
  'placeholder',
  'message',
  'send',
  'retry',
  'sending',
  'voice_sent',
  'video_sent',
  'prompt_audio',
  'prompt_video',
  'failed',
  'busy',
  'mic_denied',
  'mic_missing',
  'empty',
  'too_large',
  'not_media',
  'not_video',
] as const;

export interface TryitLimits {
  maxBytes: number;
  maxSeconds: number;
}

/** Every language with a `tryit` namespace, its direction and its labels (limits filled in). */
export function tryitLabels(i18n: I18n, limits: TryitLimits): Record<string, TryitLabels> {
  const values = { mb: Math.floor(limits.maxBytes / (1024 * 1024)), seconds: limits.maxSeconds };
  const out: Record<string, TryitLabels> = {};
  for (const lng of Object.keys(i18n.store.data).sort()) {
    if (!i18n.hasResourceBundle(lng, 'tryit')) continue;
    const t = i18n.getFixedT(lng, 'tryit');
    out[lng] = { dir: RTL.has(lng) ? 'rtl' : 'ltr', t: Object.fromEntries(TRYIT_KEYS.map((k) => [k, t(k, values)])) };
  }
  return out;
}

/** `?lang=` when it is one of ours, else the browser's first language we have, else English. */
export function pageLanguage(query: unknown, acceptLanguage: string | undefined, have: readonly string[]): string {
  const asked = typeof query === 'string' ? query.toLowerCase() : '';
  if (have.includes(asked)) return asked;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const base = part.trim().split(/[-;_]/)[0]?.toLowerCase() ?? '';
    if (have.includes(base)) return base;
  }
  return have.includes('en') ? 'en' : (have[0] ?? 'en');
}
