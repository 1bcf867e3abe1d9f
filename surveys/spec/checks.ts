/**
 * Semantic checks on a schema-valid spec: what zod cannot see because it needs the whole
 * survey (ids, references, order), the indicator catalogue or the world outside the file
 * (locale texts, prompt files — asked through {@link CheckEnv}, never read here).
 *
 * Every message says what is wrong and how to fix it.
 * @module
 */
import { checkButtonSizes } from './button-sizes.ts';
import { findIndicator, INDICATOR_IDS, INDICATORS } from '../indicators.ts';
import { error, warning, type RawIssue } from './issues.ts';
import { flatten, type FlatQuestion, type Has } from './flat.ts';
import { formatPath } from './positions.ts';
import type { Condition, QuestionSpec, SurveySpec } from './schema.ts';
import { closest, list, suggestOrList } from './suggest.ts';
import { checkTexts } from './texts.ts';

type Path = Array<string | number>;

export interface CheckEnv {
  hasText?: ((lng: string, ns: string, key: string) => boolean) | undefined;
  fileExists?: ((relativePath: string) => boolean) | undefined;
  maxMinutes?: number | undefined;
  /** How to name the folder of the survey's texts in messages; default `locales`. */
  textsDir?: string | undefined;
}

function choiceIds(q: QuestionSpec): string[] | null {
  if (q.type === 'single' || q.type === 'multi') return q.choices.map((c) => (typeof c === 'string' ? c : c.id));
  if (q.type === 'yesno') return ['yes', 'no'];
  return null;
}

function checkLanguages(spec: SurveySpec, out: RawIssue[]): void {
  spec.languages.forEach((l, i) => {
    const first = spec.languages.indexOf(l);
    if (first !== i) out.push(error(['languages', i], `"${l}" is listed twice (also languages[${first}]); remove one`));
  });
  if (!spec.languages.includes(spec.defaultLanguage)) {
    const langs = [...new Set(spec.languages)];
    const hint = closest(spec.defaultLanguage, langs);
    const fix = hint !== null ? `did you mean "${hint}"?` : `add it to languages or pick one of ${list(langs)}`;
    out.push(error(['defaultLanguage'], `"${spec.defaultLanguage}" is not one of the survey's languages; ${fix}`));
  }
}

function checkIds(flat: readonly FlatQuestion[], out: RawIssue[]): void {
  const seen = new Map<string, FlatQuestion>();
  for (const f of flat) {
    const prev = seen.get(f.q.id);
    if (prev)
      out.push(
        error(
          [...f.path, 'id'],
          `question id "${f.q.id}" is already used by ${formatPath(prev.path)}; ids must be unique (answers are stored by id) — rename one`,
        ),
      );
    else seen.set(f.q.id, f);
    const q = f.q;
    if (q.type !== 'single' && q.type !== 'multi') continue;
    const ids = choiceIds(q) ?? [];
    ids.forEach((c, k) => {
      const first = ids.indexOf(c);
      const p: Path = typeof q.choices[k] === 'string' ? [...f.path, 'choices', k] : [...f.path, 'choices', k, 'id'];
      if (first !== k) out.push(error(p, `choice "${c}" appears twice in this question (also choices[${first}]); remove or rename one`));
    });
  }
}

function ownerOf(outcome: string): string | undefined {
  return INDICATORS.find((i) => i.outcomes.includes(outcome))?.id;
}

/** A survey of background questions only imports and runs, but shows nothing on the map: say so. */
function checkMapsSomething(flat: readonly FlatQuestion[], out: RawIssue[]): void {
  if (flat.some((f) => f.role !== 'background' && f.indicator !== undefined)) return;
  const background = flat.filter((f) => f.role === 'background').map((f) => f.q.id);
  out.push({
    ...warning(
      ['questions'],
      `this survey maps no indicator: ${background.length > 0 ? `${background.length === 1 ? 'its one question is a background question' : `all ${background.length} questions are background questions`} (${list(background)})` : 'no question has an indicator'}, so its answers never reach the traffic-light map; give the questions about experience an "indicator:" and "outcome:" (in an XLSForm: indicator/outcome columns or --map mapping.csv)`,
    ),
    atKey: true,
  });
}

function checkIndicators(flat: readonly FlatQuestion[], out: RawIssue[]): void {
  for (const f of flat) {
    const { q, path } = f;
    if (f.role === 'background') {
      // Describes the respondent, so it must not be mistaken for an experience on an indicator.
      for (const field of ['indicator', 'outcome', 'traffic'] as const)
        if (field in q && q[field as keyof typeof q] !== undefined)
          out.push(
            error(
              [...path, field],
              `question "${q.id}" is a background question (role: background), which carries no ${field === 'traffic' ? 'traffic light' : field}; remove "${field}:" or drop "role: background"`,
            ),
          );
      continue;
    }
    if ('askEachWave' in q && q.askEachWave !== undefined)
      out.push(
        error(
          [...path, 'askEachWave'],
          `question "${q.id}" is not a background question; only background questions are skipped in later waves, so remove "askEachWave:" or add "role: background"`,
        ),
      );
    if (q.indicator !== undefined && !findIndicator(q.indicator)) {
      const hint = closest(q.indicator, INDICATOR_IDS);
      out.push(
        error(
          [...path, 'indicator'],
          `"${q.indicator}" is not an indicator; ${hint !== null ? `did you mean "${hint}"?` : `use one of: ${list(INDICATOR_IDS)}`}`,
        ),
      );
      continue;
    }
    if (f.indicator !== undefined && !findIndicator(f.indicator)) continue; // the parent's bad indicator is reported there
    if (f.indicator === undefined) {
      if (q.type === 'note') continue;
      const owner = f.outcome !== undefined ? ownerOf(f.outcome) : undefined;
      out.push(
        error(
          [...path, 'indicator'],
          owner !== undefined
            ? `question "${q.id}" has no indicator; add "indicator: ${owner}" (the indicator of outcome "${f.outcome}")`
            : `question "${q.id}" has no indicator; add "indicator:" with one of: ${list(INDICATOR_IDS)}`,
        ),
      );
      continue;
    }
    const ind = findIndicator(f.indicator)!;
    const outcomes = ind.outcomes;
    if (f.outcome === undefined) {
      if (q.type !== 'note')
        out.push(error([...path, 'outcome'], `question "${q.id}" has no outcome; add "outcome:" with one of ${ind.id}'s outcomes: ${list(outcomes)}`));
      continue;
    }
    if (outcomes.includes(f.outcome)) continue;
    const owner = ownerOf(f.outcome);
    const mine = `${ind.id}'s outcomes`;
    if (q.outcome === undefined) {
      // Inherited from the parent, whose own outcome is checked (and reported) there.
      if (owner === undefined) continue;
      out.push(
        error(
          [...path, 'outcome'],
          `inherits outcome "${f.outcome}" from its parent, which is an outcome of "${owner}", not of "${ind.id}"; add an own "outcome:" with one of ${mine}: ${list(outcomes)}`,
        ),
      );
    } else if (owner !== undefined) {
      out.push(
        error(
          [...path, 'outcome'],
          `"${f.outcome}" is an outcome of "${owner}", not of "${ind.id}"; use one of ${mine} (${list(outcomes)}) or change the indicator to "${owner}"`,
        ),
      );
    } else {
      const hint = closest(f.outcome, outcomes);
      out.push(
        error(
          [...path, 'outcome'],
          `"${f.outcome}" is not an outcome of "${ind.id}"; ${hint !== null ? `did you mean "${hint}"?` : `use one of: ${list(outcomes)}`}`,
        ),
      );
    }
  }
}

function checkCondition(
  c: Condition,
  path: Path,
  f: FlatQuestion,
  flat: readonly FlatQuestion[],
  byId: ReadonlyMap<string, FlatQuestion>,
  out: RawIssue[],
): void {
  if ('all' in c) return c.all.forEach((x, i) => checkCondition(x, [...path, 'all', i], f, flat, byId, out));
  if ('any' in c) return c.any.forEach((x, i) => checkCondition(x, [...path, 'any', i], f, flat, byId, out));
  if ('not' in c) return checkCondition(c.not, [...path, 'not'], f, flat, byId, out);
  const ref = byId.get(c.question);
  if (!ref) {
    const earlier = flat.slice(0, f.index).map((x) => x.q.id);
    const hint = closest(c.question, earlier) ?? closest(c.question, [...byId.keys()]);
    out.push(
      error(
        [...path, 'question'],
        `no question has id "${c.question}"${hint !== null ? `; did you mean "${hint}"?` : '; a condition must refer to an earlier question by its id'}`,
      ),
    );
    return;
  }
  if (ref === f) return void out.push(error([...path, 'question'], `a question cannot depend on its own answer; refer to an earlier question`));
  if (ref.index > f.index) {
    out.push(
      error(
        [...path, 'question'],
        `"${c.question}" comes later (${formatPath(ref.path)}); a condition can only use answers given before this question — move "${c.question}" up or change the condition`,
      ),
    );
    return;
  }
  const t = ref.q.type;
  if (t === 'note') return void out.push(error([...path, 'question'], `"${c.question}" is a note and has no answer; refer to a question`));
  const ids = choiceIds(ref.q);
  if (ids) {
    const checkValue = (v: string | number, p: Path): void => {
      if (!ids.includes(String(v))) out.push(error(p, `"${String(v)}" is not a choice of "${c.question}"${suggestOrList(String(v), ids, 'its choices are')}`));
    };
    if (c.equals !== undefined) checkValue(c.equals, [...path, 'equals']);
    if (c.notEquals !== undefined) checkValue(c.notEquals, [...path, 'notEquals']);
    if (c.includes !== undefined) checkValue(c.includes, [...path, 'includes']);
    c.in?.forEach((v, i) => checkValue(v, [...path, 'in', i]));
  }
  if (t !== 'scale' && t !== 'number') {
    for (const op of ['lt', 'lte', 'gt', 'gte'] as const) {
      if (c[op] === undefined) continue;
      const instead = ids ? 'use equals, notEquals or in with its choice ids' : 'use answered';
      out.push(error([...path, op], `"${op}" compares numbers, but "${c.question}" is a ${t} question; ${instead}`));
    }
  }
}

function checkConditions(flat: readonly FlatQuestion[], out: RawIssue[]): void {
  const byId = new Map<string, FlatQuestion>();
  for (const f of flat) if (!byId.has(f.q.id)) byId.set(f.q.id, f);
  for (const f of flat) if (f.q.when) checkCondition(f.q.when, [...f.path, 'when'], f, flat, byId, out);
}

const COLOURS = ['red', 'orange', 'green'] as const;

function checkNumericTraffic(f: FlatQuestion, lo: number, hi: number, unit: string, out: RawIssue[]): void {
  const q = f.q;
  if ((q.type !== 'scale' && q.type !== 'number') || q.traffic === undefined || q.traffic === 'default') return;
  const t = q.traffic;
  const seen: Array<{ colour: string; k: number; r: [number, number] }> = [];
  for (const colour of COLOURS) {
    (t[colour] ?? []).forEach((r, k) => {
      const p: Path = [...f.path, 'traffic', colour, k];
      const [a, b] = r;
      if (a > b) return void out.push(error(p, `range [${a}, ${b}] runs backwards; write it as [${b}, ${a}]`));
      if (a < lo || b > hi) {
        const [bounds, keep] =
          Number.isFinite(lo) && Number.isFinite(hi)
            ? [`${lo}–${hi}`, `within ${lo}–${hi}`]
            : Number.isFinite(lo)
              ? [`min ${lo}`, `at ${lo} or more`]
              : [`max ${hi}`, `at ${hi} or less`];
        out.push(error(p, `range [${a}, ${b}] is outside ${unit} (${bounds}); keep both ends ${keep}`));
      }
      for (const o of seen) {
        if (o.colour === colour || a > o.r[1] || o.r[0] > b) continue;
        const from = Math.max(a, o.r[0]);
        const to = Math.min(b, o.r[1]);
        const both = from === to ? `an answer of ${from}` : `answers ${from}–${to}`;
        out.push(
          error(
            p,
            `range [${a}, ${b}] overlaps ${o.colour} [${o.r[0]}, ${o.r[1]}]: ${both} would be both ${o.colour} and ${colour}; make the ranges not overlap`,
          ),
        );
      }
      seen.push({ colour, k, r });
    });
  }
}

function checkChoiceTraffic(f: FlatQuestion, out: RawIssue[]): void {
  const q = f.q;
  if (q.type !== 'single' && q.type !== 'multi' && q.type !== 'yesno') return;
  if (!q.traffic) return;
  const ids = choiceIds(q) ?? [];
  const colourOf = new Map<string, string>();
  for (const colour of COLOURS) {
    (q.traffic[colour] ?? []).forEach((id, k) => {
      const p: Path = [...f.path, 'traffic', colour, k];
      if (!ids.includes(id)) return void out.push(error(p, `"${id}" is not a choice of this question${suggestOrList(id, ids, 'its choices are')}`));
      const prev = colourOf.get(id);
      if (prev !== undefined && prev !== colour) out.push(error(p, `"${id}" is both ${prev} and ${colour}; give each choice one colour`));
      colourOf.set(id, colour);
    });
  }
}

/** Compares date prefixes as the engine does: "2020" and "2020-05" are equal. */
function compareDatePrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) < b.slice(0, n) ? -1 : a.slice(0, n) > b.slice(0, n) ? 1 : 0;
}

function checkRanges(flat: readonly FlatQuestion[], has: Has, out: RawIssue[]): void {
  for (const f of flat) {
    const q = f.q;
    const dflt = (k: string) => (has([...f.path, k]) ? '' : ', the default');
    const at = (k: string, other: string): Path => [...f.path, has([...f.path, k]) ? k : other];
    if (q.type === 'scale') {
      if (q.min >= q.max)
        out.push(error(at('min', 'max'), `min (${q.min}${dflt('min')}) must be less than max (${q.max}${dflt('max')}); swap them or fix one`));
      else if (q.max - q.min + 1 > 21)
        out.push(
          error(at('max', 'min'), `the scale ${q.min}–${q.max} has ${q.max - q.min + 1} points; at most 21 fit as buttons — use a smaller range such as 0–10`),
        );
      else checkNumericTraffic(f, q.min, q.max, 'the scale', out);
    } else if (q.type === 'number') {
      if (q.min !== undefined && q.max !== undefined && q.min > q.max)
        out.push(error([...f.path, 'min'], `min (${q.min}) must not be greater than max (${q.max}); swap them`));
      else checkNumericTraffic(f, q.min ?? -Infinity, q.max ?? Infinity, 'the allowed answers', out);
    } else if (q.type === 'multi') {
      const n = q.choices.length;
      const min = q.minSelected ?? 1;
      if (q.minSelected !== undefined && q.minSelected > n)
        out.push(error([...f.path, 'minSelected'], `minSelected (${q.minSelected}) is more than the ${n} choices; lower it to at most ${n}`));
      if (q.maxSelected !== undefined && q.maxSelected < min)
        out.push(error([...f.path, 'maxSelected'], `maxSelected (${q.maxSelected}) is less than minSelected (${min}); raise maxSelected or lower minSelected`));
      else if (q.maxSelected !== undefined && q.maxSelected > n)
        out.push(error([...f.path, 'maxSelected'], `maxSelected (${q.maxSelected}) is more than the ${n} choices; lower it to at most ${n} or leave it out`));
    } else if (q.type === 'date') {
      if (q.min !== undefined && q.max !== undefined && compareDatePrefix(q.min, q.max) > 0)
        out.push(error([...f.path, 'min'], `min (${q.min}) is after max (${q.max}); swap them`));
    }
    checkChoiceTraffic(f, out);
  }
}

function checkPrompts(spec: SurveySpec, flat: readonly FlatQuestion[], env: CheckEnv, out: RawIssue[]): void {
  const dir = spec.mediaDir?.replace(/\/+$/, '');
  // Question prompts and the survey's own spoken texts (`prompts:`) are checked alike.
  const owners: Array<{ path: Path; q: { audio?: Record<string, string> | undefined; video?: Record<string, string> | undefined } }> = [
    ...flat,
    ...Object.entries(spec.prompts ?? {}).map(([key, p]) => ({ path: ['prompts', key] as Path, q: p ?? {} })),
  ];
  for (const f of owners) {
    for (const form of ['audio', 'video'] as const) {
      for (const [lng, file] of Object.entries(f.q[form] ?? {})) {
        const p: Path = [...f.path, form, lng];
        if (!spec.languages.includes(lng)) {
          out.push(error(p, `"${lng}" is not one of the survey's languages (${list(spec.languages)}); remove this line or add "${lng}" to languages`, true));
          continue;
        }
        const rel = dir ? `${dir}/${file}` : file;
        if (env.fileExists && !env.fileExists(rel)) {
          out.push(
            error(
              p,
              `${form} file "${rel}" does not exist (paths are relative to the survey file${dir ? ' and mediaDir' : ''}); add the file or remove this line`,
            ),
          );
        }
      }
    }
  }
}

/** Estimated minutes to complete: every non-note question, parents' follow-ups included. */
export function estimateMinutes(spec: SurveySpec, flat: readonly FlatQuestion[]): { minutes: number; count: number } {
  const count = flat.filter((f) => f.q.type !== 'note').length;
  return { minutes: Math.round((count * spec.secondsPerQuestion) / 6) / 10, count };
}

/** All semantic checks; `has` tells whether the file itself wrote a path (vs. a default). */
export function checkSpec(spec: SurveySpec, has: Has, env: CheckEnv): { issues: RawIssue[]; estimatedMinutes: number } {
  const out: RawIssue[] = [];
  const flat = flatten(spec);
  checkLanguages(spec, out);
  checkIds(flat, out);
  checkButtonSizes(flat, out);
  checkIndicators(flat, out);
  checkConditions(flat, out);
  checkRanges(flat, has, out);
  checkPrompts(spec, flat, env, out);
  if (env.hasText) out.push(...checkTexts(spec, flat, has, env.hasText, env.textsDir ?? 'locales'));
  checkMapsSomething(flat, out);
  const { minutes, count } = estimateMinutes(spec, flat);
  const max = env.maxMinutes ?? 10;
  if (minutes > max) {
    const drop = Math.max(1, count - Math.floor((max * 60) / spec.secondsPerQuestion));
    out.push({
      ...warning(
        ['questions'],
        `estimated completion time is ${minutes} minutes (${count} questions × ${spec.secondsPerQuestion} s), above the ${max}-minute limit; drop about ${drop} question${drop === 1 ? '' : 's'} to stay within it`,
      ),
      atKey: true,
    });
  }
  return { issues: out, estimatedMinutes: minutes };
}
