/**
 * Traffic-light scoring of one answer.
 * @module
 */
import type { TrafficLight, TrafficRule } from '../model.ts';

const ORDER: readonly TrafficLight[] = ['red', 'orange', 'green'];

/**
 * The colour of a numeric value or a set of choice ids under `rule`, or null when the rule
 * does not cover it. Several choices take the worst colour among them.
 */
export function trafficLight(rule: TrafficRule | null, value: number | string[] | null): TrafficLight | null {
  if (!rule || value === null) return null;
  if (rule.kind === 'numeric') {
    if (typeof value !== 'number') return null;
    for (const colour of ORDER) if (rule[colour].some(([lo, hi]) => value >= lo && value <= hi)) return colour;
    return null;
  }
  if (typeof value === 'number') return null;
  for (const colour of ORDER) if (value.some((id) => rule[colour].includes(id))) return colour;
  return null;
}
