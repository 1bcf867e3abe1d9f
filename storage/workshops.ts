/**
 * The blind-spot workshop of an organisation: the team colours each indicator by how much it
 * knows of newcomers' experience there, with notes and reflection cards. Every save is a new
 * version holding the whole snapshot (other members' colours are carried over, the saving
 * member's replaced), so no save overwrites another and an old version opens as it was.
 * @module
 */
import { combineKnowledge, KNOWLEDGE_COLOURS, type KnowledgeColour, type KnowledgeSpread } from '../surveys/knowledge.ts';
import type { Db } from './database.ts';

export interface Workshop {
  id: string;
  organisationId: string;
  name: string;
  createdAt: string;
  createdBy: string;
}
export interface WorkshopVersionInfo {
  version: number;
  savedAt: string;
  savedBy: string;
}
export interface WorkshopEntry {
  indicator: string;
  member: string;
  colour: KnowledgeColour;
  note: string;
}
export interface ReflectionCard {
  indicator: string;
  known: string;
  knownSource: string;
  unknown: string;
  unknownHow: string;
}
export interface CombinedColour {
  indicator: string;
  colour: KnowledgeColour | null;
  spread: KnowledgeSpread;
}
export interface WorkshopSnapshot extends WorkshopVersionInfo {
  entries: WorkshopEntry[];
  cards: ReflectionCard[];
}
export interface PlannedExpertpool {
  id: string;
  version: number;
  indicator: string;
  colour: KnowledgeColour;
  note: string;
  plannedAt: string;
  plannedBy: string;
}

const asColour = (c: string): KnowledgeColour => ((KNOWLEDGE_COLOURS as readonly string[]).includes(c) ? (c as KnowledgeColour) : 'red');
const blankCard = (c: ReflectionCard) => [c.known, c.knownSource, c.unknown, c.unknownHow].every((s) => s.trim() === '');

/** The team's colour per indicator (in the given order) from every member's colour in a snapshot. */
export function combinedColours(indicators: readonly string[], entries: readonly WorkshopEntry[]): CombinedColour[] {
  return indicators.map((indicator) => ({ indicator, ...combineKnowledge(entries.filter((e) => e.indicator === indicator).map((e) => e.colour)) }));
}

export class Workshops {
  constructor(private readonly db: Db) {}

  async find(organisationId: string): Promise<Workshop | undefined> {
    const r = await this.db.selectFrom('workshops').selectAll().where('organisation_id', '=', organisationId).executeTakeFirst();
    return r && { id: r.id, organisationId: r.organisation_id, name: r.name, createdAt: r.created_at, createdBy: r.created_by };
  }

  /** The organisation's workshop, created on first use. */
  async ensure(organisationId: string, o: { id: string; name: string; by: string; now: string }): Promise<Workshop> {
    await this.db
      .insertInto('workshops')
      .values({ id: o.id, organisation_id: organisationId, name: o.name, created_at: o.now, created_by: o.by })
      .onConflict((oc) => oc.column('organisation_id').doNothing())
      .execute();
    return (await this.find(organisationId))!;
  }

  async rename(workshopId: string, name: string): Promise<void> {
    await this.db.updateTable('workshops').set({ name }).where('id', '=', workshopId).execute();
  }

  /** Every saved version, newest first. */
  async versions(workshopId: string): Promise<WorkshopVersionInfo[]> {
    const rows = await this.db.selectFrom('workshop_versions').selectAll().where('workshop_id', '=', workshopId).orderBy('version', 'desc').execute();
    return rows.map((r) => ({ version: Number(r.version), savedAt: r.saved_at, savedBy: r.saved_by }));
  }

  /** One version as it was saved (the latest without `version`); undefined when there is none. */
  async open(workshopId: string, version?: number): Promise<WorkshopSnapshot | undefined> {
    let q = this.db.selectFrom('workshop_versions').selectAll().where('workshop_id', '=', workshopId);
    q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
    const v = await q.executeTakeFirst();
    if (!v) return undefined;
    const n = Number(v.version);
    const [entries, cards] = await Promise.all([
      this.db.selectFrom('workshop_entries').selectAll().where('workshop_id', '=', workshopId).where('version', '=', n).orderBy('member').execute(),
      this.db.selectFrom('workshop_cards').selectAll().where('workshop_id', '=', workshopId).where('version', '=', n).execute(),
    ]);
    return {
      version: n,
      savedAt: v.saved_at,
      savedBy: v.saved_by,
      entries: entries.map((e) => ({ indicator: e.indicator, member: e.member, colour: asColour(e.colour), note: e.note })),
      cards: cards.map((c) => ({ indicator: c.indicator, known: c.known, knownSource: c.known_source, unknown: c.unknown, unknownHow: c.unknown_how })),
    };
  }

  /**
   * Saves a new version: the previous version's colours of the other members, this member's
   * colours as given (an indicator left out is no longer coloured by them), and the cards as
   * given — or the previous cards when `cards` is undefined. Returns the new version number.
   */
  async save(
    workshopId: string,
    s: { member: string; colours: ReadonlyArray<Omit<WorkshopEntry, 'member'>>; cards?: readonly ReflectionCard[] | undefined; now: string },
  ): Promise<number> {
    // Two members saving at once may pick the same number; the loser's insert fails on the key and takes the next.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction().execute(async (trx) => {
          const last = await trx
            .selectFrom('workshop_versions')
            .select('version')
            .where('workshop_id', '=', workshopId)
            .orderBy('version', 'desc')
            .limit(1)
            .executeTakeFirst();
          const prev = last ? Number(last.version) : 0;
          const version = prev + 1;
          await trx.insertInto('workshop_versions').values({ workshop_id: workshopId, version, saved_at: s.now, saved_by: s.member }).execute();
          const others = await trx
            .selectFrom('workshop_entries')
            .select(['indicator', 'member', 'colour', 'note'])
            .where('workshop_id', '=', workshopId)
            .where('version', '=', prev)
            .where('member', '!=', s.member)
            .execute();
          const entries = [...others, ...s.colours.map((c) => ({ ...c, member: s.member }))];
          if (entries.length > 0)
            await trx
              .insertInto('workshop_entries')
              .values(entries.map((e) => ({ ...e, workshop_id: workshopId, version })))
              .execute();
          const cards =
            s.cards !== undefined
              ? s.cards
                  .filter((c) => !blankCard(c))
                  .map((c) => ({ indicator: c.indicator, known: c.known, known_source: c.knownSource, unknown: c.unknown, unknown_how: c.unknownHow }))
              : await trx
                  .selectFrom('workshop_cards')
                  .select(['indicator', 'known', 'known_source', 'unknown', 'unknown_how'])
                  .where('workshop_id', '=', workshopId)
                  .where('version', '=', prev)
                  .execute();
          if (cards.length > 0)
            await trx
              .insertInto('workshop_cards')
              .values(cards.map((c) => ({ ...c, workshop_id: workshopId, version })))
              .execute();
          return version;
        });
      } catch (e) {
        if (attempt >= 4) throw e;
      }
    }
  }

  /** Records planned expertpools (one per indicator) made from a version's map. */
  async planExpertpools(
    workshopId: string,
    plan: { version: number; by: string; now: string; items: ReadonlyArray<{ indicator: string; colour: KnowledgeColour; note: string }> },
    newId: () => string,
  ): Promise<number> {
    if (plan.items.length === 0) return 0;
    await this.db
      .insertInto('workshop_expertpools')
      .values(
        plan.items.map((i) => ({
          id: newId(),
          workshop_id: workshopId,
          version: plan.version,
          indicator: i.indicator,
          colour: i.colour,
          note: i.note,
          planned_at: plan.now,
          planned_by: plan.by,
        })),
      )
      .execute();
    return plan.items.length;
  }

  /** The planned expertpools, newest first. */
  async expertpools(workshopId: string): Promise<PlannedExpertpool[]> {
    const rows = await this.db
      .selectFrom('workshop_expertpools')
      .selectAll()
      .where('workshop_id', '=', workshopId)
      .orderBy('planned_at', 'desc')
      .orderBy('indicator')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      version: Number(r.version),
      indicator: r.indicator,
      colour: asColour(r.colour),
      note: r.note,
      plannedAt: r.planned_at,
      plannedBy: r.planned_by,
    }));
  }
}
