/**
 * Pilots as researchers manage them: create, list, and the response funnel per language and
 * channel. The one place that reads or writes the pilots table. Counts only; nothing here
 * returns a respondent id, chat id or phone number.
 * @module
 */
import type { Db } from './database.ts';
import { funnelCounts } from './funnel.ts';

export interface PilotRecord {
  code: string;
  name: string;
  surveyId: string;
  surveyVersion: number;
  surveyFile: string | null;
  channels: string[];
  /** The organisation (municipality, NGO) the pilot belongs to; whose staff may see it. */
  organisationId: string;
  /** Where the pilot runs (free text); null when not set. */
  municipality: string | null;
  createdAt: string;
}

export interface FunnelRow {
  language: string;
  channel: string;
  /** Invitations sent (WhatsApp), by the language they were written in. */
  invited: number;
  started: number;
  consented: number;
  /** Said no to consent (and were erased; only this count is kept). */
  declined: number;
  /** Said STOP (before a session, before consent or during the survey). */
  stopped: number;
  completed: number;
  /** Sessions that got at least one reminder. */
  reminded: number;
  /** Of those, how many completed afterwards: the reminders' effect is this ÷ reminded. */
  completedAfterReminder: number;
  /** Closed after nobody came back. */
  expired: number;
  /** Blocked the bot (or the account is gone), counted when it happened. */
  unreachable: number;
}

export class PilotExistsError extends Error {
  override name = 'PilotExistsError';
}

/** Where pilots created without an organisation go (the one an upgrade put every pilot in). */
export const DEFAULT_ORGANISATION = 'default';

const n = (v: unknown): number => Number(v ?? 0);

export class PilotRepository {
  constructor(private readonly db: Db) {}

  async create(
    p: Omit<PilotRecord, 'createdAt' | 'organisationId' | 'municipality'> & { organisationId?: string; municipality?: string | null },
    now: string,
  ): Promise<PilotRecord> {
    const existing = await this.find(p.code);
    if (existing) throw new PilotExistsError(`pilot code "${p.code}" is already used by "${existing.name}"`);
    await this.db
      .insertInto('pilots')
      .values({
        code: p.code,
        name: p.name,
        survey_id: p.surveyId,
        survey_version: p.surveyVersion,
        survey_file: p.surveyFile,
        channels: JSON.stringify(p.channels),
        created_at: now,
        ...(p.organisationId !== undefined ? { organisation_id: p.organisationId } : {}),
        municipality: p.municipality ?? null,
      })
      .execute();
    return { ...p, organisationId: p.organisationId ?? DEFAULT_ORGANISATION, municipality: p.municipality ?? null, createdAt: now };
  }

  /** Creates the pilot, or moves an existing one to this survey version (the default pilot at start-up). */
  async ensure(code: string, name: string, surveyId: string, surveyVersion: number, now: string): Promise<void> {
    await this.db
      .insertInto('pilots')
      .values({ code, name, survey_id: surveyId, survey_version: surveyVersion, created_at: now, survey_file: null, channels: '[]' })
      .onConflict((oc) => oc.column('code').doUpdateSet({ survey_version: surveyVersion }))
      .execute();
  }

  /** Moves a pilot to an organisation; false when there is no such pilot. */
  async moveToOrganisation(code: string, organisationId: string): Promise<boolean> {
    const r = await this.db.updateTable('pilots').set({ organisation_id: organisationId }).where('code', '=', code).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Sets (or, with null, clears) where a pilot runs; false when there is no such pilot. */
  async setMunicipality(code: string, municipality: string | null): Promise<boolean> {
    const r = await this.db.updateTable('pilots').set({ municipality }).where('code', '=', code).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async find(code: string): Promise<PilotRecord | undefined> {
    const row = await this.db.selectFrom('pilots').selectAll().where('code', '=', code).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(): Promise<PilotRecord[]> {
    return (await this.db.selectFrom('pilots').selectAll().orderBy('created_at').orderBy('code').execute()).map(toRecord);
  }

  /** Per (language, channel): invitations sent, and sessions started, consented, completed, reminded, stopped, expired. */
  /** The funnel per language and channel, from the funnel events (which outlive erasure and purges). */
  async funnel(code: string): Promise<FunnelRow[]> {
    const rows = await funnelCounts(this.db, code);
    const invited = await this.db
      .selectFrom('campaign_targets')
      .select((eb) => ['language', eb.fn.countAll().as('n')])
      .where('campaign_id', '=', `invite-${code}`)
      .where('status', '=', 'sent')
      .groupBy('language')
      .execute();
    const out: FunnelRow[] = rows.map((r) => ({
      language: r.language ?? '(not chosen)',
      channel: r.channel,
      invited: 0,
      started: r.started,
      consented: r.consented,
      declined: r.declined,
      stopped: r.stopped,
      completed: r.completed,
      reminded: r.reminded,
      completedAfterReminder: r.completed_after_reminder,
      expired: r.expired,
      unreachable: r.unreachable,
    }));
    for (const i of invited) {
      const row = out.find((r) => r.language === i.language && r.channel === 'whatsapp');
      if (row) row.invited = n(i.n);
      else
        out.push({
          language: i.language,
          channel: 'whatsapp',
          invited: n(i.n),
          started: 0,
          consented: 0,
          declined: 0,
          stopped: 0,
          completed: 0,
          reminded: 0,
          completedAfterReminder: 0,
          expired: 0,
          unreachable: 0,
        });
    }
    return out.sort((a, b) => a.language.localeCompare(b.language) || a.channel.localeCompare(b.channel));
  }

  /** People who declined consent leave only a count (per survey, not per channel or language). */
  async declines(code: string): Promise<number> {
    const row = await this.db
      .selectFrom('consent_declines')
      .select((eb) => eb.fn.sum('count').as('n'))
      .where('pilot_code', '=', code)
      .executeTakeFirst();
    return n(row?.n);
  }
}

function toRecord(row: {
  code: string;
  name: string;
  survey_id: string;
  survey_version: number;
  survey_file: string | null;
  channels: string;
  organisation_id: string;
  municipality: string | null;
  created_at: string;
}): PilotRecord {
  return {
    code: row.code,
    name: row.name,
    surveyId: row.survey_id,
    surveyVersion: row.survey_version,
    surveyFile: row.survey_file,
    channels: JSON.parse(row.channels) as string[],
    organisationId: row.organisation_id,
    municipality: row.municipality,
    createdAt: row.created_at,
  };
}
