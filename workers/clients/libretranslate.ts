/**
 * A small client for a LibreTranslate server (`POST ${url}/translate`).
 *
 * Used for machine drafts of locale texts and for translating transcripts. i18next
 * `{{placeholders}}` are swapped for opaque tokens before sending and put back after, so the
 * translation engine cannot translate, reorder the braces of or drop them unnoticed: a lost
 * placeholder is an error, never a silently broken text.
 * @module
 */

/** Translates texts; the port the rest of stemmen depends on. */
export interface Translator {
  translate(texts: readonly string[], from: string, to: string): Promise<string[]>;
}

export class TranslationError extends Error {
  override name = 'TranslationError';
}

export interface LibreTranslateOptions {
  url: string;
  apiKey?: string | null | undefined;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Texts per request; default 50. */
  batchSize?: number;
}

const PLACEHOLDER = /\{\{[^{}]*\}\}/g;
// Digits in square brackets survive translation engines better than anything word-like.
const TOKEN = /\[\s*(\d+)\s*\]/g;

interface Protected {
  text: string;
  placeholders: string[];
}

/** `Hi {{name}}` → `Hi [0]`, remembering the placeholders in order. */
export function protect(text: string): Protected {
  const placeholders: string[] = [];
  const escaped = text.replace(/\[(\s*\d+\s*)\]/g, '[\u2060$1]'); // a literal "[3]" in the source must not look like a token
  return { text: escaped.replace(PLACEHOLDER, (m) => `[${placeholders.push(m) - 1}]`), placeholders };
}

/** Puts the placeholders back; throws when one went missing or was duplicated. */
export function restore(translated: string, p: Protected): string {
  const seen = new Array<number>(p.placeholders.length).fill(0);
  const out = translated.replace(TOKEN, (m, d: string) => {
    const i = Number(d);
    if (i >= p.placeholders.length) return m;
    seen[i]! += 1;
    return p.placeholders[i]!;
  });
  const lost = p.placeholders.filter((_, i) => seen[i] !== 1);
  if (lost.length > 0) throw new TranslationError(`the translation lost or repeated ${lost.join(', ')}: "${translated}"`);
  return out.replace(/\[\u2060/g, '[');
}

export class LibreTranslateClient implements Translator {
  private readonly endpoint: string;
  constructor(private readonly opts: LibreTranslateOptions) {
    this.endpoint = `${opts.url.replace(/\/+$/, '')}/translate`;
  }

  async translate(texts: readonly string[], from: string, to: string): Promise<string[]> {
    const out: string[] = [];
    const size = this.opts.batchSize ?? 50;
    for (let i = 0; i < texts.length; i += size) out.push(...(await this.batch(texts.slice(i, i + size), from, to)));
    return out;
  }

  private async batch(texts: readonly string[], from: string, to: string): Promise<string[]> {
    if (texts.length === 0) return [];
    const prot = texts.map(protect);
    const body = { q: prot.map((p) => p.text), source: from, target: to, format: 'text', ...(this.opts.apiKey ? { api_key: this.opts.apiKey } : {}) };
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
    } catch (e) {
      const err = e as Error;
      const why =
        err.name === 'TimeoutError'
          ? `no answer within ${(this.opts.timeoutMs ?? 30_000) / 1000} s`
          : ((err.cause as Error | undefined)?.message ?? err.message);
      throw new TranslationError(`translation server ${this.endpoint} unreachable (${why}); check MT_URL and that the server runs`);
    }
    const raw = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = null;
    }
    if (!res.ok) {
      const detail = (json as { error?: unknown } | null)?.error;
      const hint =
        res.status === 403 ? '; check MT_API_KEY' : res.status === 429 ? '; the server is rate limiting, try again later or with a smaller batch' : '';
      throw new TranslationError(
        `translation server answered ${res.status} for ${from}→${to}: ${typeof detail === 'string' ? detail : raw.slice(0, 200)}${hint}`,
      );
    }
    const translated = (json as { translatedText?: unknown } | null)?.translatedText;
    const list = Array.isArray(translated) ? translated : [translated];
    if (list.length !== texts.length || !list.every((t): t is string => typeof t === 'string')) {
      throw new TranslationError(`translation server ${this.endpoint} sent an unexpected answer (expected ${texts.length} texts): ${raw.slice(0, 200)}`);
    }
    return list.map((t, i) => restore(t, prot[i]!));
  }
}
