/**
 * The change per indicator between two waves of a pilot: how many people had red and green
 * answers in each, for the same people (with coloured answers on the indicator in both
 * waves) and for everyone. Each person weighs one per indicator and wave, shared out over
 * their lights as on the map. One pass in SQL (portable to PostgreSQL); only sums travel.
 * @module
 */
import { sql } from 'kysely';
import type { Db } from './database.ts';

/** People behind a cell, and how many of them (person-weighted) were red and green. */
export interface WaveTally {
  n: number;
  red: number;
  green: number;
}

export interface WaveChangeCounts {
  indicator: string;
  same: { from: WaveTally; to: WaveTally };
  all: { from: WaveTally; to: WaveTally };
}

interface Row {
  indicator: string;
  wave: number | string;
  n: number | string;
  r: number | string | null;
  g: number | string | null;
  n_same: number | string;
  r_same: number | string | null;
  g_same: number | string | null;
}

const EMPTY: WaveTally = { n: 0, red: 0, green: 0 };

/** The waves answers exist for, besides those opened (wave 1 always). */
export async function answeredWaves(db: Db, pilotCode: string): Promise<number[]> {
  const rows = await db.selectFrom('answers').select('wave').distinct().where('pilot_code', '=', pilotCode).execute();
  return rows.map((r) => Number(r.wave));
}

/** Per indicator with coloured answers in either wave, the tallies of wave `from` and wave `to`. */
export async function waveChange(db: Db, pilotCode: string, from: number, to: number): Promise<WaveChangeCounts[]> {
  const { rows } = await sql<Row>`
    with p as (
      select indicator, respondent_id, wave,
        sum(case when traffic_light = 'red' then 1.0 else 0 end) / count(*) as r,
        sum(case when traffic_light = 'green' then 1.0 else 0 end) / count(*) as g
      from answers
      where pilot_code = ${pilotCode} and wave in (${from}, ${to}) and indicator is not null
        and traffic_light in ('red', 'orange', 'green')
      group by indicator, respondent_id, wave
    ), pair as (
      select indicator, respondent_id from p group by indicator, respondent_id having count(*) = 2
    )
    select p.indicator as indicator, p.wave as wave, count(*) as n, sum(p.r) as r, sum(p.g) as g,
      count(pair.respondent_id) as n_same,
      sum(case when pair.respondent_id is null then 0 else p.r end) as r_same,
      sum(case when pair.respondent_id is null then 0 else p.g end) as g_same
    from p left join pair on pair.indicator = p.indicator and pair.respondent_id = p.respondent_id
    group by p.indicator, p.wave`.execute(db);
  const out = new Map<string, WaveChangeCounts>();
  for (const r of rows) {
    const c = out.get(r.indicator) ?? { indicator: r.indicator, same: { from: EMPTY, to: EMPTY }, all: { from: EMPTY, to: EMPTY } };
    const side = Number(r.wave) === from ? 'from' : 'to';
    // pg returns counts and numeric sums as strings.
    c.all[side] = { n: Number(r.n), red: Number(r.r ?? 0), green: Number(r.g ?? 0) };
    c.same[side] = { n: Number(r.n_same), red: Number(r.r_same ?? 0), green: Number(r.g_same ?? 0) };
    out.set(r.indicator, c);
  }
  return [...out.values()];
}
