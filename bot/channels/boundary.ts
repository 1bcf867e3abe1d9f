/**
 * The inbound error boundary both chat channels go through: one failing message must
 * neither crash the bot (blocking everybody behind it) nor vanish.
 *
 * A transient store error (busy, a dropped connection) is retried after a short backoff.
 * Any other failure counts as an attempt — in the dead-letter table, so attempts before a
 * crash and redelivery count too — and the message is tried again; after `maxAttempts` it
 * is parked: claimed, kept for admins without its address, and answered with a short
 * apology in the respondent's language. The channel then confirms it and moves on.
 * Only when even counting or parking fails (the store is gone) does `receive` reject, with a
 * StoreError 'unavailable', so the channel can leave the message unconfirmed.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isLayered } from '../../surveys/errors.ts';
import { matchLanguage } from '../../surveys/languages.ts';
import type { DeadLetters, Failure, LetterKey } from '../../storage/dead-letters.ts';
import { isTransient, StoreError, toStoreError } from '../../storage/errors.ts';
import type { Pseudonymizer } from '../../storage/pseudonym.ts';
import type { HandleOutcome, InboundHandler } from '../conversation/handler.ts';
import type { Delivery } from '../delivery/outbox.ts';
import type { Renderer } from '../conversation/render.ts';
import type { InboundMessage } from './port.ts';

export type ReceiveOutcome = HandleOutcome | 'parked';
type DeliveryMode = { delivery?: 'await' | 'background' };

/** What a channel hands its messages to. */
export interface InboundReceiver {
  receive(msg: InboundMessage, opts?: DeliveryMode): Promise<ReceiveOutcome>;
}

export interface BoundaryDeps {
  handler: Pick<InboundHandler, 'handle'>;
  /** Queues and sends the apology (the one owner of outbound delivery). */
  delivery: Pick<Delivery, 'enqueue' | 'flush'>;
  deadLetters: DeadLetters;
  pseudonyms: Pseudonymizer;
  renderer: Renderer;
  /** Languages the apology may be in (the survey's), and the one used when nothing is known. */
  languages: readonly string[];
  defaultLanguage: string;
  log: Logger;
  /** Failed attempts before a message is parked. @defaultValue 3 */
  maxAttempts?: number;
  /** Retries of a transient store error before it counts as a failed attempt. @defaultValue 3 */
  transientRetries?: number;
  /** First backoff, doubled on each retry. @defaultValue 50 */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  newId?: () => string;
}

export class InboundBoundary implements InboundReceiver {
  private readonly maxAttempts: number;
  private readonly transientRetries: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: BoundaryDeps) {
    this.maxAttempts = Math.max(1, deps.maxAttempts ?? 3);
    this.transientRetries = Math.max(0, deps.transientRetries ?? 3);
    this.backoffMs = deps.backoffMs ?? 50;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async receive(msg: InboundMessage, opts: DeliveryMode = {}): Promise<ReceiveOutcome> {
    let key: LetterKey | undefined;
    let transient = 0;
    for (;;) {
      try {
        const outcome = await this.deps.handler.handle(msg, opts);
        if (key) await this.deps.deadLetters.clear(key.channel, key.messageKey).catch(() => undefined);
        return outcome;
      } catch (e) {
        if (isTransient(e) && transient < this.transientRetries) {
          await this.sleep(this.backoffMs * 2 ** transient++);
          continue;
        }
        key ??= this.keyOf(msg);
        const failure = describeFailure(e, msg);
        const attempts = await this.orUnavailable(() => this.deps.deadLetters.recordFailure(key!, failure, this.now()), 'count a failed attempt');
        this.deps.log.warn(
          { channel: msg.channel, respondent: key.respondentId, layer: failure.layer, code: failure.code, reason: failure.reason, attempts },
          'inbound message failed',
        );
        if (attempts < this.maxAttempts) {
          transient = 0;
          await this.sleep(this.backoffMs);
          continue;
        }
        return this.park(msg, key, { ...failure, attempts });
      }
    }
  }

  private async park(msg: InboundMessage, key: LetterKey, failure: Failure & { attempts: number }): Promise<ReceiveOutcome> {
    const lng =
      (await this.deps.deadLetters.languageOf(key.respondentId).catch(() => null)) ??
      matchLanguage(msg.languageHint, this.deps.languages) ??
      this.deps.defaultLanguage;
    const payload = this.deps.renderer.render({ parts: [{ ns: 'bot', key: 'failure.apology' }] }, lng, 'bot');
    const content = { content: msg.content, receivedAt: msg.receivedAt, languageHint: msg.languageHint ?? null };
    const apology = { id: (this.deps.newId ?? randomUUID)(), payload };
    const parked = await this.orUnavailable(
      () => this.deps.deadLetters.park(key, failure, content, apology, this.deps.delivery, this.now()),
      'park a failing message',
    );
    if (parked === 'duplicate') return 'duplicate';
    this.deps.log.error(
      { channel: msg.channel, respondent: key.respondentId, layer: failure.layer, code: failure.code, reason: failure.reason, attempts: failure.attempts },
      'inbound message parked as a dead letter',
    );
    await this.deps.delivery
      .flush(msg.channel, msg.address)
      .catch((e: Error) => this.deps.log.warn({ channel: msg.channel, err: e.message }, 'apology kept in the outbox'));
    return 'parked';
  }

  private keyOf(msg: InboundMessage): LetterKey {
    const p = this.deps.pseudonyms;
    return {
      channel: msg.channel,
      address: msg.address,
      respondentId: p.respondentId(msg.channel, msg.identity ?? msg.address),
      messageKey: p.messageKey(msg.channel, msg.address, msg.messageId),
    };
  }

  /** Runs a dead-letter write; if the store fails it too, nothing can be kept: reject as 'unavailable'. */
  private async orUnavailable<T>(fn: () => Promise<T>, what: string): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw new StoreError('unavailable', `could not ${what}: ${toStoreError(e)?.code ?? 'error'}: ${(e as Error).message}`, { cause: e });
    }
  }

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }
}

/** Where and what failed, with the address and the message's own words taken out of the reason. */
export function describeFailure(e: unknown, msg: InboundMessage): Failure {
  const store = toStoreError(e);
  const { layer, code } = isLayered(e) ? e : (store ?? { layer: 'bot', code: 'unexpected' });
  let reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const c = msg.content;
  const secrets = [msg.address, msg.identity, ...(msg.aliases ?? []), c.kind === 'text' ? c.text : c.kind === 'media' ? c.caption : undefined];
  for (const s of secrets) if (s && s.length >= 3) reason = reason.split(s).join('…');
  return { layer, code, reason: reason.slice(0, 500) };
}
