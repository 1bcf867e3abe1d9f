/**
 * A mapping table for XLSForms that carry no indicator/outcome columns: one row per question
 * name with the indicator and outcome it measures (`--map mapping.csv`: name,indicator,outcome).
 *
 * Pure: the caller reads the CSV into rows that know their `file:line`; every problem comes
 * back as a line naming that place and the fix, and one problem means no mapping at all.
 * @module
 */
import { closest } from '../spec/suggest.ts';
import { mapIndicator } from './fields.ts';

export interface MappingRow {
  /** `file:line`, for messages. */
  place: string;
  cells: Record<string, string>;
}

export type Mapping = ReadonlyMap<string, { indicator: string; outcome: string }>;

export const MAPPING_COLUMNS = ['name', 'indicator', 'outcome'] as const;

/** Checks every row against the indicator catalogue and the form's question names. */
export function readMapping(
  file: string,
  headers: readonly string[],
  rows: readonly MappingRow[],
  names: readonly string[],
): { ok: true; mapping: Mapping } | { ok: false; problems: string[] } {
  const missing = MAPPING_COLUMNS.filter((c) => !headers.includes(c));
  if (missing.length > 0)
    return { ok: false, problems: [`${file}:1: no column ${missing.map((c) => `"${c}"`).join(', ')}; the header must be name,indicator,outcome`] };
  const problems: string[] = [];
  const mapping = new Map<string, { indicator: string; outcome: string }>();
  const seen = new Map<string, string>();
  for (const r of rows) {
    const name = r.cells.name?.trim() ?? '';
    if (name === '') {
      problems.push(`${r.place}: no name; fill in the question's name from the form's survey sheet`);
      continue;
    }
    if (!names.includes(name)) {
      const hint = closest(name, names);
      problems.push(`${r.place}: the form has no question "${name}"${hint !== null ? `; did you mean "${hint}"?` : '; use a name from the survey sheet'}`);
      continue;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      problems.push(`${r.place}: "${name}" is already mapped at ${first}; keep one row per question`);
      continue;
    }
    seen.set(name, r.place);
    const m = mapIndicator(name, r.cells.indicator?.trim() || undefined, r.cells.outcome?.trim() || undefined);
    if ('column' in m) problems.push(`${r.place} (${m.column}): ${m.message}`);
    else mapping.set(name, m);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, mapping };
}
