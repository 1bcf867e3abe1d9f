/**
 * The do-not-contact list: channel addresses that said STOP, by keyed hash only.
 *
 * Everything that messages people unasked (invitations, results, reminders, follow-up
 * invitations) checks it right before queueing, in the transaction that queues. An opt-out
 * holds across pilots and campaigns until the same person sends START or joins by a new
 * link; the lift is kept on the row (when, how), never deleted.
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/** The keyed hash of a channel address (Pseudonymizer.suppressionKey). */
export type SuppressionKeyOf = (channel: string, address: string) => string;
export type SuppressionSource = 'stop-first-message' | 'stop-mid-survey';
export type LiftSource = 'start-command' | 'new-link';

type Executor = Kysely<Database> | Transaction<Database>;

export class SuppressionList {
  constructor(
    private readonly db: Executor,
    private readonly keyOf: SuppressionKeyOf,
  ) {}

  /** Adds (or renews) an opt-out for each of the addresses a person has on `channel`. */
  async suppress(channel: string, addresses: readonly string[], source: SuppressionSource, now: string): Promise<void> {
    for (const key of this.keys(channel, addresses)) {
      await this.db
        .insertInto('suppressions')
        .values({ address_key: key, channel, since: now, source, lifted_at: null, lift_source: null })
        .onConflict((oc) => oc.column('address_key').doUpdateSet({ since: now, source, lifted_at: null, lift_source: null }))
        .execute();
    }
  }

  /** Lifts a standing opt-out of these addresses; returns whether there was one. */
  async lift(channel: string, addresses: readonly string[], source: LiftSource, now: string): Promise<boolean> {
    const keys = this.keys(channel, addresses);
    if (keys.length === 0) return false;
    const res = await this.db
      .updateTable('suppressions')
      .set({ lifted_at: now, lift_source: source })
      .where('address_key', 'in', keys)
      .where('lifted_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async isSuppressed(channel: string, address: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('suppressions')
      .select('address_key')
      .where('address_key', '=', this.keyOf(channel, address))
      .where('lifted_at', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** How many addresses are on the list now (for the dashboard). */
  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('suppressions')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('lifted_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  private keys(channel: string, addresses: readonly string[]): string[] {
    return [...new Set(addresses.map((a) => this.keyOf(channel, a)))];
  }
}
