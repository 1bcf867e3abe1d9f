/**
 * The report reads split by a background question: the map and drill-down lights, the group
 * sizes and the funnel, one cell per group. Each is one GROUP BY over answers (or sessions)
 * left-joined on respondent_id to the respondent's groups (breakdown.ts); the minimum group
 * size is applied by the caller (bot/web/reporting/breakdown.ts), which sees every cell's n.
 * @module
 */
import { sql } from 'kysely';
import { groupMembers, groupOf, type Split } from './breakdown.ts';
import type { Db } from './database.ts';
import { filtered, type AnswerFilter } from './reports.ts';

/** Respondent-weighted lights of one group and key, and the people behind them. */
export interface GroupLights {
  group: string;
  key: string;
  red: number;
  orange: number;
  green: number;
  n: number;
}

/** One group's people: those behind the map in the selection (at least one answer with a traffic light). */
export interface GroupSize {
  group: string;
  n: number;
}

/** One group's sessions in the pilot: people who started (a session) and who completed it. */
export interface GroupFunnel {
  group: string;
  started: number;
  completed: number;
}

const LIGHTS = ['red', 'orange', 'green'] as const;
const round = (v: number | string) => Math.round(Number(v) * 1000) / 1000;

export class SplitReports {
  constructor(private readonly db: Db) {}

  /**
   * Like `Reports.peopleLights`, per group: GROUP BY (key, group, respondent), then (group, key).
   * A person in two groups (multi-choice) is a row in each.
   */
  async peopleLights(key: 'indicator' | 'outcome', pilot: string, f: AnswerFilter, split: Split, indicator?: string): Promise<GroupLights[]> {
    const light = (l: (typeof LIGHTS)[number]) => sql<number>`sum(case when answers.traffic_light = ${l} then 1 else 0 end)`;
    let inner = filtered(this.db.selectFrom('answers'), pilot, f)
      .leftJoin(groupMembers(pilot, split).as('m'), 'm.respondent_id', 'answers.respondent_id')
      .select([`answers.${key} as key`, 'm.grp as grp', light('red').as('r'), light('orange').as('o'), light('green').as('g'), sql<number>`count(*)`.as('t')])
      .where(`answers.${key}`, 'is not', null)
      .where('answers.traffic_light', 'in', [...LIGHTS]);
    if (indicator !== undefined) inner = inner.where('answers.indicator', '=', indicator);
    const rows = await this.db
      .selectFrom(inner.groupBy([`answers.${key}`, 'm.grp', 'answers.respondent_id']).as('x'))
      .select([
        'x.key',
        'x.grp',
        sql<number | string>`sum(x.r * 1.0 / x.t)`.as('red'),
        sql<number | string>`sum(x.o * 1.0 / x.t)`.as('orange'),
        sql<number | string>`sum(x.g * 1.0 / x.t)`.as('green'),
        (eb) => eb.fn.countAll<number | string>().as('n'),
      ])
      .groupBy(['x.grp', 'x.key'])
      .execute();
    return rows.map((r) => ({ group: groupOf(r.grp), key: r.key!, red: round(r.red), orange: round(r.orange), green: round(r.green), n: Number(r.n) }));
  }

  /**
   * Distinct people per group with a coloured answer in the selection (the n over each column):
   * the people the map counts, read from the columns of `answers_traffic_people` alone.
   */
  async groupSizes(pilot: string, f: AnswerFilter, split: Split): Promise<GroupSize[]> {
    const rows = await filtered(this.db.selectFrom('answers'), pilot, f)
      .leftJoin(groupMembers(pilot, split).as('m'), 'm.respondent_id', 'answers.respondent_id')
      .select(['m.grp as grp', (eb) => eb.fn.count<number | string>('answers.respondent_id').distinct().as('n')])
      .where('answers.indicator', 'is not', null)
      .where('answers.traffic_light', 'in', [...LIGHTS])
      .groupBy('m.grp')
      .execute();
    return rows.map((r) => ({ group: groupOf(r.grp), n: Number(r.n) }));
  }

  /**
   * Started and completed per group, from sessions (funnel events carry no respondent, so they
   * cannot be split). People who declined are erased and people who never answered the
   * background question are "not answered": the split funnel starts at consent, not at the link.
   */
  async funnel(pilot: string, split: Split): Promise<GroupFunnel[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .leftJoin(groupMembers(pilot, split).as('m'), 'm.respondent_id', 'sessions.respondent_id')
      .select([
        'm.grp as grp',
        (eb) => eb.fn.count<number | string>('sessions.respondent_id').distinct().as('started'),
        sql<number | string>`count(distinct case when sessions.completed_at is not null then sessions.respondent_id end)`.as('completed'),
      ])
      .where('sessions.pilot_code', '=', pilot)
      .groupBy('m.grp')
      .execute();
    return rows.map((r) => ({ group: groupOf(r.grp), started: Number(r.started), completed: Number(r.completed) }));
  }
}
