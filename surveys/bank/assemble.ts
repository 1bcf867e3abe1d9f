/**
 * Assembling a pilot survey from the question bank (`surveys/bank/bank.yaml`).
 *
 * The bank is itself a valid survey, so assembling is picking: the questions of the chosen
 * indicators (by default only each indicator's first, "core" question with its follow-ups;
 * with `all`, every one), in the order the researcher listed the indicators. The result is
 * the raw spec (no defaults filled in, so the YAML written from it stays short) and the text
 * keys to copy from the bank's namespace into the new survey's own.
 * @module
 */
import { findIndicator, INDICATOR_IDS } from '../indicators.ts';
import { closest, list } from '../spec/suggest.ts';

type Raw = Record<string, unknown>;

export interface AssembleOptions {
  id: string;
  indicators: readonly string[];
  languages: readonly string[];
  /** Every bank question of each indicator instead of only its core question. */
  all: boolean;
  /** Also the bank's background questions (role: background), asked at the end. */
  background?: boolean;
}

export type AssembleResult = { ok: true; spec: Raw; textKeys: string[]; questionCount: number; background: string[] } | { ok: false; message: string };

const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys a question (and its follow-ups) reads: its own `q.<id>` subtree and any shared keys it names. */
function keysOf(q: Raw, out: Set<string>): void {
  out.add(`q.${String(q.id)}`);
  for (const field of ['text', 'hint', 'minLabel', 'maxLabel']) if (typeof q[field] === 'string') out.add(q[field]);
  // Shared choice texts, such as the background questions' "prefer not to say".
  if (Array.isArray(q.choices)) for (const c of q.choices) if (isRaw(c) && typeof c.text === 'string') out.add(c.text);
  if (Array.isArray(q.followUps)) for (const f of q.followUps) if (isRaw(f)) keysOf(f, out);
}

/** Picks bank questions into a new survey spec; `bank` is the bank file's parsed YAML. */
export function assembleSurvey(bank: unknown, opts: AssembleOptions): AssembleResult {
  if (!isRaw(bank) || !Array.isArray(bank.questions)) return { ok: false, message: 'the question bank has no questions list' };
  if (!/^[a-z][a-z0-9-]*$/.test(opts.id))
    return { ok: false, message: `survey id "${opts.id}" must be lower-case letters, digits and - (e.g. pilot-utrecht); pass --id or rename the output file` };
  if (opts.indicators.length === 0) return { ok: false, message: `--indicators is empty; list one or more of: ${list(INDICATOR_IDS)}` };
  if (opts.languages.length === 0) return { ok: false, message: '--languages is empty; list one or more language codes such as nl,ar,ti,uk' };
  for (const ind of opts.indicators) {
    if (findIndicator(ind)) continue;
    const hint = closest(ind, INDICATOR_IDS);
    return {
      ok: false,
      message: `--indicators: "${ind}" is not an indicator; ${hint !== null ? `did you mean "${hint}"?` : `use some of: ${list(INDICATOR_IDS)}`}`,
    };
  }
  const dup = opts.indicators.find((x, i) => opts.indicators.indexOf(x) !== i);
  if (dup !== undefined) return { ok: false, message: `--indicators: "${dup}" is listed twice; list each indicator once` };

  const questions: Raw[] = [];
  for (const ind of opts.indicators) {
    const mine = bank.questions.filter((q): q is Raw => isRaw(q) && q.indicator === ind);
    if (mine.length === 0) return { ok: false, message: `the question bank has no question for "${ind}"; add one to surveys/bank/bank.yaml` };
    questions.push(...(opts.all ? mine : mine.slice(0, 1)));
  }
  // Asked last: people answer about their experience first, and may stop before the personal part.
  const background = opts.background === true ? bank.questions.filter((q): q is Raw => isRaw(q) && q.role === 'background') : [];
  questions.push(...background);
  const keys = new Set(['intro', 'consent', 'completion']);
  for (const q of questions) keysOf(q, keys);
  const count = (qs: readonly unknown[]): number => qs.reduce<number>((n, q) => n + 1 + (isRaw(q) && Array.isArray(q.followUps) ? count(q.followUps) : 0), 0);
  const spec: Raw = {
    specVersion: bank.specVersion,
    id: opts.id,
    version: 1,
    languages: [...opts.languages],
    defaultLanguage: opts.languages[0],
    consent: { version: 1 },
    questions,
  };
  return { ok: true, spec, textKeys: [...keys], questionCount: count(questions), background: background.map((q) => String(q.id)) };
}

/** Copies the subtrees at dotted `keys` out of a nested locale object; missing keys are skipped. */
export function pickTexts(source: unknown, keys: readonly string[]): Raw {
  const out: Raw = {};
  for (const key of keys) {
    const parts = key.split('.');
    let node: unknown = source;
    for (const p of parts) node = isRaw(node) ? node[p] : undefined;
    if (node === undefined) continue;
    let target = out;
    parts.slice(0, -1).forEach((p) => {
      if (!isRaw(target[p])) target[p] = {};
      target = target[p] as Raw;
    });
    target[parts[parts.length - 1]!] = structuredClone(node);
  }
  return out;
}
