/**
 * The inbound use case every channel calls:
 * dedupe → load session → advance → save state, answers, consents and replies in one
 * transaction → deliver the replies through the channel.
 *
 * Replies go through an outbox written in the same transaction as the answer, so a crash
 * after the commit re-sends them on restart instead of leaving the respondent waiting.
 * Messages of one respondent are handled one at a time, in order.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { advance, currentPrompt, start } from '../../surveys/engine/engine.ts';
import { mediaOf, type EngineContext, type Message, type SessionState, type Step } from '../../surveys/engine/types.ts';
import type { Survey } from '../../surveys/model.ts';
import { matchLanguage } from '../../surveys/languages.ts';
import type { Pseudonymizer } from '../../storage/pseudonym.ts';
import { ConcurrentUpdateError, type Store, type StoreTx } from '../../storage/store.ts';
import type { ChannelPort, InboundMessage } from '../channels/port.ts';
import type { i18n as I18n } from 'i18next';
import { interpret } from './interpret.ts';
import type { Renderer, RenderedMessage } from './render.ts';
import { KeyedSerial } from './serial.ts';
import type { MediaSubmission } from '../../workers/intake.ts';

/** A loaded survey and how to find its recorded prompt files. */
export interface SurveyEntry { survey: Survey; resolveMedia: (file: string) => string }
/** A pilot as the handler uses it: its code and its survey. */
interface Pilot extends SurveyEntry { code: string }
/** A pilot a message asks to join, with the language its link preselects. */
interface Requested { pilot: Pilot; language?: string }

export interface HandlerDeps {
  store: Store;
  pseudonyms: Pseudonymizer;
  i18n: I18n;
  renderer: Renderer;
  /** Loaded surveys by id. Pilots (code → survey id) are rows in the store. */
  surveys: ReadonlyMap<string, SurveyEntry>;
  /** Loads the survey of a pilot that is not in `surveys` yet (created with its own survey file). */
  loadPilotSurvey?: (pilot: { code: string; surveyId: string; surveyFile: string | null }) => SurveyEntry | undefined;
  defaultPilot: string;
  channels: ReadonlyMap<string, ChannelPort>;
  log: Logger;
  /** Where media answers go once committed (the media queues); absent = they stay pending. */
  media?: MediaPort | undefined;
  /** Reminder planning; absent = no reminders. */
  reminders?: ReminderPort | undefined;
  /**
   * Gets each new message before the engine (inside its transaction); replies it returns are
   * sent instead of the engine's. Used for answers to follow-up invitations.
   */
  intercept?: InboundInterceptor;
  /** Injected for tests; defaults to the system clock and random UUIDs. */
  now?: () => Date;
  newId?: () => string;
}

export type HandleOutcome = 'handled' | 'duplicate';

/** The handler's view of the media pipeline. */
export interface MediaPort {
  /** Queues committed media answers. May fail (Redis down): the sweeper re-queues pending answers later. */
  submit(items: MediaSubmission[]): Promise<void>;
  /** Deletes an erased respondent's media files. */
  forget(files: Array<{ file: string; sha256: string }>): Promise<void>;
  /** Removes the queued (and kept) jobs of an erased respondent's media answers. */
  withdraw?(items: MediaSubmission[]): Promise<void>;
}

/** The handler's view of reminders: every committed message replans (or cancels) them. */
export interface ReminderPort {
  /** `after` is the saved session, or null when the respondent was erased. May fail (Redis down). */
  activity(sessionId: string, after: { revision: number; state: SessionState } | null): Promise<void>;
}

interface Committed {
  outcome: HandleOutcome;
  media: MediaSubmission[];
  erasedFiles: Array<{ file: string; sha256: string }>;
  withdrawn: MediaSubmission[];
  session?: { id: string; after: { revision: number; state: SessionState } | null };
}
/** Handles a message before the engine; returns the replies, or null to let the engine have it. */
export type InboundInterceptor = (tx: StoreTx, msg: InboundMessage, respondentId: string, now: string) => Promise<RenderedMessage[] | null>;

export class InboundHandler {
  private readonly serial = new KeyedSerial();
  private readonly flushes = new KeyedSerial();
  private outboxSeq = 0;
  private readonly pilots = new Map<string, Pilot>();
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly deps: HandlerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
  }

  /** The pseudonymous id of whoever writes from `address` on `channel`. */
  respondentIdFor(channel: string, address: string): string {
    return this.deps.pseudonyms.respondentId(channel, address);
  }

  /**
   * Handles one inbound message. Resolves once the message is stored and, with the default
   * `delivery: 'await'`, once its replies were handed to the channel (or kept for a retry).
   * With `'background'` it resolves right after the commit: a channel that must confirm
   * receipt quickly (Telegram polling or webhooks) can do so as soon as nothing can be lost.
   */
  async handle(msg: InboundMessage, opts: { delivery?: 'await' | 'background' } = {}): Promise<HandleOutcome> {
    const respondentId = this.deps.pseudonyms.respondentId(msg.channel, msg.identity ?? msg.address);
    const committed = await this.serial.run(respondentId, () => this.commit(msg, respondentId));
    if (committed.media.length > 0 || committed.erasedFiles.length > 0 || committed.withdrawn.length > 0) await this.afterCommit(committed, msg.channel);
    if (committed.session && this.deps.reminders) {
      try {
        await this.deps.reminders.activity(committed.session.id, committed.session.after);
      } catch (e) {
        // A stale planned reminder still sends nothing (its revision is gone); only a new one is missed.
        this.deps.log.warn({ channel: msg.channel, err: (e as Error).message }, 'reminders not replanned');
      }
    }
    const outcome = committed.outcome;
    const delivery = this.flush(msg.channel, msg.address);
    if (opts.delivery === 'background') {
      delivery.catch((e: Error) => this.deps.log.error({ channel: msg.channel, err: e.message }, 'delivery failed; replies stay in the outbox'));
    } else {
      await delivery;
    }
    return outcome;
  }

  /** Work outside the transaction: queue media answers, delete an erased person's files. Never fails the message. */
  private async afterCommit(c: Committed, channel: string): Promise<void> {
    const media = this.deps.media;
    if (!media) return;
    try {
      if (c.media.length > 0) await media.submit(c.media);
    } catch (e) {
      this.deps.log.warn({ channel, err: (e as Error).message }, 'media answer not queued now; the sweeper will queue it');
    }
    try {
      if (c.erasedFiles.length > 0) await media.forget(c.erasedFiles);
    } catch (e) {
      this.deps.log.error({ channel, err: (e as Error).message }, 'could not delete an erased respondent\'s media files');
    }
    try {
      // Job data holds only answer ids, but a kept job would still point at an erased answer.
      if (c.withdrawn.length > 0) await media.withdraw?.(c.withdrawn);
    } catch (e) {
      this.deps.log.error({ channel, err: (e as Error).message }, 'could not remove an erased respondent\'s media jobs');
    }
  }

  private async commit(msg: InboundMessage, respondentId: string): Promise<Committed> {
    // Read before the transaction: SQLite has one connection, which the transaction holds.
    const requested = await this.requestedPilot(msg);
    const fallback = await this.pilot(this.deps.defaultPilot);
    if (!fallback) throw new Error(`the default pilot "${this.deps.defaultPilot}" has no loaded survey`);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.store.transaction((tx) => this.inTransaction(tx, msg, respondentId, requested, fallback));
      } catch (e) {
        // Another process saved this session first: reload and apply the message again.
        if (!(e instanceof ConcurrentUpdateError) || attempt >= 5) throw e;
      }
    }
  }

  private async inTransaction(tx: StoreTx, msg: InboundMessage, respondentId: string, requested: Requested | undefined, fallback: Pilot): Promise<Committed> {
    // First: another process may be handling this respondent's previous message; wait for it.
    await tx.lockRespondent(respondentId);
    const now = this.now().toISOString();
    const messageKey = this.deps.pseudonyms.messageKey(msg.channel, msg.address, msg.messageId);
    await tx.touchRespondent(respondentId, msg.channel, msg.address, now);
    if (!(await tx.claimMessage(msg.channel, messageKey, respondentId, now))) return { outcome: 'duplicate', media: [], erasedFiles: [], withdrawn: [] };
    const intercepted = await this.deps.intercept?.(tx, msg, respondentId, now);
    if (intercepted) {
      await tx.enqueueOutbound(intercepted.map((payload) => ({ id: this.newId(), respondentId, channel: msg.channel, address: msg.address, payload, createdAt: now, position: this.outboxSeq++ })));
      return { outcome: 'handled', media: [], erasedFiles: [], withdrawn: [] };
    }

    const ctx: EngineContext = { now, newId: this.newId, messageId: messageKey };
    const existing = await tx.findSession(respondentId, requested?.pilot.code);
    const loaded = existing && this.deps.surveys.get(existing.state.surveyId);
    const pilot: Pilot = existing && loaded ? { code: existing.pilotCode, ...loaded } : (requested?.pilot ?? fallback);
    const survey = pilot.survey;

    let step: Step;
    let sessionId: string;
    let revision: number;
    if (!existing) {
      // A per-language link (`<code>-<lng>`) preselects the language over the app's hint.
      step = start(survey, { languageHint: requested?.language ?? msg.languageHint }, ctx);
      sessionId = this.newId();
      revision = 0;
    } else {
      const state = existing.state;
      const lng = state.language ?? state.languageHint ?? matchLanguage(msg.languageHint, survey.languages) ?? survey.defaultLanguage;
      const promptMessage = currentPrompt(survey, state);
      const input = interpret(msg.content, {
        t: this.deps.i18n.getFixedT(lng),
        tEn: this.deps.i18n.getFixedT('en'),
        promptMessage,
        prompt: this.deps.renderer.render(promptMessage, lng, survey.namespace),
      });
      step = advance(survey, state, input, ctx);
      sessionId = existing.id;
      revision = existing.revision;
    }

    const where = { sessionId, respondentId, pilotCode: pilot.code, surveyId: survey.id, surveyVersion: survey.version, channel: msg.channel };
    let erased = false;
    const media: MediaSubmission[] = [];
    const erasedFiles: Committed['erasedFiles'] = [];
    const withdrawn: MediaSubmission[] = [];
    const erase = async () => {
      withdrawn.push(...(await tx.mediaAnswersOf(respondentId)));
      erasedFiles.push(...(await tx.eraseRespondent(respondentId)));
      erased = true;
    };
    for (const effect of step.effects) {
      switch (effect.type) {
        case 'answer': {
          const stored = await tx.upsertAnswer(effect.answer, where);
          const ref = mediaOf(effect.answer.value);
          if (ref) media.push({ ...stored, channel: msg.channel, ref });
          break;
        }
        case 'consent': await tx.insertConsent(this.newId(), effect.consent, { respondentId, pilotCode: pilot.code, surveyId: survey.id, messageId: messageKey }); break;
        case 'declined':
          await tx.countDecline(pilot.code, survey.id, effect.consentVersion);
          await erase();
          break;
        case 'erase': await erase(); break;
        case 'send': break;
      }
    }
    if (!erased) {
      await tx.saveSession({ id: sessionId, respondentId, pilotCode: pilot.code, channel: msg.channel, expectedRevision: revision, state: step.state, now });
    }
    const lng = step.state.language ?? step.state.languageHint ?? survey.defaultLanguage;
    const replies = step.effects.flatMap((e) => (e.type === 'send' ? [this.render(e.message, lng, pilot)] : []));
    await tx.enqueueOutbound(replies.map((payload) => ({
      id: this.newId(), respondentId: erased ? null : respondentId, channel: msg.channel, address: msg.address, payload, createdAt: now,
      // Orders replies of messages committed within the same millisecond.
      position: this.outboxSeq++,
    })));
    // An answer erased in the same step (answer, then delete) has nothing left to process.
    return {
      outcome: 'handled', media: erased ? [] : media, erasedFiles, withdrawn,
      session: { id: sessionId, after: erased ? null : { revision: revision + 1, state: step.state } },
    };
  }

  /**
   * The pilot a message asks to join: `/start <code>` (Telegram deep links), or a text that is
   * just a pilot code, optionally after "start" (the pre-filled text of a wa.me link). A code
   * may end in `-<lng>` (one of the survey's languages) to preselect the language.
   */
  private async requestedPilot(msg: InboundMessage): Promise<Requested | undefined> {
    const c = msg.content;
    // Bidi marks and isolates come along when a code is copied from a right-to-left message.
    const clean = (t: string) => t.replace(/[\u200e\u200f\u2066-\u2069]/g, '').trim().toLowerCase();
    const code = c.kind === 'command' && c.command === 'start' ? (c.arg !== undefined ? clean(c.arg) : undefined)
      : c.kind === 'text' ? clean(c.text).replace(/^\/?start\s+/, '') : undefined;
    if (!code || !/^[a-z0-9][a-z0-9-]{0,31}$/.test(code)) return undefined;
    // A typed word equal to the default code is more likely an answer than a request.
    if (c.kind === 'text' && code === this.deps.defaultPilot) return undefined;
    const exact = await this.pilot(code);
    if (exact) return { pilot: exact };
    const m = /^(.+)-([a-z]{2,3})$/.exec(code);
    const base = m ? await this.pilot(m[1]!) : undefined;
    return base && base.survey.languages.includes(m![2]!) ? { pilot: base, language: m![2]! } : undefined;
  }

  /**
   * A pilot by code. Found pilots are remembered (a pilot never changes survey), so the hot
   * path does not read the pilots table for every message; unknown codes are looked up
   * again, so a pilot created while we run is found.
   */
  private async pilot(code: string): Promise<Pilot | undefined> {
    const known = this.pilots.get(code);
    if (known) return known;
    const row = await this.deps.store.findPilot(code);
    const entry = row && (this.deps.surveys.get(row.surveyId) ?? this.deps.loadPilotSurvey?.({ code, surveyId: row.surveyId, surveyFile: row.surveyFile }));
    if (!entry) return undefined;
    const pilot = { code, ...entry };
    this.pilots.set(code, pilot);
    return pilot;
  }

  private render(message: Message, lng: string, pilot: Pilot): RenderedMessage {
    return this.deps.renderer.render(message, lng, pilot.survey.namespace, pilot.resolveMedia);
  }

  /** Delivers queued replies for one address in order; stops at the first failure (kept for retry). */
  flush(channel: string, address: string): Promise<number> {
    // One flush per address at a time, or two could read and send the same rows.
    return this.flushes.run(`${channel}\u0000${address}`, () => this.deliver(channel, address));
  }

  private async deliver(channel: string, address: string): Promise<number> {
    const port = this.deps.channels.get(channel);
    if (!port) return 0;
    return this.deps.store.withAddressLock(channel, address, async (outbox) => {
      const delivered: string[] = [];
      try {
        for (const row of await outbox.pendingOutbound({ address: { channel, address } })) {
          try {
            await port.send(address, row.payload as RenderedMessage, { id: row.id });
          } catch (e) {
            await outbox.markFailed(row.id, (e as Error).message);
            this.deps.log.warn({ channel, err: (e as Error).message, respondent: row.respondentId }, 'reply not delivered; kept in the outbox');
            break;
          }
          delivered.push(row.id);
        }
      } finally {
        // One commit for the whole batch: each commit is an fsync.
        await outbox.markDelivered(delivered);
      }
      return delivered.length;
    });
  }

  /** Resolves when no message is being handled and no delivery is running (for shutdown). */
  async idle(): Promise<void> {
    await this.serial.idle();
    await this.flushes.idle();
  }

  /** Re-sends everything left in the outbox (after a restart). */
  async flushAll(): Promise<number> {
    const seen = new Set<string>();
    let sent = 0;
    for (const row of await this.deps.store.pendingOutbound({}, 10_000)) {
      const key = `${row.channel}\u0000${row.address}`;
      if (seen.has(key)) continue;
      seen.add(key);
      sent += await this.flush(row.channel, row.address);
    }
    return sent;
  }
}
