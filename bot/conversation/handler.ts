/**
 * The inbound use case every channel calls, as a short orchestrator:
 * dedupe → intercept → load session → interpret → advance → applyStep, in one transaction;
 * then the work after commit (media queues, reminders) and delivery of the replies.
 *
 * Replies go through the outbox (bot/delivery), written in the same transaction as the answer,
 * so a crash after the commit re-sends them on restart instead of leaving the respondent
 * waiting. Messages of one respondent are handled one at a time, in order.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { i18n as I18n } from 'i18next';
import { advance, currentPrompt, start } from '../../surveys/engine/engine.ts';
import type { EngineContext, EngineInput, SessionState, Step } from '../../surveys/engine/types.ts';
import { matchLanguage } from '../../surveys/languages.ts';
import type { Pseudonymizer } from '../../storage/pseudonym.ts';
import { ConcurrentUpdateError, type Store, type StoreTx } from '../../storage/store.ts';
import type { MediaSubmission, TextSubmission } from '../../workers/intake.ts';
import type { InboundMessage } from '../channels/port.ts';
import type { Delivery } from '../delivery/outbox.ts';
import { KeyedSerial } from '../serial.ts';
import { stepApplier, type AfterCommit, type ApplyStep } from './apply-step.ts';
import { interpret } from './interpret.ts';
import { countStep } from './funnel-step.ts';
import { firstMessageStop, followOptOut, optedOutMessage, optOut } from './opt-out.ts';
import { PilotResolver, type Pilot, type Requested, type SurveyEntry } from './pilots.ts';
import type { Renderer, RenderedMessage } from './render.ts';
import { waveToStart } from './waves.ts';

export type { SurveyEntry } from './pilots.ts';

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
  /** The one owner of outbound delivery: replies are queued and flushed through it. */
  delivery: Delivery;
  log: Logger;
  /** Where media answers go once committed (the media queues); absent = they stay pending. */
  media?: MediaPort | undefined;
  /** When a saved session's next reminder is due (saved with it); absent = no reminders. */
  reminderDue?: ((session: { revision: number; state: SessionState }) => string | null) | undefined;
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
  /** Whether typed answers are translated; absent = not. */
  translatesText?: boolean;
  /** Queues committed typed answers for translation. May fail (Redis down): the sweeper re-queues pending ones. */
  translate?(items: TextSubmission[]): Promise<void>;
  withdrawTexts?(items: TextSubmission[]): Promise<void>;
}

/** Handles a message before the engine; returns the replies, or null to let the engine have it. */
export type InboundInterceptor = (tx: StoreTx, msg: InboundMessage, respondentId: string, now: string) => Promise<RenderedMessage[] | null>;

type Committed = { outcome: 'duplicate' } | { outcome: 'handled'; after: AfterCommit | null };

export class InboundHandler {
  private readonly serial = new KeyedSerial();
  private readonly pilots: PilotResolver;
  private readonly applyStep: ApplyStep;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly deps: HandlerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
    this.pilots = new PilotResolver(deps);
    this.applyStep = stepApplier({
      renderer: deps.renderer,
      outbox: deps.delivery,
      newId: this.newId,
      reminderDue: deps.reminderDue,
      translatesText: deps.media?.translatesText === true && deps.media.translate !== undefined,
    });
  }

  /** The pseudonymous id of whoever writes from `address` on `channel`. */
  respondentIdFor(channel: string, address: string): string {
    return this.deps.pseudonyms.respondentId(channel, address);
  }

  /** The do-not-contact key of an address (what the suppression list stores instead of it). */
  suppressionKey(channel: string, address: string): string {
    return this.deps.pseudonyms.suppressionKey(channel, address);
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
    if (committed.outcome === 'handled' && committed.after) await this.afterCommit(committed.after, msg.channel);
    const delivery = this.deps.delivery.flush(msg.channel, msg.address);
    if (opts.delivery === 'background') {
      delivery.catch((e: Error) => this.deps.log.error({ channel: msg.channel, err: e.message }, 'delivery failed; replies stay in the outbox'));
    } else {
      await delivery;
    }
    return committed.outcome;
  }

  /** Work outside the transaction: queue media answers, delete an erased person's files. Never fails the message. (Reminders are planned in it.) */
  private async afterCommit(c: AfterCommit, channel: string): Promise<void> {
    const { media, log } = this.deps;
    const attempt = async (what: () => Promise<unknown> | undefined, level: 'warn' | 'error', note: string) => {
      try {
        await what();
      } catch (e) {
        log[level]({ channel, err: (e as Error).message }, note);
      }
    };
    if (media) {
      if (c.media.length > 0) await attempt(() => media.submit(c.media), 'warn', 'media answer not queued now; the sweeper will queue it');
      if (c.texts.length > 0) await attempt(() => media.translate?.(c.texts), 'warn', 'typed answer not queued for translation now; the sweeper will queue it');
      if (c.erasedFiles.length > 0) await attempt(() => media.forget(c.erasedFiles), 'error', "could not delete an erased respondent's media files");
      // Job data holds only answer ids, but a kept job would still point at an erased answer.
      if (c.withdrawn.length > 0) await attempt(() => media.withdraw?.(c.withdrawn), 'error', "could not remove an erased respondent's media jobs");
      if (c.withdrawnTexts.length > 0)
        await attempt(() => media.withdrawTexts?.(c.withdrawnTexts), 'error', "could not remove an erased respondent's translation jobs");
    }
  }

  private async commit(msg: InboundMessage, respondentId: string): Promise<Committed> {
    // Read before the transaction: SQLite has one connection, which the transaction holds.
    const requested = await this.pilots.requested(msg);
    const fallback = await this.pilots.fallback();
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
    if (!(await tx.touchAndClaim(respondentId, msg.channel, msg.address, messageKey, now))) return { outcome: 'duplicate' };
    const intercepted = await this.deps.intercept?.(tx, msg, respondentId, now);
    if (intercepted) {
      await this.deps.delivery.enqueue(
        tx,
        intercepted.map((payload) => ({ id: this.newId(), respondentId, channel: msg.channel, address: msg.address, payload, createdAt: now })),
      );
      return { outcome: 'handled', after: null };
    }

    const ctx: EngineContext = { now, newId: this.newId, messageId: messageKey };
    const existing = await tx.findSession(respondentId, requested?.pilot.code);
    const loaded = existing && this.pilots.survey(existing.state.surveyId);
    const pilot: Pilot = existing && loaded ? { code: existing.pilotCode, ...loaded } : (requested?.pilot ?? fallback);
    const survey = pilot.survey;
    // Invited to a new wave after finishing the last: this message starts a session in it.
    const wave = existing && loaded ? await waveToStart(tx, existing, respondentId, survey, now) : null;

    // STOP as a first message (or as the answer to a new wave's invitation): on the do-not-contact list, a calm answer, no session.
    const stopLng =
      (!existing || wave) && !requested ? firstMessageStop(msg.content, this.deps.i18n, survey.languages, survey.defaultLanguage, msg.languageHint) : null;
    if (stopLng !== null) {
      await optOut(tx, (c, a) => this.suppressionKey(c, a), msg, 'stop-first-message', now);
      await tx.funnel.record({ pilotCode: pilot.code, surveyId: survey.id, language: stopLng, channel: msg.channel }, 'stopped', now);
      const payload = this.deps.renderer.render(optedOutMessage(stopLng), stopLng, survey.namespace, pilot.resolveMedia);
      await this.deps.delivery.enqueue(tx, [{ id: this.newId(), respondentId, channel: msg.channel, address: msg.address, payload, createdAt: now }]);
      return { outcome: 'handled', after: null };
    }

    let step: Step;
    let input: EngineInput | null = null;
    if (!existing) {
      // A per-language link (`<code>-<lng>`) preselects the language over the app's hint.
      step = start(survey, { languageHint: requested?.language ?? msg.languageHint, languageHints: msg.languageHints }, ctx);
    } else if (wave) {
      step = start(survey, { languageHint: existing.state.language ?? msg.languageHint, languageHints: msg.languageHints, known: wave.known }, ctx);
    } else {
      const state = existing.state;
      const lng = state.language ?? state.languageHint ?? matchLanguage(msg.languageHint, survey.languages) ?? survey.defaultLanguage;
      const promptMessage = currentPrompt(survey, state);
      const r = this.deps.renderer;
      // Only typed text is matched against the prompt's labels: a tap needs no rendering.
      input = interpret(msg.content, {
        t: r.t(lng),
        tEn: r.t('en'),
        promptMessage,
        prompt: msg.content.kind === 'text' ? r.render(promptMessage, lng, survey.namespace) : null,
      });
      step = advance(survey, state, input, ctx);
    }
    const sessionId = existing && !wave ? existing.id : this.newId();
    // The funnel and the do-not-contact list follow the step, in its transaction.
    await followOptOut(tx, (c, a) => this.suppressionKey(c, a), msg, input, requested !== undefined, now);
    await countStep(tx, {
      place: { pilotCode: pilot.code, surveyId: survey.id, channel: msg.channel },
      sessionId,
      prior: wave ? null : (existing?.state ?? null),
      step,
      input,
      now,
    });
    const after = await this.applyStep(tx, step, {
      sessionId,
      respondentId,
      pilot,
      channel: msg.channel,
      address: msg.address,
      revision: wave ? 0 : (existing?.revision ?? 0),
      // Someone new joins the pilot's open wave.
      wave: wave?.wave ?? existing?.wave ?? (await tx.waves.current(pilot.code, now)),
      messageKey,
      tapped: msg.tapped,
      now,
    });
    return { outcome: 'handled', after };
  }

  /** Resolves when no message is being handled and no delivery is running (for shutdown). */
  async idle(): Promise<void> {
    await this.serial.idle();
    await this.deps.delivery.idle();
  }
}
