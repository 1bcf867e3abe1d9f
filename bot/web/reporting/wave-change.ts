/**
 * The change per indicator between two waves, shared by the dashboard and the read API:
 * shares red and green in each wave, for the same people and for all people, each with n —
 * or only "too few" where a cell comes from fewer people than the minimum group size, or
 * where it and the all-people cell beside it would give such a small group away by subtraction.
 * @module
 */
import { z } from 'zod';
import type { Db } from '../../../storage/database.ts';
import { waveChange, type WaveTally } from '../../../storage/wave-change.ts';
import { WaveRepository } from '../../../storage/waves.ts';
import { largeEnough, type AggregateRule } from '../../../surveys/aggregate.ts';
import { INDICATORS } from '../../../surveys/indicators.ts';

/** Shares in whole per cent; all null when the cell is too small to show (`n` too). */
export interface WaveCell {
  n: number | null;
  red: number | null;
  green: number | null;
}
/** Percentage points from one wave to the next; null when either cell is hidden or empty. */
export interface WaveDelta {
  red: number;
  green: number;
}
export interface WaveComparison {
  indicator: string;
  same: { from: WaveCell; to: WaveCell; change: WaveDelta | null };
  all: { from: WaveCell; to: WaveCell; change: WaveDelta | null };
}
export interface WaveReport {
  /** Every wave of the pilot: 1 and each opened one (answers exist only in opened waves). */
  waves: number[];
  from: number | null;
  to: number | null;
  data: WaveComparison[];
}

/** `?wave=N`: compare wave N with wave N-1 (default: the newest wave). */
export const waveQuery = z.object({ wave: z.coerce.number().int().min(2).max(999).optional() });

function cell(t: WaveTally, rule: AggregateRule): WaveCell {
  if (!largeEnough(t.n, rule)) return { n: null, red: null, green: null };
  if (t.n === 0) return { n: 0, red: null, green: null };
  return { n: t.n, red: Math.round((t.red * 100) / t.n), green: Math.round((t.green * 100) / t.n) };
}

export function pair(from: WaveTally, to: WaveTally, rule: AggregateRule) {
  const a = cell(from, rule);
  const b = cell(to, rule);
  const change = a.red !== null && b.red !== null ? { red: b.red - a.red, green: b.green! - a.green! } : null;
  return { from: a, to: b, change };
}

const HIDDEN: WaveCell = { n: null, red: null, green: null };

/**
 * The same people are a subset of all people in a wave, so showing both lets anyone subtract
 * the rest: when those others are fewer than the minimum group size (but not none), the
 * same-people cell of that wave is hidden as well (the all-people cell stays).
 */
function guardComplement(same: WaveTally, all: WaveTally, rule: AggregateRule): boolean {
  const others = all.n - same.n;
  return others > 0 && !largeEnough(others, rule);
}

export function sameSide(c: { same: { from: WaveTally; to: WaveTally }; all: { from: WaveTally; to: WaveTally } }, rule: AggregateRule) {
  const p = pair(c.same.from, c.same.to, rule);
  const from = guardComplement(c.same.from, c.all.from, rule) ? HIDDEN : p.from;
  const to = guardComplement(c.same.to, c.all.to, rule) ? HIDDEN : p.to;
  const change = from.red !== null && to.red !== null ? { red: to.red - from.red, green: to.green! - from.green! } : null;
  return { from, to, change };
}

export async function waveReport(db: Db, pilotCode: string, wanted: number | undefined, rule: AggregateRule): Promise<WaveReport> {
  const opened = (await new WaveRepository(db).list(pilotCode)).map((w) => w.wave);
  // Only the small pilot_waves table is read when there is nothing to compare: the map page stays as fast.
  const waves = [1, ...opened];
  const to = wanted !== undefined && waves.includes(wanted) ? wanted : waves.length > 1 ? waves[waves.length - 1]! : null;
  if (to === null) return { waves, from: null, to: null, data: [] };
  const from = waves[waves.indexOf(to) - 1]!;
  const counts = new Map((await waveChange(db, pilotCode, from, to)).map((c) => [c.indicator, c]));
  const data = INDICATORS.filter((i) => counts.has(i.id)).map((i) => {
    const c = counts.get(i.id)!;
    return { indicator: i.id, same: sameSide(c, rule), all: pair(c.all.from, c.all.to, rule) };
  });
  return { waves, from, to, data };
}
