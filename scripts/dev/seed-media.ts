/**
 * Writes a respondent with a session and one media answer through the real store, as the
 * inbound handler would after a voice note: for tests and the benchmark, which need many
 * media answers without walking each respondent through a survey first.
 * @module
 */
import type { Channel } from '../../surveys/channels.ts';
import type { Store } from '../../storage/store.ts';
import type { MediaRef } from '../../surveys/engine/types.ts';
import { sessionState } from './session-state.ts';
import type { MediaSubmission } from '../../workers/intake.ts';

export interface SeedTarget {
  store: Store;
  respondentIdFor(channel: string, address: string): string;
}

export async function seedMediaAnswer(
  target: SeedTarget,
  ref: MediaRef,
  opts: { channel: Channel; address: string; language: string; question?: string; pilot?: string; surveyId?: string; answeredAt?: string },
): Promise<MediaSubmission & { respondentId: string }> {
  const at = opts.answeredAt ?? new Date().toISOString();
  const respondentId = target.respondentIdFor(opts.channel, opts.address);
  const pilotCode = opts.pilot ?? 'default';
  const surveyId = opts.surveyId ?? 'default-pilot';
  const sessionId = `s-${respondentId}`;
  const state = sessionState({ surveyId, language: opts.language, current: opts.question ?? 'health_why' }, at);
  const stored = await target.store.transaction(async (tx) => {
    await tx.touchRespondent(respondentId, opts.channel, opts.address, at);
    await tx.saveSession({ id: sessionId, respondentId, pilotCode, channel: opts.channel, expectedRevision: 0, state, now: at });
    return tx.upsertAnswer(
      {
        id: `a-${respondentId}`,
        questionId: opts.question ?? 'health_why',
        parentQuestionId: null,
        indicator: 'health',
        outcome: null,
        questionType: 'open',
        value: { kind: 'media', media: ref, caption: null },
        language: opts.language,
        modality: ref.kind,
        promptForm: 'text',
        traffic: null,
        consentVersion: 1,
        answeredAt: at,
        sourceMessageId: `k-${respondentId}`,
      },
      { sessionId, respondentId, pilotCode, surveyId, surveyVersion: 1, channel: opts.channel },
    );
  });
  return { ...stored, channel: opts.channel, ref, respondentId };
}
