/**
 * The fake Bot API's bot profile: descriptions and short descriptions per language_code
 * ('' = the default), answered and stored as Telegram does, with its length limits.
 */
export type ProfileError = { error_code: number; description: string };

const FIELDS = {
  setMyDescription: { field: 'description', max: 512 },
  setMyShortDescription: { field: 'short_description', max: 120 },
  getMyDescription: { field: 'description', max: 0 },
  getMyShortDescription: { field: 'short_description', max: 0 },
} as const;

export const PROFILE_METHODS = Object.keys(FIELDS);

export class FakeBotProfile {
  /** field → language_code ('' = default) → text. */
  private readonly texts = new Map<string, Map<string, string>>();

  /** The stored text of `field` for a language ('' = default), or '' when unset (as Telegram answers). */
  get(field: 'description' | 'short_description', lang = ''): string {
    return this.texts.get(field)?.get(lang) ?? '';
  }

  /** Answers one profile call; throws a ProfileError for what Telegram refuses. */
  run(method: string, p: Record<string, unknown>): unknown {
    const spec = FIELDS[method as keyof typeof FIELDS];
    const lang = typeof p.language_code === 'string' ? p.language_code : '';
    if (lang !== '' && !/^[a-z]{2}$/.test(lang)) throw { error_code: 400, description: 'Bad Request: invalid language code specified' } satisfies ProfileError;
    if (method.startsWith('get')) return { [spec.field]: this.get(spec.field, lang) };
    const text = p[spec.field] === undefined ? '' : String(p[spec.field]);
    if (text.length > spec.max) throw { error_code: 400, description: `Bad Request: ${spec.field} is too long` } satisfies ProfileError;
    const byLang = this.texts.get(spec.field) ?? new Map<string, string>();
    byLang.set(lang, text);
    this.texts.set(spec.field, byLang);
    return true;
  }
}
