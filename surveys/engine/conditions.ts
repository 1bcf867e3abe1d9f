/**
 * Display conditions (skip logic) evaluated against earlier answers.
 * @module
 */
import type { Condition } from '../spec/schema.ts';
import type { StoredValue } from './types.ts';

function leaf(c: Extract<Condition, { question: string }>, values: Readonly<Record<string, StoredValue>>): boolean {
  const has = Object.hasOwn(values, c.question);
  const v = has ? values[c.question] : undefined;
  const answered = v !== undefined && v !== null;
  if (c.answered !== undefined && c.answered !== answered) return false;
  // An unanswered (or skipped) question fails every value test; only `answered: false` matches it.
  if (!answered) return c.answered === false;
  const scalar = Array.isArray(v) ? null : v;
  if (c.equals !== undefined && String(scalar) !== String(c.equals)) return false;
  if (c.notEquals !== undefined && String(scalar) === String(c.notEquals)) return false;
  if (c.in !== undefined && !c.in.map(String).includes(String(scalar))) return false;
  if (c.includes !== undefined && !(Array.isArray(v) ? v.includes(c.includes) : scalar === c.includes)) return false;
  const n = typeof scalar === 'number' ? scalar : NaN;
  if (c.lt !== undefined && !(n < c.lt)) return false;
  if (c.lte !== undefined && !(n <= c.lte)) return false;
  if (c.gt !== undefined && !(n > c.gt)) return false;
  if (c.gte !== undefined && !(n >= c.gte)) return false;
  return true;
}

/** True when the question guarded by `c` should be asked. A skipped earlier question counts as unanswered. */
export function evaluate(c: Condition | null, values: Readonly<Record<string, StoredValue>>): boolean {
  if (c === null) return true;
  if ('all' in c) return c.all.every((x) => evaluate(x, values));
  if ('any' in c) return c.any.some((x) => evaluate(x, values));
  if ('not' in c) return !evaluate(c.not, values);
  return leaf(c, values);
}
