/**
 * The bot's description (the text a newcomer reads in the empty chat before pressing Start)
 * and short description (its profile line and link previews), per survey language from the
 * i18next keys `bot:telegram.description` / `telegram.short_description`, plus the default
 * (no language_code) in the survey's base language.
 *
 * Idempotent: each text is read back first and set only when it differs, so a restart makes
 * no calls that change anything. Never fatal: an API error is a warning and startup goes on.
 * @module
 */
import type { Api } from 'grammy';
import type { LanguageCode } from 'grammy/types';
import type { i18n as I18n } from 'i18next';
import type { Logger } from 'pino';

/** A code Telegram accepts as `language_code` (ISO 639-1: two letters). */
export const isTelegramLanguage = (lng: string): boolean => /^[a-z]{2}$/.test(lng);

export interface DescriptionOutcome {
  set: number;
  unchanged: number;
  failed: number;
}

export async function registerDescriptions(
  api: Api,
  deps: { i18n: I18n; log: Logger; languages: readonly string[]; defaultLanguage: string },
): Promise<DescriptionOutcome> {
  const out: DescriptionOutcome = { set: 0, unchanged: 0, failed: 0 };
  // Telegram takes two-letter ISO 639-1 codes only; prs, ckb, kmr see the default description.
  for (const lng of ['', ...new Set(deps.languages.filter(isTelegramLanguage))]) {
    const other = lng ? { language_code: lng as LanguageCode } : {};
    const text = (key: string) => deps.i18n.t(`telegram.${key}`, { lng: lng || deps.defaultLanguage, ns: 'bot' });
    const steps = [
      {
        what: 'description',
        want: text('description'),
        get: async () => (await api.getMyDescription(other)).description,
        set: (t: string) => api.setMyDescription(t, other),
      },
      {
        what: 'short description',
        want: text('short_description'),
        get: async () => (await api.getMyShortDescription(other)).short_description,
        set: (t: string) => api.setMyShortDescription(t, other),
      },
    ];
    for (const step of steps) {
      try {
        if ((await step.get()) === step.want) {
          out.unchanged++;
          continue;
        }
        await step.set(step.want);
        out.set++;
      } catch (e) {
        out.failed++;
        deps.log.warn({ lng: lng || 'default', err: (e as Error).message }, `could not set the telegram bot ${step.what}`);
      }
    }
  }
  return out;
}
