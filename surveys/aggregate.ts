/**
 * The aggregate colour of an indicator (or outcome) from the traffic lights of its answers.
 *
 * Rule (documented in README "Traffic-light map"): red when at least `redShare` of the
 * coloured answers are red; otherwise green when at least `greenShare` are green; otherwise
 * orange; grey ("none") without answers. Shares are fractions 0–1, set in configuration.
 * Each respondent counts once: their answers' lights are shared out equally between them.
 * Below `minRespondents` people nothing is shown but grey "too few" (small-group protection).
 * @module
 */
export interface AggregateRule {
  redShare: number;
  greenShare: number;
  minRespondents: number;
}
export type Aggregate = 'red' | 'orange' | 'green' | 'none' | 'small_group';
export interface LightTally {
  red: number;
  orange: number;
  green: number;
}

export const DEFAULT_AGGREGATE_RULE: AggregateRule = { redShare: 0.3, greenShare: 0.6, minRespondents: 10 };

/** Whether a number or quote from this many people may be shown (zero people reveal nobody). */
export function largeEnough(respondents: number, rule: Pick<AggregateRule, 'minRespondents'>): boolean {
  return respondents === 0 || respondents >= rule.minRespondents;
}

export function aggregateLight(t: LightTally, rule: Pick<AggregateRule, 'redShare' | 'greenShare'>): Aggregate {
  const total = t.red + t.orange + t.green;
  if (total === 0) return 'none';
  if (t.red / total >= rule.redShare) return 'red';
  if (t.green / total >= rule.greenShare) return 'green';
  return 'orange';
}

/** Shares in whole per cent that add up to 100 (largest remainder), for display. */
export function percentages(t: LightTally): LightTally {
  const total = t.red + t.orange + t.green;
  if (total === 0) return { red: 0, orange: 0, green: 0 };
  const keys = ['red', 'orange', 'green'] as const;
  const raw = keys.map((k) => (t[k] * 100) / total);
  const out = raw.map(Math.floor);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0]);
  for (let left = 100 - out.reduce((a, b) => a + b, 0), j = 0; left > 0; left--, j++) out[order[j]![1]]! += 1;
  return { red: out[0]!, orange: out[1]!, green: out[2]! };
}
