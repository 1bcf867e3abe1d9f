/**
 * A pilot's waves: wave 1 is the first round (every row before waves existed), each
 * `stemmen pilot wave open` adds the next, opening at a set time. A respondent invited to a
 * wave starts a new session in it when they reply; their background answers carry over.
 * @module
 */
import type { Kysely } from 'kysely';
import type { AnswerValue } from '../surveys/engine/types.ts';
import type { Db } from './database.ts';
import { answerValueFromRow } from './rows.ts';
import type { Database } from './schema.ts';

export interface Wave {
  wave: number;
  opensAt: string;
  createdAt: string;
  createdBy: string | null;
  notes: string | null;
}

/** The campaign that invites a pilot's recontactable respondents to a wave. */
export const waveCampaignId = (pilotCode: string, wave: number): string => `wave-${pilotCode}-${wave}`;

export class WaveRepository {
  constructor(private readonly db: Db) {}

  /** The opened waves (2 and on), in order. */
  async list(pilotCode: string): Promise<Wave[]> {
    const rows = await this.db.selectFrom('pilot_waves').selectAll().where('pilot_code', '=', pilotCode).orderBy('wave').execute();
    return rows.map((r) => ({ wave: r.wave, opensAt: r.opens_at, createdAt: r.created_at, createdBy: r.created_by, notes: r.notes }));
  }

  /** Adds the next wave (2 when none was opened yet); returns its number. */
  async open(pilotCode: string, opensAt: string, now: string, createdBy: string | null, notes: string | null): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom('pilot_waves')
        .select((eb) => eb.fn.max('wave').as('w'))
        .where('pilot_code', '=', pilotCode)
        .executeTakeFirst();
      const wave = Math.max(1, Number(last?.w ?? 1)) + 1;
      await trx.insertInto('pilot_waves').values({ pilot_code: pilotCode, wave, opens_at: opensAt, created_at: now, created_by: createdBy, notes }).execute();
      return wave;
    });
  }
}

/** What the inbound handler asks inside its transaction when a respondent of a closed session writes again. */
export class WaveSessions {
  constructor(private readonly db: Kysely<Database>) {}

  /** The newest wave open at `now` (1 when none was opened or none has opened yet). */
  async current(pilotCode: string, now: string): Promise<number> {
    const row = await this.db
      .selectFrom('pilot_waves')
      .select((eb) => eb.fn.max('wave').as('w'))
      .where('pilot_code', '=', pilotCode)
      .where('opens_at', '<=', now)
      .executeTakeFirst();
    return Number(row?.w ?? 1) || 1;
  }

  /** Whether the wave's invitation went to this respondent (only they start a session in it). */
  async invited(pilotCode: string, wave: number, respondentId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('campaign_targets')
      .select('status')
      .where('campaign_id', '=', waveCampaignId(pilotCode, wave))
      .where('target_key', '=', respondentId)
      .where('status', '=', 'sent')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The respondent's latest answer to each of these (background) questions in the pilot. */
  async knownAnswers(respondentId: string, pilotCode: string, questionIds: readonly string[]): Promise<Record<string, AnswerValue>> {
    if (questionIds.length === 0) return {};
    const rows = await this.db
      .selectFrom('answers')
      .select(['question_id', 'value_number', 'value_choices', 'value_text', 'value_date', 'skipped', 'media_kind', 'media_ref'])
      .where('respondent_id', '=', respondentId)
      .where('pilot_code', '=', pilotCode)
      .where('question_id', 'in', [...questionIds])
      .orderBy('wave', 'desc')
      .orderBy('answered_at', 'desc')
      .execute();
    const out: Record<string, AnswerValue> = {};
    for (const r of rows) if (!(r.question_id in out)) out[r.question_id] = answerValueFromRow(r);
    return out;
  }
}
