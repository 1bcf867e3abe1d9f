/**
 * Organisations (a municipality, an NGO) and who works for which: pilots belong to one
 * organisation, dashboard users are members of one or more with a role there.
 * @module
 */
import type { Db } from './database.ts';
import { PilotRepository } from './pilots.ts';

/** A viewer (policy maker) sees aggregates only: no quotes, exports or respondent lists. */
export const ROLES = ['admin', 'researcher', 'coordinator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface Organisation {
  id: string;
  name: string;
  createdAt: string;
}
export interface Membership {
  organisationId: string;
  role: Role;
}

export class OrganisationExistsError extends Error {
  override name = 'OrganisationExistsError';
}

export class Organisations {
  constructor(private readonly db: Db) {}

  async add(o: { id: string; name: string; now: string }): Promise<Organisation> {
    const existing = await this.find(o.id);
    if (existing) throw new OrganisationExistsError(`organisation "${o.id}" already exists ("${existing.name}")`);
    await this.db.insertInto('organisations').values({ id: o.id, name: o.name, created_at: o.now }).execute();
    return { id: o.id, name: o.name, createdAt: o.now };
  }

  async find(id: string): Promise<Organisation | undefined> {
    const r = await this.db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, name: r.name, createdAt: r.created_at };
  }

  async list(): Promise<Organisation[]> {
    const rows = await this.db.selectFrom('organisations').selectAll().orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
  }

  /** Makes the user a member of the organisation, or gives them a new role there. */
  async setMembership(userId: string, organisationId: string, role: Role): Promise<void> {
    await this.db
      .insertInto('memberships')
      .values({ user_id: userId, organisation_id: organisationId, role })
      .onConflict((oc) => oc.columns(['user_id', 'organisation_id']).doUpdateSet({ role }))
      .execute();
  }

  async memberships(userId: string): Promise<Membership[]> {
    const rows = await this.db.selectFrom('memberships').select(['organisation_id', 'role']).where('user_id', '=', userId).orderBy('organisation_id').execute();
    return rows.map((r) => ({ organisationId: r.organisation_id, role: r.role as Role }));
  }

  /** Moves a pilot to an organisation; false when there is no such pilot. */
  async assignPilot(pilotCode: string, organisationId: string): Promise<boolean> {
    return new PilotRepository(this.db).moveToOrganisation(pilotCode, organisationId);
  }
}
