/**
 * The one writer of session changes: turns an engine step into rows inside the caller's
 * transaction — answers, consents, declines, erasure, answer-issue counts, the session state
 * (revision checked) and the rendered replies in the outbox — and returns what must happen
 * after the commit. Inbound messages and reminder expiry both go through here.
 * @module
 */
import { mediaOf, type SessionState, type Step } from '../../surveys/engine/types.ts';
import type { OutboxWriter } from '../../storage/outbox.ts';
import type { StoreTx } from '../../storage/store.ts';
import { CLOSED_PHASES } from '../../storage/contact-retention.ts';
import type { MediaSubmission, TextSubmission } from '../../workers/intake.ts';
import type { Pilot } from './pilots.ts';
import type { Renderer } from './render.ts';
import { foldTurn } from './turn.ts';
import type { Channel } from '../../surveys/channels.ts';

/** Where a step applies. */
export interface StepWhere {
  sessionId: string;
  respondentId: string;
  pilot: Pilot;
  channel: Channel;
  /** Where the replies go; null when no address is known (the state is still saved). */
  address: string | null;
  /** The stored revision the step was computed from; 0 for a new session. */
  revision: number;
  /** The pilot's wave the session answers (answers carry it); 1 when not given. */
  wave?: number | undefined;
  /** Keyed hash of the message that caused the step (consents record it). */
  messageKey: string;
  /** The channel's id of the message whose button was tapped, if the input was a tap. */
  tapped?: string | undefined;
  now: string;
}

/** Work for after the commit: files and queues are not transactional. */
export interface AfterCommit {
  media: MediaSubmission[];
  /** Typed answers for the translation worker (only when typed answers are translated). */
  texts: TextSubmission[];
  withdrawnTexts: TextSubmission[];
  erasedFiles: Array<{ file: string; sha256: string }>;
  withdrawn: MediaSubmission[];
  /** The saved session (for replanning reminders), `after` null when the respondent was erased. */
  session: { id: string; after: { revision: number; state: SessionState } | null };
}

export interface ApplyDeps {
  renderer: Renderer;
  outbox: OutboxWriter;
  newId: () => string;
  /** When the saved session's next reminder is due (ISO, null: none), saved with it; absent = no reminders. */
  reminderDue?: ((session: { revision: number; state: SessionState }) => string | null) | undefined;
  /** Whether typed answers are translated (MT_URL set): stored `pending` and queued after the commit; else `off`. */
  translatesText?: boolean | undefined;
}

export type ApplyStep = (tx: StoreTx, step: Step, where: StepWhere) => Promise<AfterCommit>;

export function stepApplier(deps: ApplyDeps): ApplyStep {
  return async (tx, step, w) => {
    const { survey } = w.pilot;
    const answerAt = {
      sessionId: w.sessionId,
      respondentId: w.respondentId,
      pilotCode: w.pilot.code,
      surveyId: survey.id,
      surveyVersion: survey.version,
      channel: w.channel,
      wave: w.wave,
    };
    let erased = false;
    const media: MediaSubmission[] = [];
    const texts: TextSubmission[] = [];
    const erasedFiles: AfterCommit['erasedFiles'] = [];
    const withdrawn: MediaSubmission[] = [];
    const withdrawnTexts: TextSubmission[] = [];
    const erase = async () => {
      withdrawn.push(...(await tx.mediaAnswersOf(w.respondentId)));
      withdrawnTexts.push(...(await tx.typedAnswersOf(w.respondentId)));
      erasedFiles.push(...(await tx.eraseRespondent(w.respondentId)));
      erased = true;
    };
    for (const effect of step.effects) {
      switch (effect.type) {
        case 'answer': {
          // Only typed answers get translation work: no job, no status for a tap or a number.
          const typed = effect.answer.value.kind === 'text';
          const stored = await tx.upsertAnswer(effect.answer, { ...answerAt, ...(typed ? { translation: deps.translatesText ? 'pending' : 'off' } : {}) });
          const ref = mediaOf(effect.answer.value);
          if (ref) media.push({ ...stored, channel: w.channel, ref });
          if (typed && deps.translatesText) texts.push(stored);
          break;
        }
        case 'consent':
          await tx.insertConsent(deps.newId(), effect.consent, {
            respondentId: w.respondentId,
            pilotCode: w.pilot.code,
            surveyId: survey.id,
            messageId: w.messageKey,
          });
          break;
        case 'declined':
          await tx.countDecline(w.pilot.code, survey.id, effect.consentVersion);
          // Answers given under an earlier consent stay unless they confirm deleting them (the engine asks).
          if (effect.priorConsent === null) await erase();
          break;
        case 'erase':
          await erase();
          break;
        case 'issue':
          await tx.countAnswerIssue({ pilotCode: w.pilot.code, surveyId: survey.id, questionId: effect.questionId, code: effect.code });
          break;
        case 'send':
          break;
      }
    }
    if (!erased) {
      await tx.saveSession({
        id: w.sessionId,
        respondentId: w.respondentId,
        pilotCode: w.pilot.code,
        channel: w.channel,
        expectedRevision: w.revision,
        state: step.state,
        now: w.now,
        wave: w.wave,
        ...(deps.reminderDue ? { reminderDueAt: deps.reminderDue({ revision: w.revision + 1, state: step.state }) } : {}),
      });
    }
    const lng = step.state.language ?? step.state.languageHint ?? survey.defaultLanguage;
    if (w.address !== null) {
      const address = w.address;
      // One input, one message where the channel allows (see turn.ts).
      const turn = foldTurn(
        step.effects.flatMap((e) => (e.type === 'send' ? [e.message] : [])),
        lng,
      );
      await deps.outbox.enqueue(
        tx,
        turn.map((message) => {
          const payload = deps.renderer.render(message, lng, survey.namespace, w.pilot.resolveMedia);
          if (message.redraw && w.tapped !== undefined) payload.edit = w.tapped;
          return { id: deps.newId(), respondentId: erased ? null : w.respondentId, channel: w.channel, address, payload, createdAt: w.now };
        }),
      );
    }
    // After the replies are queued: the outbox rows carry their own address, so the last reply
    // still goes out when the contact row is gone (a later message re-creates it).
    if (!erased && CLOSED_PHASES.includes(step.state.phase)) await tx.contacts.release(w.respondentId);
    // An answer erased in the same step (answer, then delete) has nothing left to process.
    return {
      media: erased ? [] : media,
      texts: erased ? [] : texts,
      erasedFiles,
      withdrawn,
      withdrawnTexts,
      session: { id: w.sessionId, after: erased ? null : { revision: w.revision + 1, state: step.state } },
    };
  };
}
