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

type Num = number | string | null;
interface Row {
  indicator: string;
  n_from: Num;
  r_from: Num;
  g_from: Num;
  n_to: Num;
  r_to: Num;
  g_to: Num;
  n_same: Num;
  r_same_from: Num;
  g_same_from: Num;
  r_same_to: Num;
  g_same_to: Num;
}

/**
 * Per indicator with coloured answers in either wave, the tallies of wave `from` and wave `to`.
 * The inner GROUP BY (indicator, respondent) walks `answers_wave_people` in order; each person
 * is then one row with their light counts in both waves, summed per indicator.
 */
export async function waveChange(db: Db, pilotCode: string, from: number, to: number): Promise<WaveChangeCounts[]> {
  const { rows } = await sql<Row>`
    with p as (
      select indicator,
        sum(case when wave = ${from} then 1 else 0 end) as c1,
        sum(case when wave = ${from} and traffic_light = 'red' then 1.0 else 0 end) as r1,
        sum(case when wave = ${from} and traffic_light = 'green' then 1.0 else 0 end) as g1,
        sum(case when wave = ${to} then 1 else 0 end) as c2,
        sum(case when wave = ${to} and traffic_light = 'red' then 1.0 else 0 end) as r2,
        sum(case when wave = ${to} and traffic_light = 'green' then 1.0 else 0 end) as g2
      from answers
      where pilot_code = ${pilotCode} and indicator is not null and wave in (${from}, ${to})
        and traffic_light in ('red', 'orange', 'green')
      group by indicator, respondent_id
    )
    select indicator,
      sum(case when c1 > 0 then 1 else 0 end) as n_from,
      sum(case when c1 > 0 then r1 / c1 else 0 end) as r_from,
      sum(case when c1 > 0 then g1 / c1 else 0 end) as g_from,
      sum(case when c2 > 0 then 1 else 0 end) as n_to,
      sum(case when c2 > 0 then r2 / c2 else 0 end) as r_to,
      sum(case when c2 > 0 then g2 / c2 else 0 end) as g_to,
      sum(case when c1 > 0 and c2 > 0 then 1 else 0 end) as n_same,
      sum(case when c1 > 0 and c2 > 0 then r1 / c1 else 0 end) as r_same_from,
      sum(case when c1 > 0 and c2 > 0 then g1 / c1 else 0 end) as g_same_from,
      sum(case when c1 > 0 and c2 > 0 then r2 / c2 else 0 end) as r_same_to,
      sum(case when c1 > 0 and c2 > 0 then g2 / c2 else 0 end) as g_same_to
    from p group by indicator`.execute(db);
  // pg returns counts and numeric sums as strings.
  const t = (n: Num, red: Num, green: Num): WaveTally => ({ n: Number(n ?? 0), red: Number(red ?? 0), green: Number(green ?? 0) });
  return rows.map((r) => ({
    indicator: r.indicator,
    same: { from: t(r.n_same, r.r_same_from, r.g_same_from), to: t(r.n_same, r.r_same_to, r.g_same_to) },
    all: { from: t(r.n_from, r.r_from, r.g_from), to: t(r.n_to, r.r_to, r.g_to) },
  }));
}
