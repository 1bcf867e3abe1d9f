/**
 * XLSForm column headers: `label::English (en)`, `label:english`, `hint::…`,
 * `media::audio::…` → what the column holds and in which language.
 * @module
 */

/** Language names that forms write without a code (`label:English`). */
const NAMES: Readonly<Record<string, string>> = {
  english: 'en',
  dutch: 'nl',
  nederlands: 'nl',
  arabic: 'ar',
  farsi: 'fa',
  persian: 'fa',
  dari: 'prs',
  pashto: 'ps',
  ukrainian: 'uk',
  russian: 'ru',
  tigrinya: 'ti',
  amharic: 'am',
  somali: 'so',
  turkish: 'tr',
  french: 'fr',
  german: 'de',
  spanish: 'es',
  portuguese: 'pt',
  kurdish: 'ku',
  sorani: 'ckb',
  urdu: 'ur',
};

export type LanguageTag = { ok: true; code: string } | { ok: false; message: string };

/** "English (en)" → en; "english" → en; "Klingon" → an error asking for the code. */
export function parseLanguage(tag: string): LanguageTag {
  const t = tag.trim();
  const coded = /\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\)\s*$/.exec(t);
  if (coded) return { ok: true, code: coded[1]!.toLowerCase().replace(/-([a-z0-9]+)$/, (_m, r: string) => `-${r.length === 2 ? r.toUpperCase() : r}`) };
  const byName = NAMES[t.toLowerCase()];
  if (byName) return { ok: true, code: byName };
  if (/^[a-z]{2,3}$/.test(t)) return { ok: true, code: t };
  return { ok: false, message: `language "${t}" has no code; write it as "${t} (xx)" with its ISO 639 code, e.g. "Tigrinya (ti)"` };
}

export type ColumnKind = 'label' | 'hint' | 'audio' | 'video';

export interface Column {
  header: string;
  kind: ColumnKind | null;
  /** Language of a translatable column: null = the form's default language. */
  tag: string | null;
  /** The header in lower case without language, e.g. `label`, `constraint_message`, `appearance`. */
  base: string;
}

export function parseColumn(header: string): Column {
  const h = header.trim();
  const m = /^(media::audio|media::video|media::image|audio|video|image|label|hint|guidance_hint|constraint_message|required_message)(?:::?(.+))?$/i.exec(h);
  if (!m) return { header: h, kind: null, tag: null, base: h.toLowerCase().replace(/\s+/g, '_') };
  const base = m[1]!.toLowerCase();
  const kind: ColumnKind | null =
    base === 'label' ? 'label' : base === 'hint' ? 'hint' : base.endsWith('audio') ? 'audio' : base.endsWith('video') ? 'video' : null;
  return { header: h, kind, tag: m[2]?.trim() ?? null, base };
}
