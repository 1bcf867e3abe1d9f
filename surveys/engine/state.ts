/**
 * Reading stored session state: validate it, and migrate a state written by an older
 * version of the code to {@link STATE_VERSION}, one version step at a time.
 *
 * Sessions live for weeks (people pause and come back), so a state saved before a deploy
 * is read after it. To change the shape: bump `STATE_VERSION` in types.ts, add a step to
 * `STEPS` under the old version saying why, extend the schema, and add a golden fixture
 * (tests/fixtures/states/).
 * @module
 */
import { z } from 'zod';
import { STATE_VERSION, type SessionState } from './types.ts';

type Obj = Record<string, unknown>;

/** Why a stored state cannot be read; says where the problem is and what to do. */
export class SessionStateError extends Error {
  override name = 'SessionStateError';
}

/**
 * Ordered migrations: `STEPS[n]` turns a version-n state into a version-(n+1) state.
 * Each step is pure, works on plain JSON and sets `v`.
 */
const STEPS: Readonly<Record<number, (s: Obj) => Obj>> = {
  // v2 records why a session is stopped, so a session closed for inactivity can be resumed
  // by any message, not only START. v1 could not tell; a stopped v1 session is read as
  // stopped by the respondent, which is what v1 told them ("send START to continue").
  1: (s) => ({ ...s, v: 2, stoppedBy: s.phase === 'stopped' ? 'respondent' : null }),
  // v3 lists background questions a later wave's session skips (answered in an earlier wave).
  // Sessions before waves existed skip nothing.
  2: (s) => ({ ...s, v: 3, skip: [] }),
};

const PHASES = [
  'language',
  'consent',
  'form',
  'question',
  'recontact_red',
  'recontact',
  'recontact_themes',
  'expertpool',
  'erase_confirm',
  'declined',
  'stopped',
  'completed',
] as const;
const phase = z.enum(PHASES);
const form = z.enum(['text', 'audio', 'video']);
const value = z.union([z.number(), z.string(), z.array(z.string()), z.boolean(), z.null()]);
const strings = z.array(z.string());

const stateSchema = z.object({
  v: z.literal(STATE_VERSION),
  surveyId: z.string(),
  surveyVersion: z.number().int(),
  phase,
  returnTo: phase.nullable(),
  stoppedBy: z.enum(['respondent', 'expiry']).nullable(),
  language: z.string().nullable(),
  languageHint: z.string().nullable(),
  languageHints: strings.optional(),
  consentVersion: z.number().int().nullable(),
  form,
  formChosen: z.boolean(),
  current: z.string().nullable(),
  deliveredForm: form,
  prev: z.string().nullable(),
  values: z.record(z.string(), value),
  answeredCount: z.number().int().nonnegative(),
  multiDraft: strings.nullable(),
  pendingThemes: strings,
  grantedThemes: strings,
  refusedThemes: strings,
  themeDraft: strings.nullable(),
  invalidStreak: z.number().int().nonnegative(),
  paused: z.boolean(),
  startedAt: z.string(),
  lastActivityAt: z.string(),
  completedAt: z.string().nullable(),
  skip: strings,
}) satisfies z.ZodType<SessionState>;

export type ReadStateResult = { ok: true; state: SessionState; from: number } | { ok: false; message: string };

/** Migrates and validates a stored state (parsed JSON or the JSON text). Never throws. */
export function readSessionState(stored: unknown): ReadStateResult {
  let raw: unknown = stored;
  if (typeof stored === 'string') {
    try {
      raw = JSON.parse(stored);
    } catch {
      return { ok: false, message: 'session state is not JSON' };
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, message: 'session state is not an object' };
  let s = raw as Obj;
  const from = s.v;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1)
    return { ok: false, message: `session state has no valid version "v" (got ${JSON.stringify(from)})` };
  if (from > STATE_VERSION) {
    return {
      ok: false,
      message: `session state has version ${from}, newer than this code (${STATE_VERSION}); run the newer stemmen release that wrote it, or roll the database back with it`,
    };
  }
  for (let v = from; v < STATE_VERSION; v++) {
    const step = STEPS[v];
    if (!step) return { ok: false, message: `no migration from session state version ${v}` };
    s = step(s);
  }
  const parsed = stateSchema.safeParse(s);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? first.path.join('.') : '(root)';
    return { ok: false, message: `session state (version ${from}) is invalid at ${where}: ${first?.message ?? 'unknown problem'}` };
  }
  return { ok: true, state: parsed.data, from };
}

/** {@link readSessionState}, throwing a {@link SessionStateError} that names the session. */
export function parseSessionState(stored: unknown, sessionId?: string): SessionState {
  const r = readSessionState(stored);
  if (r.ok) return r.state;
  throw new SessionStateError(sessionId === undefined ? r.message : `session ${sessionId}: ${r.message}`);
}
