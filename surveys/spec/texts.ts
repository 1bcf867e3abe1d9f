/**
 * Every text key a survey uses, and the check that each exists in each survey language.
 *
 * Keys resolve exactly as `compileSurvey` resolves them (`q.<id>.text`, `q.<id>.min`,
 * `q.<id>.choices.<choice>`, or the key the spec names). Keys with an explicit namespace
 * prefix (`bot:common.yes` for yes/no buttons) belong to another namespace and are checked
 * with that namespace's locales, not here.
 * @module
 */
import type { FlatQuestion, Has } from './flat.ts';
import { error, type RawIssue } from './issues.ts';
import type { SurveySpec } from './schema.ts';

type Path = Array<string | number>;

export interface TextUse {
  key: string;
  /** Where to report it: the key's own entry when the file names it, else the question. */
  path: Path;
}

const OTHER_NAMESPACE = /^[a-z][a-z0-9_-]*:/;

/** Text keys in the survey's own namespace, in file order, each once. */
export function textKeys(spec: SurveySpec, flat: readonly FlatQuestion[], has: Has): TextUse[] {
  const uses: TextUse[] = [];
  const use = (key: string | undefined, path: Path) => {
    if (key !== undefined) uses.push({ key, path });
  };
  const named = (path: Path, field: string): Path => (has([...path, field]) ? [...path, field] : path);

  use('intro', []);
  use(spec.consent.text, named(['consent'], 'text'));
  for (const { q, path } of flat) {
    const k = (suffix: string) => `q.${q.id}.${suffix}`;
    use(q.text ?? k('text'), named(path, 'text'));
    use(q.hint, [...path, 'hint']);
    if (q.type === 'scale') {
      use(q.minLabel ?? k('min'), named(path, 'minLabel'));
      use(q.maxLabel ?? k('max'), named(path, 'maxLabel'));
    }
    if (q.type === 'single' || q.type === 'multi') {
      q.choices.forEach((c, i) => {
        const p: Path = [...path, 'choices', i];
        if (typeof c === 'string') use(k(`choices.${c}`), p);
        else use(c.text ?? k(`choices.${c.id}`), c.text !== undefined ? [...p, 'text'] : p);
      });
    }
    // yesno buttons use bot:common.yes / bot:common.no: another namespace.
  }
  use(spec.completion, has(['completion']) ? ['completion'] : []);

  const seen = new Set<string>();
  return uses.filter((u) => {
    if (OTHER_NAMESPACE.test(u.key) || seen.has(u.key)) return false;
    seen.add(u.key);
    return true;
  });
}

/**
 * One issue per (language, missing key); a language that has none of the keys at all
 * (no locale file yet) gets a single issue instead of one per key.
 */
export function checkTexts(
  spec: SurveySpec,
  flat: readonly FlatQuestion[],
  has: Has,
  hasText: (lng: string, ns: string, key: string) => boolean,
  dir = 'locales',
): RawIssue[] {
  const ns = spec.namespace ?? `survey-${spec.id}`;
  const keys = textKeys(spec, flat, has);
  const out: RawIssue[] = [];
  const missingBy = new Map<string, Set<string>>();
  spec.languages.forEach((lng) => {
    missingBy.set(lng, new Set(keys.filter((u) => !hasText(lng, ns, u.key)).map((u) => u.key)));
  });
  spec.languages.forEach((lng, i) => {
    const missing = missingBy.get(lng)!;
    if (keys.length > 1 && missing.size === keys.length && spec.languages.indexOf(lng) === i) {
      out.push(
        error(
          ['languages', i],
          `no texts for "${lng}": none of the ${keys.length} keys this survey uses is in ${dir}/${lng}/${ns}.json; add the translations or remove "${lng}" from languages`,
        ),
      );
      missing.clear();
    }
  });
  for (const u of keys) {
    for (const lng of new Set(spec.languages)) {
      if (!missingBy.get(lng)!.has(u.key)) continue;
      out.push(error(u.path, `text "${u.key}" is missing in ${dir}/${lng}/${ns}.json; add it or remove "${lng}" from languages`));
    }
  }
  return out;
}
