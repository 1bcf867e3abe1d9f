/**
 * Sending reminders and closing abandoned sessions: the processor behind the reminder
 * queue. Each job names a session, the revision it was planned at and the step; the
 * repository makes sure a stale or repeated job sends nothing. Quiet hours are checked again
 * when the job runs (it may run late, e.g. after a restart) and the job is deferred if needed.
 * @module
 */
import type { Logger } from 'pino';
import { advance } from '../../surveys/engine/engine.ts';
import { inQuietHours, nextAllowed, nextStep, reminderMessage, wantsReminder, type ReminderSettings } from '../../surveys/engine/reminders.ts';
import type { SessionState } from '../../surveys/engine/types.ts';
import type { ReminderOutcome, ReminderRepository, ReminderTarget } from '../../storage/reminders.ts';
import type { Planned, ReminderJob, ReminderQueue } from '../../workers/reminders.ts';
import type { Delivery } from '../delivery/outbox.ts';
import type { ApplyStep } from './apply-step.ts';
import type { ReminderPort, SurveyEntry } from './handler.ts';
import type { Renderer } from './render.ts';

export interface ReminderDeps {
  repo: ReminderRepository;
  surveys: ReadonlyMap<string, SurveyEntry>;
  renderer: Renderer;
  settings: ReminderSettings;
  delivery: Delivery;
  /** The one writer of session changes: expiry closes the session through it. */
  applyStep: ApplyStep;
  log: Logger;
  now: () => Date;
  newId: () => string;
}

/** The first reminder job after activity on a session, or null when none is wanted. */
export function planAfterActivity(session: { id: string; revision: number; state: SessionState }, settings: ReminderSettings): Planned | null {
  if (!wantsReminder(session.state)) return null;
  const next = nextStep(session.state.lastActivityAt, 0, settings);
  if (!next) return null;
  return {
    job: { sessionId: session.id, revision: session.revision, kind: next.kind, step: next.kind === 'remind' ? next.step : settings.delaysMs.length },
    at: next.at,
  };
}

/** What the handler calls after each message: drop the session's planned jobs and plan anew. */
export function reminderPort(queue: ReminderQueue, settings: ReminderSettings): ReminderPort {
  return {
    async activity(sessionId, after) {
      await queue.cancel(sessionId);
      const next = after && planAfterActivity({ id: sessionId, ...after }, settings);
      if (next) await queue.schedule(next);
    },
  };
}

export class ReminderService {
  constructor(private readonly deps: ReminderDeps) {}

  /** Runs one job; returns what happened and the job to schedule next (a deferral or the following step). */
  async run(job: ReminderJob): Promise<{ outcome: ReminderOutcome | 'deferred'; next: Planned | null }> {
    const now = this.deps.now();
    const s = this.deps.settings;
    if (inQuietHours(now, s)) return { outcome: 'deferred', next: { job, at: nextAllowed(now, s) } };
    const iso = now.toISOString();
    const entryOf = (t: ReminderTarget) => this.deps.surveys.get(t.state.surveyId);
    const lng = (t: ReminderTarget, e: SurveyEntry) => t.state.language ?? t.state.languageHint ?? e.survey.defaultLanguage;

    const result =
      job.kind === 'remind'
        ? await this.deps.repo.sendReminder({
            sessionId: job.sessionId,
            revision: job.revision,
            step: job.step,
            now: iso,
            outbox: this.deps.delivery,
            build: (t) => {
              const e = entryOf(t);
              if (!e || !wantsReminder(t.state)) return null;
              return [
                {
                  id: this.deps.newId(),
                  payload: {
                    ...this.deps.renderer.render(reminderMessage(e.survey, t.state, job.step), lng(t, e), e.survey.namespace, e.resolveMedia),
                    purpose: 'reminder',
                  },
                },
              ];
            },
          })
        : await this.deps.repo.expire({
            sessionId: job.sessionId,
            revision: job.revision,
            now: iso,
            apply: async (tx, t) => {
              const e = entryOf(t);
              if (!e || !wantsReminder(t.state)) return null;
              return this.deps.applyStep(
                tx,
                advance(e.survey, t.state, { kind: 'expire' }, { now: iso, newId: this.deps.newId, messageId: `expire-${job.sessionId}` }),
                {
                  sessionId: t.sessionId,
                  respondentId: t.respondentId,
                  pilot: { code: t.pilotCode, ...e },
                  channel: t.channel,
                  address: t.address,
                  revision: t.revision,
                  messageKey: `expire:${t.sessionId}:${t.revision}`,
                  now: iso,
                },
              );
            },
          });
    const t = result.target;
    if (result.outcome !== 'sent' || !t) {
      // Stale jobs are the normal way a reminder is cancelled by an answer; only log oddities.
      if (result.outcome === 'no-address') this.deps.log.warn({ session: job.sessionId }, 'no contact address for a reminder; skipped');
      return { outcome: result.outcome, next: null };
    }
    if (t.address !== null) await this.deps.delivery.flush(t.channel, t.address);
    if (job.kind === 'expire') return { outcome: 'sent', next: null };
    const next = nextStep(t.state.lastActivityAt, job.step + 1, s);
    if (!next) return { outcome: 'sent', next: null };
    return {
      outcome: 'sent',
      next: {
        job: { sessionId: job.sessionId, revision: job.revision, kind: next.kind, step: next.kind === 'remind' ? next.step : s.delaysMs.length },
        at: next.at,
      },
    };
  }
}
