/**
 * Repeated waves in the conversation: a respondent whose session of an earlier wave is over,
 * and who was invited to the pilot's open wave, starts a new session in it with their first
 * message. The background answers they gave before go to the engine, which skips them.
 * @module
 */
import type { Survey } from '../../surveys/model.ts';
import type { AnswerValue } from '../../surveys/engine/types.ts';
import type { StoredSession, StoreTx } from '../../storage/store.ts';

export interface WaveStart {
  wave: number;
  known: Record<string, AnswerValue>;
}

/** The wave a message starts a new session in, or null when it belongs to the existing session. */
export async function waveToStart(tx: StoreTx, existing: StoredSession, respondentId: string, survey: Survey, now: string): Promise<WaveStart | null> {
  const s = existing.state;
  // Only a finished session gives way: one still under way (or paused, or stopped by STOP) goes on.
  if (!(s.phase === 'completed' || (s.phase === 'stopped' && s.stoppedBy === 'expiry'))) return null;
  const current = await tx.waves.current(existing.pilotCode, now);
  if (current <= existing.wave || !(await tx.waves.invited(existing.pilotCode, current, respondentId))) return null;
  return { wave: current, known: await tx.waves.knownAnswers(respondentId, existing.pilotCode, survey.background) };
}
