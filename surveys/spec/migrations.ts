/**
 * Spec migrations: upgrade a parsed survey file, one version step at a time, to
 * {@link CURRENT_SPEC_VERSION} before it is validated.
 *
 * Every step is a pure function on plain objects (what YAML parsing produces): it never
 * mutates its input and never validates beyond what it needs to rewrite. Validation is the
 * schema's job, after the last step. A step that meets something it does not recognise
 * leaves it alone, so the schema can report it at its (migrated) path.
 *
 * To add version N+1: write `vNtoN1`, explain why the shape changed, add it to `STEPS`
 * under key N, bump `CURRENT_SPEC_VERSION` in schema.ts and add a golden fixture.
 * @module
 */
import { CURRENT_SPEC_VERSION } from './schema.ts';

type Obj = Record<string, unknown>;
type Step = (spec: Obj) => Obj;

export type MigrateResult = { ok: true; value: unknown; from: number } | { ok: false; message: string; path: (string | number)[] };

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Version 1 question type names → version 2 names.
 *
 * Exported so the loader can explain a v1 name met in a v2 file.
 */
export const V1_TYPE_NAMES: Readonly<Record<string, string>> = {
  select_one: 'single',
  select_multiple: 'multi',
  open: 'text',
  boolean: 'yesno',
};

function migrateQuestionV1(q: unknown): unknown {
  if (!isObj(q)) return q;
  const { followUp, ...rest } = q;
  const out: Obj = { ...rest };
  if (typeof rest.type === 'string' && Object.hasOwn(V1_TYPE_NAMES, rest.type)) out.type = V1_TYPE_NAMES[rest.type];
  const existing = rest.followUps;
  if (existing !== undefined && !Array.isArray(existing)) {
    // Malformed; leave both keys as they are so the schema reports them where they stand.
    if (followUp !== undefined) out.followUp = followUp;
    return out;
  }
  // A v1 file should not have `followUps`, but if it does, keep those first and migrate them too.
  const list: unknown[] = [...(existing ?? [])];
  if (followUp !== undefined && followUp !== null) list.push(...(Array.isArray(followUp) ? followUp : [followUp]));
  if (list.length > 0) out.followUps = list.map(migrateQuestionV1);
  return out;
}

/**
 * 1 → 2.
 *
 * Why: v1 borrowed XLSForm's type names (`select_one`, `select_multiple`, `open`,
 * `boolean`), which researchers outside the XLSForm world misread ("open" what? "boolean"
 * for a question?) — v2 uses plain words (`single`, `multi`, `text`, `yesno`). And v1 allowed
 * exactly one `followUp` per question, while the schaalvraag method needs two ("why there?"
 * and "what would one step up look like?"), so v2 has a `followUps` list. Nested follow-ups
 * are migrated recursively.
 */
const v1to2: Step = (spec) => {
  const out: Obj = { ...spec, specVersion: 2 };
  if (Array.isArray(spec.questions)) out.questions = spec.questions.map(migrateQuestionV1);
  return out;
};

/** Migration from version N to N+1, keyed by N. */
const STEPS: Readonly<Record<number, Step>> = { 1: v1to2 };

/** Upgrades a parsed survey file to the current spec version. Never throws for bad input. */
export function migrateSpec(raw: unknown): MigrateResult {
  if (!isObj(raw)) {
    return {
      ok: false,
      path: [],
      message: `a survey file must be a mapping of keys (specVersion, id, languages, questions, …), got ${raw === null || raw === undefined ? 'an empty document' : Array.isArray(raw) ? 'a list' : `a single ${typeof raw}`}`,
    };
  }
  const v = raw.specVersion;
  if (v === undefined) {
    return { ok: false, path: [], message: `"specVersion" is missing; add "specVersion: ${CURRENT_SPEC_VERSION}" at the top of the file` };
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    const quoted = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? '; write it without quotes' : '';
    return { ok: false, path: ['specVersion'], message: `must be a whole number such as ${CURRENT_SPEC_VERSION}, got ${JSON.stringify(v)}${quoted}` };
  }
  if (v > CURRENT_SPEC_VERSION) {
    return {
      ok: false,
      path: ['specVersion'],
      message: `${v} is newer than this stemmen understands (it reads specVersion 1 to ${CURRENT_SPEC_VERSION}); this file needs a newer stemmen — upgrade stemmen to load it`,
    };
  }
  if (v < 1) return { ok: false, path: ['specVersion'], message: `${v} does not exist; specVersion starts at 1 (the current one is ${CURRENT_SPEC_VERSION})` };

  let spec: Obj = raw;
  for (let from = v; from < CURRENT_SPEC_VERSION; from += 1) {
    const step = STEPS[from];
    if (!step) return { ok: false, path: ['specVersion'], message: `no migration from specVersion ${from} to ${from + 1}; this is a bug in stemmen` };
    spec = step(spec);
  }
  return { ok: true, value: spec, from: v };
}
