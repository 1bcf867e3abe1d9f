/**
 * A do-not-contact list and a funnel that survives erasure.
 *
 * `suppressions`: one row per keyed hash of a channel address that said STOP (the address
 * itself is never stored), with when and how; START or a new link lifts it (kept, with when).
 * `funnel_events`: counts per pilot, survey, language, channel, day and event, with no
 * respondent id, so declining (which erases the session) and the 24 h purge of people
 * without consent no longer take them out of "started".
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('suppressions')
    .addColumn('address_key', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('since', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('lifted_at', 'text')
    .addColumn('lift_source', 'text')
    .execute();
  await db.schema
    .createTable('funnel_events')
    .addColumn('pilot_code', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'text', (c) => c.notNull())
    // '' until the respondent chose a language (a primary key column cannot be null).
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('funnel_events_pk', ['pilot_code', 'survey_id', 'language', 'channel', 'day', 'event'])
    .execute();
  // What the sessions still hold is the best record of the time before this table.
  const backfill = async (event: string, day: string, where: string) => {
    await sql`insert into funnel_events (pilot_code, survey_id, language, channel, day, event, count)
      select pilot_code, survey_id, coalesce(language, ''), channel, substr(${sql.raw(day)}, 1, 10), ${event}, count(*)
      from sessions s where ${sql.raw(where)}
      group by pilot_code, survey_id, coalesce(language, ''), channel, substr(${sql.raw(day)}, 1, 10)`.execute(db);
  };
  await backfill('started', 'started_at', '1 = 1');
  await backfill('completed', 'completed_at', 'completed_at is not null');
  await backfill('stopped', 'updated_at', `phase = 'stopped'`);
  await backfill('expired', 'expired_at', 'expired_at is not null');
  await backfill('reminded', 'updated_at', 'reminded_count > 0');
  await backfill('completed_after_reminder', 'completed_at', 'completed_at is not null and reminded_count > 0');
  await backfill(
    'consented',
    'started_at',
    `exists (select 1 from consents c where c.respondent_id = s.respondent_id and c.pilot_code = s.pilot_code and c.kind = 'participation' and c.granted = 1)`,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('funnel_events').execute();
  await db.schema.dropTable('suppressions').execute();
}
