/**
 * The default traffic-light bands of a numeric scale, shared by the compiled survey's colour
 * rule and the scale method's "low scores".
 * @module
 */
export interface Bands {
  red: Array<[number, number]>;
  orange: Array<[number, number]>;
  green: Array<[number, number]>;
}

/** 0–10 gives red 0–4, orange 5–6, green 7–10 (the schaalvraag convention). */
export function defaultBands(min: number, max: number): Bands {
  const span = max - min;
  const redTop = min + Math.floor(span * 0.4);
  const orangeTop = min + Math.floor(span * 0.6);
  return { red: [[min, redTop]], orange: [[redTop + 1, orangeTop]], green: [[orangeTop + 1, max]] };
}
