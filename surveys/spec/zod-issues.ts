/**
 * Zod's issues rewritten for people who write surveys, not TypeScript.
 *
 * Zod says "Invalid input: expected number, received string"; a researcher needs "expected a
 * number, got the text "1"; write it without quotes". Unknown keys get a "did you mean"
 * against the keys the schema allows at that place (read from the schema itself, so the
 * suggestions follow the schema), and a union that fails is reported by its most plausible
 * branch instead of "Invalid input".
 * @module
 */
import type { z } from 'zod';
import { V1_TYPE_NAMES } from './migrations.ts';
import { error, type RawIssue } from './issues.ts';
import type { SpecPath } from './positions.ts';
import { surveySchema } from './schema.ts';
import { closest, list, suggestOrList } from './suggest.ts';

type ZodIssue = z.core.$ZodIssue;
type Path = Array<string | number>;

// --- schema introspection (zod 4 `_zod.def`) -------------------------------------------------

interface Def {
  type: string;
  shape?: Record<string, Schema>;
  element?: Schema;
  getter?: () => Schema;
  innerType?: Schema;
  in?: Schema;
  options?: Schema[];
  discriminator?: string;
  valueType?: Schema;
  items?: Schema[];
  values?: unknown[];
}
interface Schema {
  _zod: { def: Def };
}

const WRAPPERS = new Set(['lazy', 'optional', 'default', 'prefault', 'nullable', 'nonoptional', 'readonly', 'catch', 'pipe']);

function unwrap(s: Schema): Schema {
  let cur = s;
  for (let guard = 0; guard < 50 && WRAPPERS.has(cur._zod.def.type); guard += 1) {
    const d = cur._zod.def;
    const next = d.type === 'lazy' ? d.getter?.() : d.type === 'pipe' ? d.in : d.innerType;
    if (!next) break;
    cur = next;
  }
  return cur;
}

function child(raw: unknown, seg: string | number): unknown {
  if (typeof raw !== 'object' || raw === null) return undefined;
  return (raw as Record<string | number, unknown>)[seg];
}

function literalOf(s: Schema | undefined): unknown {
  if (!s) return undefined;
  const d = unwrap(s)._zod.def;
  return d.type === 'literal' ? d.values?.[0] : undefined;
}

/** The object schemas that could describe the value at `path` (several for a plain union). */
function objectsAt(s: Schema, path: SpecPath, raw: unknown): Schema[] {
  const u = unwrap(s);
  const d = u._zod.def;
  if (d.type === 'union') {
    let options = d.options ?? [];
    if (d.discriminator) {
      const tag = child(raw, d.discriminator);
      const matching = options.filter((o) => literalOf(unwrap(o)._zod.def.shape?.[d.discriminator!]) === tag);
      if (matching.length > 0) options = matching;
    }
    return options.flatMap((o) => objectsAt(o, path, raw));
  }
  if (path.length === 0) return d.type === 'object' ? [u] : [];
  const [seg, ...rest] = path as [string | number, ...Array<string | number>];
  const next = child(raw, seg);
  if (d.type === 'object') {
    const sub = d.shape?.[String(seg)];
    return sub ? objectsAt(sub, rest, next) : [];
  }
  if (d.type === 'array' && d.element) return objectsAt(d.element, rest, next);
  if (d.type === 'record' && d.valueType) return objectsAt(d.valueType, rest, next);
  if (d.type === 'tuple' && typeof seg === 'number' && d.items?.[seg]) return objectsAt(d.items[seg], rest, next);
  return [];
}

/** Keys the schema allows in the mapping at `path`. */
export function allowedKeysAt(path: SpecPath, value: unknown): string[] {
  const keys = new Set<string>();
  for (const o of objectsAt(surveySchema as unknown as Schema, path, value)) for (const k of Object.keys(o._zod.def.shape ?? {})) keys.add(k);
  return [...keys];
}

// --- wording ---------------------------------------------------------------------------------

function valueAt(value: unknown, path: SpecPath): unknown {
  let cur = value;
  for (const seg of path) cur = child(cur, seg);
  return cur;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
};
const expected = (e: string): string => EXPECTED[e] ?? e;

const CONDITION_HINT = 'a condition looks like { question: work_fair, lte: 6 }, or { all: [...] }, { any: [...] }, { not: {...} }';

function isConditionPath(path: SpecPath): boolean {
  const last = path[path.length - 1];
  const before = path[path.length - 2];
  return last === 'when' || last === 'not' || ((before === 'all' || before === 'any') && typeof last === 'number');
}

/** `…traffic.red[0]`: a numeric traffic range. */
function isRangePath(path: SpecPath): boolean {
  return path.length >= 3 && path[path.length - 3] === 'traffic' && typeof path[path.length - 1] === 'number';
}

function invalidType(e: string, path: SpecPath, value: unknown): string {
  const v = valueAt(value, path);
  const key = path[path.length - 1];
  if (v === undefined && typeof key === 'string') return `is required but missing; add "${key}:" with ${expected(e)}`;
  let fix = '';
  if ((e === 'number' || e === 'int') && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) fix = '; write it without quotes';
  if (e === 'boolean' && typeof v === 'string' && /^(true|false)$/i.test(v)) fix = '; write true or false without quotes';
  if (e === 'string' && (typeof v === 'number' || typeof v === 'boolean')) fix = `; put it in quotes: "${String(v)}"`;
  if (e === 'object' && isConditionPath(path)) fix = `; ${CONDITION_HINT}`;
  return `expected ${expected(e)}, got ${describe(v)}${fix}`;
}

function sizeWord(origin: string, n: number): string {
  if (origin === 'array' || origin === 'set') return `${n} item${n === 1 ? '' : 's'}`;
  if (origin === 'string') return `${n} character${n === 1 ? '' : 's'}`;
  return String(n);
}

function badType(v: unknown, options: readonly string[]): string {
  if (v === undefined) return `the question has no type; add "type:" with one of: ${list(options)}`;
  if (typeof v !== 'string') return `expected a question type (one of: ${list(options)}), got ${describe(v)}`;
  const v2 = V1_TYPE_NAMES[v];
  if (v2 !== undefined && Object.hasOwn(V1_TYPE_NAMES, v)) {
    return `"${v}" is the specVersion 1 name of "${v2}"; write "type: ${v2}" (or keep the old names with specVersion: 1)`;
  }
  return `"${v}" is not a question type${suggestOrList(v, options, 'the types are')}`;
}

/** How badly a union branch failed: issues at the branch's own root mean "wrong shape". */
function mismatch(branch: readonly ZodIssue[], at: Path, value: unknown): number {
  let n = 0;
  for (const i of branch) {
    if (i.path.length === 0) n += 1;
    else if (i.code === 'invalid_type' && valueAt(value, [...at, ...(i.path as Path)]) === undefined) n += 1;
  }
  return n;
}

function union(issue: Extract<ZodIssue, { code: 'invalid_union' }>, at: Path, value: unknown): RawIssue[] {
  if (issue.discriminator !== undefined) {
    const options = (('options' in issue ? issue.options : undefined) ?? []).map(String);
    return [error(at, badType(valueAt(value, at), options))];
  }
  const branches = issue.errors;
  const scored = branches.map((b) => ({ b, score: mismatch(b, at, value) })).filter((x) => x.b.length > 0);
  const plausible = scored.filter((x) => x.score === 0).sort((a, b) => a.b.length - b.b.length)[0];
  if (plausible) return plausible.b.flatMap((i) => mapIssue(i, at, value));
  // No branch fits the shape: list what would have.
  const wants = new Set<string>();
  for (const b of branches) {
    const root = b.find((i) => i.path.length === 0);
    if (root?.code === 'invalid_type') wants.add(expected(root.expected));
    else if (root?.code === 'invalid_value') root.values.forEach((v) => wants.add(JSON.stringify(v)));
  }
  const got = describe(valueAt(value, at));
  const hint = isConditionPath(at) ? `; ${CONDITION_HINT}` : '';
  return [error(at, wants.size > 0 ? `expected ${[...wants].join(' or ')}, got ${got}${hint}` : `${got} is not allowed here${hint}`)];
}

function mapIssue(issue: ZodIssue, prefix: Path, value: unknown): RawIssue[] {
  const at: Path = [...prefix, ...(issue.path as Path)];
  switch (issue.code) {
    case 'invalid_type':
      return [error(at, invalidType(issue.expected, at, value))];
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(at, value);
      return issue.keys.map((k) => {
        const hint = closest(k, allowed);
        const fix = hint !== null ? `did you mean "${hint}"?` : allowed.length > 0 ? `allowed here: ${list(allowed)}` : 'remove it';
        return error([...at, k], `unknown key "${k}"; ${fix}`, true);
      });
    }
    case 'invalid_union':
      return union(issue, at, value);
    case 'invalid_value': {
      const v = valueAt(value, at);
      const options = issue.values.map((x) => JSON.stringify(x));
      if (options.length === 1) return [error(at, `must be ${options[0]}, got ${describe(v)}`)];
      const allowed = issue.values.map(String);
      return [error(at, `${describe(v)} is not allowed${typeof v === 'string' ? suggestOrList(v, allowed, 'use one of') : `; use one of: ${list(allowed)}`}`)];
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      const v = valueAt(value, at);
      if (at.length === 1 && at[0] === 'questions') return [error(at, 'the survey has no questions; add at least one under "questions:"')];
      if (issue.origin === 'string' && min === 1) return [error(at, 'must not be empty')];
      if (isRangePath(at)) return [error(at, `a range is two numbers [from, to], got ${Array.isArray(v) ? v.length : 0}`)];
      if (issue.origin === 'array' || issue.origin === 'string') {
        const n = Array.isArray(v) || typeof v === 'string' ? v.length : 0;
        return [error(at, `needs at least ${sizeWord(issue.origin, min)}, got ${n}`)];
      }
      return [error(at, `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${min}, got ${describe(v)}`)];
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      const v = valueAt(value, at);
      if (isRangePath(at)) return [error(at, `a range is two numbers [from, to], got ${Array.isArray(v) ? v.length : 0}`)];
      if (issue.origin === 'array' || issue.origin === 'string') {
        const n = Array.isArray(v) || typeof v === 'string' ? v.length : 0;
        return [error(at, `may have at most ${sizeWord(issue.origin, max)}, got ${n}`)];
      }
      return [error(at, `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${max}, got ${describe(v)}`)];
    }
    case 'invalid_format': {
      const v = valueAt(value, at);
      const rule = issue.message.startsWith('Invalid') ? `has the wrong format (${issue.format})` : issue.message;
      return [error(at, typeof v === 'string' ? `${JSON.stringify(v)} ${rule}` : rule)];
    }
    case 'invalid_key': {
      const key = at[at.length - 1];
      const inner = issue.issues.map((i) => (i.message.startsWith('Invalid') ? 'is not allowed here' : i.message)).join('; ');
      return [error(at, `key ${JSON.stringify(String(key))} ${inner}`, true)];
    }
    default:
      return [error(at, issue.message)];
  }
}

/** Readable issues for a failed `surveySchema.safeParse(value)`, deduplicated. */
export function zodIssues(issues: readonly ZodIssue[], value: unknown): RawIssue[] {
  const seen = new Set<string>();
  const out: RawIssue[] = [];
  for (const i of issues.flatMap((x) => mapIssue(x, [], value))) {
    const k = `${i.path.join('\u0000')}\u0001${i.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(i);
  }
  return out;
}
