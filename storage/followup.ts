/**
 * The follow-up queue: respondents with red answers on an indicator who agreed to be
 * recontacted about that indicator, one case each, with status, notes, assignee and an
 * audit trail; and the expertpool (whose latest expertpool decision is yes), per theme. Contact addresses are read here only to send an invitation; they never leave
 * this module except to the outbox.
 * @module
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Channel } from '../surveys/channels.ts';
import type { Database } from './schema.ts';
import { channelFromRow } from './rows.ts';

/**
 * True when the respondent's latest expertpool decision in the pilot is yes. A "no" recorded at
 * the same moment as a "yes" wins: when in doubt, nobody is invited to a group session.
 */
export function inExpertpool(respondent: RawBuilder<unknown>, pilot: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from consents e where e.respondent_id = ${respondent} and e.pilot_code = ${pilot}
    and e.kind = 'expertpool' and e.granted = 1 and not exists (select 1 from consents e2 where e2.respondent_id = e.respondent_id
    and e2.pilot_code = e.pilot_code and e2.kind = 'expertpool' and e2.granted = 0 and e2.recorded_at >= e.recorded_at))`;
}

/** True when the respondent's latest recontact decision for the theme is yes (on consents `c`, comparing with `c2`). */
export const recontactYes = sql<boolean>`c.kind = 'recontact' and c.granted = 1 and c.theme is not null and not exists (select 1 from consents c2
  where c2.respondent_id = c.respondent_id and c2.pilot_code = c.pilot_code and c2.kind = 'recontact' and c2.theme = c.theme
  and c2.granted = 0 and c2.recorded_at > c.recorded_at)`;

export const CASE_STATUSES = ['open', 'invited', 'accepted', 'declined', 'attended', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** An invitation went out and its RSVP is still to be read from the respondent's reply. */
export const AWAITING_REPLY: CaseStatus = 'invited';
export const RSVPS = ['accepted', 'declined', 'maybe'] as const;
export type Rsvp = (typeof RSVPS)[number];

export interface FollowupCase {
  id: string;
  pilotCode: string;
  respondentId: string;
  indicator: string;
  status: CaseStatus;
  rsvp: Rsvp | null;
  notes: string;
  assigneeId: string | null;
  assigneeEmail: string | null;
  /** The respondent's chosen language in this pilot (null if never chosen). */
  language: string | null;
  redAnswers: number;
  /** Whether the respondent's latest expertpool decision is yes (only then may they get a group-session invitation). */
  expertpool: boolean;
  /** Whether the respondent's latest recontact decision for this case's theme is still yes (no invitation otherwise). */
  recontact: boolean;
  updatedAt: string;
}

/** Someone whose latest expertpool decision is yes, per theme they agreed to be recontacted about (red answers or not). */
export interface ExpertpoolMember {
  respondentId: string;
  indicator: string;
  language: string | null;
  redAnswers: number;
  caseId: string | null;
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  caseId: string | null;
  detail: Record<string, unknown>;
}

/** Works on the database or inside a transaction (the inbound handler's). */
type Q = Kysely<Database>;

export class Followup {
  constructor(private readonly db: Q) {}

  /**
   * Opens a case for every (respondent, indicator) with a red answer whose latest recontact
   * decision for that indicator is "yes" and that has no case yet. Returns how many were opened.
   */
  async syncCases(pilot: string, newId: () => string, now: string): Promise<number> {
    // From the consents side: recontact consents are few, and each respondent has few answers.
    const rows = await this.db
      .selectFrom('consents as c')
      .select(['c.respondent_id', 'c.theme as indicator'])
      .distinct()
      .where('c.pilot_code', '=', pilot)
      .where(recontactYes)
      .where(sql<boolean>`exists (select 1 from answers a where a.respondent_id = c.respondent_id and a.pilot_code = c.pilot_code
        and a.indicator = c.theme and a.traffic_light = 'red')`)
      .where(
        sql<boolean>`not exists (select 1 from followup_cases f where f.pilot_code = c.pilot_code and f.respondent_id = c.respondent_id and f.indicator = c.theme)`,
      )
      .execute();
    if (rows.length === 0) return 0;
    await this.openCases(
      pilot,
      rows.map((r) => ({ respondentId: r.respondent_id, indicator: r.indicator! })),
      newId,
      now,
    );
    return rows.length;
  }

  /** The expertpool of a pilot, one row per member and consented theme, optionally for one theme. */
  async expertpool(pilot: string, indicator?: string): Promise<ExpertpoolMember[]> {
    let q = this.db
      .selectFrom('consents as c')
      .leftJoin('sessions as s', (j) => j.onRef('s.respondent_id', '=', 'c.respondent_id').onRef('s.pilot_code', '=', 'c.pilot_code'))
      .leftJoin('followup_cases as f', (j) =>
        j.onRef('f.respondent_id', '=', 'c.respondent_id').onRef('f.pilot_code', '=', 'c.pilot_code').onRef('f.indicator', '=', 'c.theme'),
      )
      .select([
        'c.respondent_id',
        'c.theme',
        's.language',
        'f.id as case_id',
        sql<
          number | string
        >`(select count(*) from answers a where a.respondent_id = c.respondent_id and a.pilot_code = c.pilot_code and a.indicator = c.theme and a.traffic_light = 'red')`.as(
          'red',
        ),
      ])
      .distinct()
      .where('c.pilot_code', '=', pilot)
      .where(recontactYes)
      .where(inExpertpool(sql.ref('c.respondent_id'), sql.ref('c.pilot_code')));
    if (indicator) q = q.where('c.theme', '=', indicator);
    const rows = await q.orderBy('c.theme').orderBy('c.respondent_id').execute();
    return rows.map((r) => ({ respondentId: r.respondent_id, indicator: r.theme!, language: r.language, redAnswers: Number(r.red), caseId: r.case_id }));
  }

  /**
   * Opens cases for expertpool members on a theme (so they can be invited though they gave no red
   * answer). Only members still in the expertpool with a live recontact consent for the theme get one.
   */
  async openExpertpoolCases(pilot: string, indicator: string, respondentIds: readonly string[], newId: () => string, now: string): Promise<number> {
    if (respondentIds.length === 0) return 0;
    const wanted = new Set(respondentIds);
    const eligible = (await this.expertpool(pilot, indicator)).filter((m) => m.caseId === null && wanted.has(m.respondentId));
    if (eligible.length === 0) return 0;
    await this.openCases(
      pilot,
      eligible.map((m) => ({ respondentId: m.respondentId, indicator })),
      newId,
      now,
    );
    return eligible.length;
  }

  /** New open cases (one per respondent and theme; an existing one stays as it is). */
  private async openCases(pilot: string, cases: ReadonlyArray<{ respondentId: string; indicator: string }>, newId: () => string, now: string): Promise<void> {
    await this.db
      .insertInto('followup_cases')
      .values(
        cases.map((c) => ({
          id: newId(),
          pilot_code: pilot,
          respondent_id: c.respondentId,
          indicator: c.indicator,
          status: 'open' as const,
          rsvp: null,
          notes: '',
          assignee_id: null,
          invitation: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['pilot_code', 'respondent_id', 'indicator']).doNothing())
      .execute();
  }

  async list(pilot: string, filter: { indicator?: string | undefined; status?: string | undefined } = {}): Promise<FollowupCase[]> {
    let q = this.base().where('f.pilot_code', '=', pilot);
    if (filter.indicator) q = q.where('f.indicator', '=', filter.indicator);
    if (filter.status) q = q.where('f.status', '=', filter.status);
    return (await q.orderBy('f.indicator').orderBy('f.created_at').orderBy('f.id').execute()).map(toCase);
  }

  async get(id: string): Promise<FollowupCase | undefined> {
    const r = await this.base().where('f.id', '=', id).executeTakeFirst();
    return r && toCase(r);
  }

  private base() {
    return this.db
      .selectFrom('followup_cases as f')
      .leftJoin('users as u', 'u.id', 'f.assignee_id')
      .leftJoin('sessions as s', (j) => j.onRef('s.respondent_id', '=', 'f.respondent_id').onRef('s.pilot_code', '=', 'f.pilot_code'))
      .select([
        'f.id',
        'f.pilot_code',
        'f.respondent_id',
        'f.indicator',
        'f.status',
        'f.rsvp',
        'f.notes',
        'f.assignee_id',
        'f.updated_at',
        'u.email',
        's.language',
        sql<
          number | string
        >`(select count(*) from answers a where a.respondent_id = f.respondent_id and a.pilot_code = f.pilot_code and a.indicator = f.indicator and a.traffic_light = 'red')`.as(
          'red',
        ),
        sql<number | string | boolean>`case when ${inExpertpool(sql.ref('f.respondent_id'), sql.ref('f.pilot_code'))} then 1 else 0 end`.as('pool'),
        sql<number | string | boolean>`case when exists (select 1 from consents c where c.respondent_id = f.respondent_id
          and c.pilot_code = f.pilot_code and c.theme = f.indicator and ${recontactYes}) then 1 else 0 end`.as('recontact'),
      ]);
  }

  async update(
    id: string,
    change: { status?: CaseStatus; notes?: string; assigneeId?: string | null; rsvp?: Rsvp | null; invitation?: string },
    now: string,
  ): Promise<void> {
    await this.db
      .updateTable('followup_cases')
      .set({
        updated_at: now,
        ...(change.status !== undefined ? { status: change.status } : {}),
        ...(change.notes !== undefined ? { notes: change.notes } : {}),
        ...(change.assigneeId !== undefined ? { assignee_id: change.assigneeId } : {}),
        ...(change.rsvp !== undefined ? { rsvp: change.rsvp } : {}),
        ...(change.invitation !== undefined ? { invitation: change.invitation } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /** The most recently invited case of a respondent not yet accepted or declined (for typed replies). */
  async awaitingReply(respondentId: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('followup_cases')
      .select('id')
      .where('respondent_id', '=', respondentId)
      .where('status', '=', AWAITING_REPLY)
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.id;
  }

  /** Where and in which language to reach the respondent of a case: their most recently used address. */
  async recipient(caseId: string): Promise<{ respondentId: string; channel: Channel; address: string; language: string | null } | undefined> {
    const r = await this.db
      .selectFrom('followup_cases as f')
      .innerJoin('contacts as c', 'c.respondent_id', 'f.respondent_id')
      .leftJoin('sessions as s', (j) => j.onRef('s.respondent_id', '=', 'f.respondent_id').onRef('s.pilot_code', '=', 'f.pilot_code'))
      .select(['f.respondent_id', 'c.channel', 'c.address', 's.language'])
      .where('f.id', '=', caseId)
      // An address that blocked the bot cannot take an invitation (the caller counts it unreachable).
      .where('c.unreachable_since', 'is', null)
      .orderBy('c.updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r && { respondentId: r.respondent_id, channel: channelFromRow(r.channel), address: r.address, language: r.language };
  }

  async audit(e: { id: string; at: string; actor: string; action: string; caseId: string | null; detail: Record<string, unknown> }): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ id: e.id, at: e.at, actor: e.actor, action: e.action, case_id: e.caseId, detail: JSON.stringify(e.detail) })
      .execute();
  }

  async auditTrail(caseId: string): Promise<AuditEntry[]> {
    const rows = await this.db.selectFrom('audit_log').selectAll().where('case_id', '=', caseId).orderBy('at').orderBy('id').execute();
    return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, caseId: r.case_id, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}

function toCase(r: {
  id: string;
  pilot_code: string;
  respondent_id: string;
  indicator: string;
  status: string;
  rsvp: string | null;
  notes: string;
  assignee_id: string | null;
  updated_at: string;
  email: string | null;
  language: string | null;
  red: number | string;
  pool: number | string | boolean;
  recontact: number | string | boolean;
}): FollowupCase {
  return {
    id: r.id,
    pilotCode: r.pilot_code,
    respondentId: r.respondent_id,
    indicator: r.indicator,
    status: r.status as CaseStatus,
    rsvp: r.rsvp as Rsvp | null,
    notes: r.notes,
    assigneeId: r.assignee_id,
    assigneeEmail: r.email,
    language: r.language,
    redAnswers: Number(r.red),
    expertpool: Number(r.pool) === 1,
    recontact: Number(r.recontact) === 1,
    updatedAt: r.updated_at,
  };
}
