/**
 * A later wave's session and the background answers given before: which questions to skip,
 * and the values conditions read from them.
 * @module
 */
import type { Survey } from '../model.ts';
import { storedValue } from './answering.ts';
import type { AnswerValue, SessionState } from './types.ts';

/**
 * Marks in `s.skip` every background question answered before (and the follow-ups of one
 * skipped), unless it is asked each wave; copies their values where a condition reads them.
 */
export function skipKnown(survey: Survey, s: SessionState, known: Readonly<Record<string, AnswerValue>>): void {
  const skip = new Set<string>();
  for (const q of survey.questions) {
    if (q.role !== 'background' || q.askEachWave) continue;
    const value = known[q.id];
    if (value === undefined && !(q.parent !== null && skip.has(q.parent))) continue;
    skip.add(q.id);
    if (value !== undefined && survey.referenced.has(q.id)) s.values[q.id] = storedValue(q, value);
  }
  s.skip = [...skip];
}
