/**
 * The dead-letter repository: counts the failed attempts of an inbound message (over
 * restarts, since the count is a row) and parks a message that keeps failing, so the channel
 * can confirm it and move on to the next person.
 *
 * Parking is one transaction: the message is claimed in the inbox (a redelivery is then a
 * duplicate), the row is marked parked with the message content (never the address), and
 * the apology is queued in the outbox like any reply.
 * @module
 */
import { StoreTx, type Store } from './store.ts';
import type { OutboxWriter } from './outbox.ts';
import type { Channel } from '../surveys/channels.ts';

/** Where and what failed, already free of the address and the message text. */
export interface Failure {
  layer: string;
  code: string;
  reason: string;
}

/** One inbound message as the dead-letter table knows it. */
export interface LetterKey {
  channel: Channel;
  /** The keyed-hash message key, as in the inbox. */
  messageKey: string;
  respondentId: string;
  /** Only for the contact row and the apology's outbox row; never stored in dead_letters. */
  address: string;
}

export interface DeadLetter extends Failure {
  channel: string;
  messageKey: string;
  respondentId: string;
  attempts: number;
  content: unknown;
  firstSeenAt: string;
  lastSeenAt: string;
  parkedAt: string | null;
}

export interface Apology {
  id: string;
  payload: unknown;
}

export class DeadLetters {
  constructor(private readonly store: Store) {}

  /** Counts one failed attempt of a message and returns how many there were, this one included. */
  async recordFailure(key: LetterKey, failure: Failure, now: string): Promise<number> {
    return this.store.db.transaction().execute(async (trx) => {
      const tx = new StoreTx(trx);
      // The respondent row must exist for the foreign key; the failed message may have rolled it back.
      await tx.touchRespondent(key.respondentId, key.channel, key.address, now);
      const row = await trx
        .insertInto('dead_letters')
        .values({
          channel: key.channel,
          message_key: key.messageKey,
          respondent_id: key.respondentId,
          status: 'failing',
          ...failure,
          attempts: 1,
          content: null,
          first_seen_at: now,
          last_seen_at: now,
          parked_at: null,
        })
        .onConflict((oc) =>
          oc.columns(['channel', 'message_key']).doUpdateSet((eb) => ({ ...failure, attempts: eb('dead_letters.attempts', '+', 1), last_seen_at: now })),
        )
        .returning('attempts')
        .executeTakeFirstOrThrow();
      return row.attempts;
    });
  }

  /** Forgets the attempts of a message that went through after all. */
  async clear(channel: string, messageKey: string): Promise<void> {
    await this.store.db
      .deleteFrom('dead_letters')
      .where('channel', '=', channel)
      .where('message_key', '=', messageKey)
      .where('status', '=', 'failing')
      .execute();
  }

  /**
   * Parks a message: claims it, stores its content and queues the apology, in one
   * transaction. 'duplicate' when the message was handled meanwhile (nothing is parked).
   */
  async park(
    key: LetterKey,
    failure: Failure & { attempts: number },
    content: unknown,
    apology: Apology,
    outbox: OutboxWriter,
    now: string,
  ): Promise<'parked' | 'duplicate'> {
    return this.store.db.transaction().execute(async (trx) => {
      const tx = new StoreTx(trx, this.store.shared);
      await tx.lockRespondent(key.respondentId);
      if (!(await tx.touchAndClaim(key.respondentId, key.channel, key.address, key.messageKey, now))) return 'duplicate';
      const parked = { status: 'parked' as const, ...failure, content: JSON.stringify(content), last_seen_at: now, parked_at: now };
      await trx
        .insertInto('dead_letters')
        .values({ channel: key.channel, message_key: key.messageKey, respondent_id: key.respondentId, first_seen_at: now, ...parked })
        .onConflict((oc) => oc.columns(['channel', 'message_key']).doUpdateSet(parked))
        .execute();
      await outbox.enqueue(tx, [
        { id: apology.id, respondentId: key.respondentId, channel: key.channel, address: key.address, payload: apology.payload, createdAt: now },
      ]);
      return 'parked';
    });
  }

  /** The language the respondent last used (their newest session's), or null. */
  async languageOf(respondentId: string): Promise<string | null> {
    const s = await this.store.db
      .selectFrom('sessions')
      .select('language')
      .where('respondent_id', '=', respondentId)
      .where('language', 'is not', null)
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return s?.language ?? null;
  }

  /** Parked messages, newest first. */
  async list(limit = 200): Promise<DeadLetter[]> {
    const rows = await this.store.db
      .selectFrom('dead_letters')
      .selectAll()
      .where('status', '=', 'parked')
      .orderBy('last_seen_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      channel: r.channel,
      messageKey: r.message_key,
      respondentId: r.respondent_id,
      layer: r.layer,
      code: r.code,
      reason: r.reason,
      attempts: r.attempts,
      content: r.content === null ? null : JSON.parse(r.content),
      firstSeenAt: r.first_seen_at,
      lastSeenAt: r.last_seen_at,
      parkedAt: r.parked_at,
    }));
  }

  /** How many messages are parked. */
  async count(): Promise<number> {
    const r = await this.store.db
      .selectFrom('dead_letters')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('status', '=', 'parked')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
