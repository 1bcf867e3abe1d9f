/**
 * Sending reminders and closing abandoned sessions: the sweep behind the reminder queue
 * reads the sessions whose `reminder_due_at` has come and runs each as a job naming the
 * session, its revision and the step; the repository makes sure a stale or repeated job
 * sends nothing. Quiet hours are checked again
 * when the job runs (it may run late, e.g. after a restart) and the job is deferred if needed.
 * @module
 */
import type { Logger } from 'pino';
import { advance } from '../../surveys/engine/engine.ts';
import { inQuietHours, nextAllowed, nextStep, reminderMessage, wantsReminder, type ReminderSettings } from '../../surveys/engine/reminders.ts';
import type { SessionState } from '../../surveys/engine/types.ts';
import type { ReminderOutcome, ReminderRepository, ReminderTarget } from '../../storage/reminders.ts';
import type { Planned, ReminderJob } from '../../workers/reminders.ts';
import type { Delivery } from '../delivery/outbox.ts';
import type { ApplyStep } from './apply-step.ts';
import type { SurveyEntry } from './handler.ts';
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

/** When a saved session's next reminder is due (ISO), or null: saved with the session (apply-step.ts). */
export function reminderDue(settings: ReminderSettings): (session: { revision: number; state: SessionState }) => string | null {
  return (session) => planAfterActivity({ id: '', ...session }, settings)?.at.toISOString() ?? null;
}

export class ReminderService {
  constructor(private readonly deps: ReminderDeps) {}

  /**
   * Sends every reminder and expiry due now (at most `limit` per call) and plans each
   * session's next one; returns how many sessions it handled. A session whose reminder fails
   * keeps its due time and is tried again by the next sweep.
   */
  async sweep(limit = 200): Promise<number> {
    const delays = this.deps.settings.delaysMs.length;
    const due = await this.deps.repo.due(this.deps.now().toISOString(), limit);
    for (const d of due) {
      const job: ReminderJob = { sessionId: d.sessionId, revision: d.revision, kind: d.sent < delays ? 'remind' : 'expire', step: Math.min(d.sent, delays) };
      try {
        const r = await this.run(job);
        await this.deps.repo.replan(d.sessionId, d.revision, r.next?.at.toISOString() ?? null);
      } catch (e) {
        this.deps.log.warn({ session: d.sessionId, err: (e as Error).message }, 'reminder not sent now; the next sweep tries again');
      }
    }
    return due.length;
  }

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
