/**
 * Which funnel events one engine step is: a session started, consent given or declined, a
 * STOP, a completion (after a reminder or not). Recorded in the step's own transaction.
 * @module
 */
import type { EngineInput, SessionState, Step } from '../../surveys/engine/types.ts';
import type { FunnelPlace } from '../../storage/funnel.ts';
import type { StoreTx } from '../../storage/store.ts';

export interface CountedStep {
  place: Omit<FunnelPlace, 'language'>;
  sessionId: string;
  /** The state before the step; null when the step started the session. */
  prior: SessionState | null;
  step: Step;
  input: EngineInput | null;
  now: string;
}

export async function countStep(tx: StoreTx, c: CountedStep): Promise<void> {
  const log = tx.funnel;
  const { prior, step } = c;
  const after = step.state;
  const at: FunnelPlace = { ...c.place, language: after.language };
  if (prior === null) await log.record(at, 'started', c.now);
  // "Started" belongs to the language the person then chose, on the day they started.
  else if (prior.language === null && after.language !== null) await log.move({ ...c.place, language: null }, after.language, 'started', after.startedAt);
  const stopped = c.input?.kind === 'command' && c.input.command === 'stop';
  // The funnel counts people: agreeing to (or declining) a new consent version after an earlier one is no new step.
  const firstConsent = prior === null || prior.consentVersion === null;
  for (const e of step.effects) {
    if (firstConsent && e.type === 'consent' && e.consent.kind === 'participation' && e.consent.granted) await log.record(at, 'consented', c.now);
    // STOP before consent is a decline to the engine (nothing kept); the funnel tells them apart.
    if (e.type === 'declined' && e.priorConsent === null) await log.record(at, stopped ? 'stopped' : 'declined', c.now);
  }
  if (prior && prior.phase !== 'stopped' && after.phase === 'stopped') await log.record(at, 'stopped', c.now);
  if (prior && prior.completedAt === null && after.completedAt !== null) {
    await log.record(at, 'completed', c.now);
    if (await log.wasReminded(c.sessionId)) await log.record(at, 'completed_after_reminder', c.now);
  }
}
