/**
 * Single XLSForm cells → spec fields: the indicator/outcome mapping, `range` parameters and
 * `constraint` bounds (on numbers, and on how many choices a select_multiple takes). Each returns the field or the message the importer lists.
 * @module
 */
import { findIndicator, INDICATOR_IDS } from '../indicators.ts';
import type { Condition } from '../spec/schema.ts';
import { closest, list } from '../spec/suggest.ts';
import { SELF, SELF_COUNT } from './expressions.ts';

type Raw = Record<string, unknown>;
export interface FieldProblem {
  column: string;
  message: string;
}

/** The `indicator` and `outcome` cells (or the group's) → valid catalogue ids, or what is wrong. */
export function mapIndicator(name: string, indicator: string | undefined, outcome: string | undefined): { indicator: string; outcome: string } | FieldProblem {
  if (!indicator) return { column: 'indicator', message: `"${name}" has no indicator; add an "indicator" column with one of: ${list(INDICATOR_IDS)}` };
  const ind = findIndicator(indicator);
  if (!ind) {
    const hint = closest(indicator, INDICATOR_IDS);
    return {
      column: 'indicator',
      message: `"${indicator}" is not an indicator; ${hint !== null ? `did you mean "${hint}"?` : `use one of: ${list(INDICATOR_IDS)}`}`,
    };
  }
  if (!outcome || !ind.outcomes.includes(outcome)) {
    const hint = outcome ? closest(outcome, ind.outcomes) : null;
    return {
      column: 'outcome',
      message: `${outcome ? `"${outcome}" is not an outcome of ${ind.id}` : `"${name}" has no outcome`}; ${hint !== null ? `did you mean "${hint}"?` : `use one of: ${list(ind.outcomes)}`}`,
    };
  }
  return { indicator: ind.id, outcome };
}

/**
 * `range` with `start=0 end=10 step=1`: a scale when it fits as buttons (whole steps of 1,
 * at most 21 points), else a number question (with a note why).
 */
export function rangeSpec(parameters: string): { spec: Raw; note?: string } | FieldProblem {
  const params = Object.fromEntries(
    parameters
      .split(/[\s;,]+/)
      .filter(Boolean)
      .map((p) => p.split('=') as [string, string]),
  );
  const start = Number(params.start ?? 1),
    end = Number(params.end ?? 10),
    step = Number(params.step ?? 1);
  if (![start, end, step].every(Number.isFinite))
    return { column: 'parameters', message: `cannot read range parameters "${parameters}"; write them as start=0 end=10 step=1` };
  if (step === 1 && Number.isInteger(start) && Number.isInteger(end) && start < end && end - start <= 20) {
    return { spec: { type: 'scale', min: start, max: end, minLabel: 'scale.low', maxLabel: 'scale.high' } };
  }
  const [lo, hi] = [Math.min(start, end), Math.max(start, end)];
  return {
    spec: { type: 'number', min: lo, max: hi, integer: Number.isInteger(step) && Number.isInteger(start) },
    note: `range ${start}–${end} step ${step} does not fit as buttons; imported as a number question between ${lo} and ${hi}`,
  };
}

/** A constraint on `.` made only of lower/upper bounds → `{min, max}`; null when it says more than that. */
export function boundsOf(c: Condition, integer: boolean): { min?: number; max?: number } | null {
  const bounds: { min?: number; max?: number } = {};
  const leaves = 'all' in c ? c.all : [c];
  const ok = leaves.every((l) => {
    if (!('question' in l) || l.question !== SELF) return false;
    const keys = Object.keys(l).filter((k) => k !== 'question');
    const k = keys[0];
    const v = k !== undefined ? (l as Record<string, unknown>)[k] : undefined;
    if (keys.length !== 1 || typeof v !== 'number') return false;
    if (k === 'gte') bounds.min = v;
    else if (k === 'lte') bounds.max = v;
    else if (k === 'gt' && integer) bounds.min = Math.floor(v) + 1;
    else if (k === 'lt' && integer) bounds.max = Math.ceil(v) - 1;
    else return false;
    return true;
  });
  return ok ? bounds : null;
}

export type SelectionBounds = { minSelected?: number; maxSelected?: number } | { message: string; severity: 'error' | 'unsupported' };

/**
 * A select_multiple's constraint made only of `count-selected(.)` bounds (`>= 2 and <= 3`,
 * `= 2`, `< 4`) → minSelected/maxSelected; what it says beyond that is listed, and bounds no
 * answer can meet stop the import. A bound the question meets anyway (at least 1, at most
 * every choice) is left out.
 */
export function selectionBoundsOf(c: Condition, choices: number): SelectionBounds {
  let min = 1,
    max = choices;
  const leaves = 'all' in c ? c.all : [c];
  for (const l of leaves) {
    const keys = 'question' in l && l.question === SELF_COUNT ? Object.keys(l).filter((k) => k !== 'question') : [];
    const k = keys[0];
    const v = k !== undefined ? (l as Record<string, unknown>)[k] : undefined;
    if (keys.length !== 1 || typeof v !== 'number')
      return {
        message: 'is not imported (only bounds on count-selected(.), like "count-selected(.) <= 3", are); any number of choices is accepted',
        severity: 'unsupported',
      };
    if (k === 'gte') min = Math.max(min, Math.ceil(v));
    else if (k === 'gt') min = Math.max(min, Math.floor(v) + 1);
    else if (k === 'lte') max = Math.min(max, Math.floor(v));
    else if (k === 'lt') max = Math.min(max, Math.ceil(v) - 1);
    else if (k === 'equals' && Number.isInteger(v)) {
      min = Math.max(min, v);
      max = Math.min(max, v);
    } else
      return {
        message: `is not imported ("${k === 'notEquals' ? '!=' : '='}" on count-selected(.) is not a lower or upper bound); any number of choices is accepted`,
        severity: 'unsupported',
      };
  }
  if (max < min)
    return {
      message: `allows no answer: ${max < 1 ? 'fewer than one choice' : `at least ${min} and at most ${max} of the ${choices} choices`}; fix the bounds`,
      severity: 'error',
    };
  return { ...(min > 1 ? { minSelected: min } : {}), ...(max < choices ? { maxSelected: max } : {}) };
}
