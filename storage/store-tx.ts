/**
 * The inbound use case's writes inside one transaction: the respondent lock, the inbox,
 * contacts, sessions, answers, consents, counts, erasure and the outbox, plus the
 * repositories that must share the transaction. Built only by `Store.transaction`; the
 * kysely transaction itself never leaves storage/.
 * @module
 */
import { sql, type Transaction } from 'kysely';
import type { AnswerEffect, ConsentEffect, MediaRef, SessionState } from '../surveys/engine/types.ts';
import type { Channel } from '../surveys/channels.ts';
import { parseSessionState } from '../surveys/engine/state.ts';
import { FunnelLog } from './funnel.ts';
import { SuppressionList, type SuppressionKeyOf } from './suppression.ts';
import { Followup } from './followup.ts';
import { ContactRetention } from './contact-retention.ts';
import { WaveSessions } from './waves.ts';
import { answerValueToRow } from './rows.ts';
import type { Database } from './schema.ts';
import { PRIORITY_RANK, type SendPriority } from './send-priority.ts';
import { StoreError } from './errors.ts';
import { type AnswerPlace, answerParams, type NewOutboxRow } from './answer-params.ts';
import type { SqliteHotPath } from './sqlite-hot-path.ts';
import type { PostgresHotPath } from './postgres-hot-path.ts';

/** kysely's transaction: private to storage/ (callers get StoreTx and its repositories). */
type Tx = Transaction<Database>;

export interface StoredSession {
  id: string;
  pilotCode: string;
  revision: number;
  state: SessionState;
  /** The pilot's wave this session answers. */
  wave: number;
}

/** Thrown when a session changed under us (another process saved it first). Retry the message. */
export class ConcurrentUpdateError extends StoreError {
  override name = 'ConcurrentUpdateError';
  constructor(message: string) {
    super('conflict', message);
  }
}

/** A row enqueueOutbound takes: one address's next replies, in order, numbered; `respondentId` null for someone not (or no longer) a respondent. */
export interface QueuedRow {
  id: string;
  respondentId: string | null;
  channel: Channel;
  address: string;
  payload: unknown;
  createdAt: string;
  position: number;
  /** Default `conversation`. */
  priority?: SendPriority;
}

/** How fresh respondent and contact times are kept (issue 20: not a write per answer). */
const TOUCH_PRECISION_MS = 60_000;
/** Rows touched at or after this are left alone. */
const staleBefore = (now: string) => new Date(Date.parse(now) - TOUCH_PRECISION_MS).toISOString();

/** A row for enqueueOutbound as the hot paths insert it. */
function outboxRecord(r: QueuedRow): NewOutboxRow {
  return {
    id: r.id,
    respondent_id: r.respondentId,
    channel: r.channel,
    address: r.address,
    payload: JSON.stringify(r.payload),
    created_at: r.createdAt,
    position: r.position,
    priority: PRIORITY_RANK[r.priority ?? 'conversation'],
  };
}

/** The media pipeline's result columns, as on a fresh answer. */
const NO_MEDIA_RESULTS = {
  media_file: null,
  media_sha256: null,
  media_bytes: null,
  media_type: null,
  media_duration_seconds: null,
  media_codecs: null,
  media_error: null,
  media_updated_at: null,
  media_deleted_at: null,
  transcript: null,
  transcript_language: null,
  transcript_status: null,
  translations: null,
  translation_status: null,
} as const;

export class StoreTx {
  constructor(
    private readonly trx: Tx,
    private readonly shared = false,
    /** SQLite inside the group commit: the same statements, prepared once (storage/sqlite-hot-path.ts). */
    private readonly hot: SqliteHotPath | null = null,
    /** PostgreSQL: the same statements as fixed SQL, without kysely's builder (storage/postgres-hot-path.ts). */
    private readonly pg: PostgresHotPath | null = null,
  ) {}

  /** Funnel events, counted inside this transaction. */
  get funnel(): FunnelLog {
    return new FunnelLog(this.trx);
  }

  /** The do-not-contact list inside this transaction (the check and the send commit together). */
  suppressions(keyOf: SuppressionKeyOf): SuppressionList {
    return new SuppressionList(this.trx, keyOf);
  }

  /** The follow-up queue, inside this transaction. */
  get followup(): Followup {
    return new Followup(this.trx);
  }

  /** Contact retention inside this transaction (a closed session releases its address with its last reply). */
  get contacts(): ContactRetention {
    return new ContactRetention(this.trx);
  }

  /** The pilot's waves as a new session sees them, inside this transaction. */
  get waves(): WaveSessions {
    return new WaveSessions(this.trx);
  }

  /**
   * Makes other processes handling the same respondent wait until this transaction ends, so a
   * respondent's messages are applied one at a time even when they reach different bot
   * processes (PostgreSQL: a transaction-scoped advisory lock, as the first statement). With
   * SQLite there is one process, whose handler already serializes per respondent.
   */
  async lockRespondent(respondentId: string): Promise<void> {
    if (this.pg) await this.pg.lockRespondent(this.trx, respondentId);
    else if (this.shared) await sql`select pg_advisory_xact_lock(hashtext(${respondentId}))`.execute(this.trx);
  }

  /** Records a message as handled; false when it was seen before (a redelivery). */
  async claimMessage(channel: Channel, messageKey: string, respondentId: string, now: string): Promise<boolean> {
    if (this.hot) return this.hot.claimMessage(channel, messageKey, respondentId, now);
    if (this.pg) return this.pg.claimMessage(this.trx, channel, messageKey, respondentId, now);
    const res = await this.trx
      .insertInto('inbox')
      .values({ channel, message_key: messageKey, respondent_id: respondentId, received_at: now })
      .onConflict((oc) => oc.columns(['channel', 'message_key']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** touchRespondent, then claimMessage (false for a redelivery); one round trip on PostgreSQL. */
  async touchAndClaim(id: string, channel: Channel, address: string, messageKey: string, now: string): Promise<boolean> {
    if (this.pg) return this.pg.touchAndClaim(this.trx, id, channel, address, messageKey, now, staleBefore(now));
    await this.touchRespondent(id, channel, address, now);
    return this.claimMessage(channel, messageKey, id, now);
  }

  /**
   * Creates or refreshes the respondent and contact rows. Their times are kept to the minute:
   * a row touched less than a minute ago is not written again (one write per minute of a
   * session instead of one per answer), unless the contact changes (another respondent, or
   * marked unreachable: a message proves the address works again, they unblocked the bot).
   */
  async touchRespondent(id: string, channel: Channel, address: string, now: string): Promise<void> {
    const stale = staleBefore(now);
    if (this.hot) return this.hot.touchRespondent(id, channel, address, now, stale);
    if (this.pg) return this.pg.touchRespondent(this.trx, id, channel, address, now, stale);
    await this.trx
      .insertInto('respondents')
      .values({ id, created_at: now, last_seen_at: now, language: null })
      .onConflict((oc) => oc.column('id').doUpdateSet({ last_seen_at: now }).where('respondents.last_seen_at', '<', stale))
      .execute();
    await this.trx
      .insertInto('contacts')
      .values({ channel, address, respondent_id: id, created_at: now, updated_at: now })
      .onConflict((oc) =>
        oc
          .columns(['channel', 'address'])
          .doUpdateSet({ updated_at: now, respondent_id: id, unreachable_since: null })
          .where((eb) =>
            eb.or([eb('contacts.updated_at', '<', stale), eb('contacts.respondent_id', '<>', id), eb('contacts.unreachable_since', 'is not', null)]),
          ),
      )
      .execute();
  }

  /** The session for a pilot, or (without a pilot) the respondent's most recently active one. */
  async findSession(respondentId: string, pilotCode?: string): Promise<StoredSession | undefined> {
    if (this.hot) {
      const r = this.hot.findSession(respondentId, pilotCode);
      if (!r) return undefined;
      // What this process wrote was a valid state when written: parse it without the check.
      const state = this.hot.wroteState(r.id, r.state) ? (JSON.parse(r.state) as SessionState) : parseSessionState(r.state, r.id);
      return { id: r.id, pilotCode: r.pilot_code, revision: r.revision, state, wave: r.wave };
    }
    if (this.pg) {
      const r = await this.pg.findSession(this.trx, respondentId, pilotCode);
      return r && { id: r.id, pilotCode: r.pilot_code, revision: r.revision, state: parseSessionState(r.state, r.id), wave: r.wave };
    }
    let q = this.trx.selectFrom('sessions').select(['id', 'pilot_code', 'revision', 'state', 'wave']).where('respondent_id', '=', respondentId);
    if (pilotCode) q = q.where('pilot_code', '=', pilotCode);
    const row = await q.orderBy('updated_at', 'desc').limit(1).executeTakeFirst();
    return row && { id: row.id, pilotCode: row.pilot_code, revision: row.revision, state: parseSessionState(row.state, row.id), wave: row.wave };
  }

  /**
   * Inserts (revision 0 → 1) or updates a session, failing with ConcurrentUpdateError when
   * the stored revision is not the one this change was computed from.
   */
  async saveSession(s: {
    id: string;
    respondentId: string;
    pilotCode: string;
    channel: Channel;
    expectedRevision: number;
    state: SessionState;
    now: string;
    /** Set on insert only; default 1. */
    wave?: number | undefined;
    /** When its next reminder is due (null: none); undefined leaves the planned one as it is. */
    reminderDueAt?: string | null;
  }): Promise<void> {
    const st = s.state;
    const common = {
      ...(s.reminderDueAt !== undefined ? { reminder_due_at: s.reminderDueAt } : {}),
      phase: st.phase,
      language: st.language,
      state: JSON.stringify(st),
      state_version: st.v,
      revision: s.expectedRevision + 1,
      updated_at: s.now,
      completed_at: st.completedAt,
      channel: s.channel,
    };
    if (s.expectedRevision === 0) {
      await this.trx
        .insertInto('sessions')
        .values({
          id: s.id,
          respondent_id: s.respondentId,
          pilot_code: s.pilotCode,
          survey_id: st.surveyId,
          survey_version: st.surveyVersion,
          started_at: st.startedAt,
          wave: s.wave ?? 1,
          ...common,
        })
        .execute();
      return;
    }
    if (this.hot || this.pg) {
      const updated = this.hot
        ? this.hot.updateSession(s.id, s.expectedRevision, common)
        : await this.pg!.updateSession(this.trx, s.id, s.expectedRevision, common);
      if (!updated) throw new ConcurrentUpdateError(`session ${s.id} changed since revision ${s.expectedRevision}`);
      return;
    }
    const res = await this.trx.updateTable('sessions').set(common).where('id', '=', s.id).where('revision', '=', s.expectedRevision).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new ConcurrentUpdateError(`session ${s.id} changed since revision ${s.expectedRevision}`);
  }

  /** Stores an answer; answering the same question again (after "back") replaces it and bumps its revision. */
  async upsertAnswer(a: AnswerEffect, ctx: AnswerPlace): Promise<{ id: string; revision: number }> {
    if (this.hot) return this.hot.upsertAnswer(answerParams(a, ctx));
    if (this.pg) return this.pg.upsertAnswer(this.trx, answerParams(a, ctx));
    const values = {
      ...answerValueToRow(a.value),
      language: a.language,
      channel: ctx.channel,
      modality: a.modality,
      prompt_form: a.promptForm,
      traffic_light: a.traffic,
      consent_version: a.consentVersion,
      answered_at: a.answeredAt,
      source_message_id: a.sourceMessageId,
      media_status: a.value.kind === 'media' ? ('pending' as const) : null,
      // Answering again (after "back") starts the media pipeline over for the new file.
      ...NO_MEDIA_RESULTS,
      ...(a.value.kind === 'text' && ctx.translation ? { translation_status: ctx.translation } : {}),
    };
    const keys = {
      id: a.id,
      session_id: ctx.sessionId,
      respondent_id: ctx.respondentId,
      pilot_code: ctx.pilotCode,
      survey_id: ctx.surveyId,
      survey_version: ctx.surveyVersion,
      question_id: a.questionId,
      parent_question_id: a.parentQuestionId,
      indicator: a.indicator,
      outcome: a.outcome,
      question_type: a.questionType,
      revision: 1,
      wave: ctx.wave ?? 1,
    };
    return await this.trx
      .insertInto('answers')
      .values({ ...keys, ...values })
      .onConflict((oc) => oc.columns(['session_id', 'question_id']).doUpdateSet((eb) => ({ ...values, revision: eb('answers.revision', '+', 1) })))
      .returning(['id', 'revision'])
      .executeTakeFirstOrThrow();
  }

  async insertConsent(id: string, c: ConsentEffect, ctx: { respondentId: string; pilotCode: string; surveyId: string; messageId: string }): Promise<void> {
    await this.trx
      .insertInto('consents')
      .values({
        id,
        respondent_id: ctx.respondentId,
        pilot_code: ctx.pilotCode,
        survey_id: ctx.surveyId,
        kind: c.kind,
        theme: c.theme,
        version: c.version,
        granted: c.granted ? 1 : 0,
        recorded_at: c.recordedAt,
        source_message_id: ctx.messageId,
        prompt_form: c.promptForm,
      })
      .execute();
  }

  async countDecline(pilotCode: string, surveyId: string, consentVersion: number): Promise<void> {
    await this.trx
      .insertInto('consent_declines')
      .values({ pilot_code: pilotCode, survey_id: surveyId, consent_version: consentVersion, count: 1 })
      .onConflict((oc) => oc.columns(['pilot_code', 'survey_id', 'consent_version']).doUpdateSet({ count: sql<number>`consent_declines.count + 1` }))
      .execute();
  }

  /** Counts one input the engine did not accept, at a question (null: outside one). No respondent is recorded. */
  async countAnswerIssue(at: { pilotCode: string; surveyId: string; questionId: string | null; code: string }): Promise<void> {
    await this.trx
      .insertInto('answer_issues')
      .values({ pilot_code: at.pilotCode, survey_id: at.surveyId, question_id: at.questionId ?? '', code: at.code, count: 1 })
      .onConflict((oc) => oc.columns(['pilot_code', 'survey_id', 'question_id', 'code']).doUpdateSet({ count: sql<number>`answer_issues.count + 1` }))
      .execute();
  }

  /**
   * Deletes the respondent and, by cascade, their sessions, answers, consents, contacts, inbox
   * and outbox rows; and their identity links, which have no foreign key to cascade from.
   * Returns the media files their answers pointed at, for the caller to delete after commit.
   */
  /** The respondent's media answers, as the media queues know them (to withdraw their jobs on erasure). */
  async mediaAnswersOf(respondentId: string): Promise<Array<{ id: string; revision: number; channel: string; ref: MediaRef }>> {
    const rows = await this.trx
      .selectFrom('answers')
      .select(['id', 'revision', 'channel', 'media_ref'])
      .where('respondent_id', '=', respondentId)
      .where('media_ref', 'is not', null)
      .execute();
    return rows.map((r) => ({ id: r.id, revision: r.revision, channel: r.channel, ref: JSON.parse(r.media_ref!) as MediaRef }));
  }

  /** The respondent's typed answers that went to the translation queue (to withdraw their jobs on erasure). */
  async typedAnswersOf(respondentId: string): Promise<Array<{ id: string; revision: number }>> {
    return this.trx
      .selectFrom('answers')
      .select(['id', 'revision'])
      .where('respondent_id', '=', respondentId)
      .where('media_ref', 'is', null)
      .where('translation_status', 'is not', null)
      .execute();
  }

  async eraseRespondent(id: string): Promise<Array<{ file: string; sha256: string }>> {
    // The media files go after the commit (files are not transactional); this returns them.
    const files = await this.trx
      .selectFrom('answers')
      .select(['media_file', 'media_sha256'])
      .where('respondent_id', '=', id)
      .where('media_file', 'is not', null)
      .execute();
    // The coding audit outlives the answers (who coded what, when) but must not keep a handle
    // on an erased person's answers: an answer id could be matched against an earlier export.
    await this.trx
      .updateTable('coding_audit')
      .set({ answer_id: null })
      .where('answer_id', 'in', (eb) => eb.selectFrom('answers').select('id').where('respondent_id', '=', id))
      .execute();
    await this.trx.deleteFrom('identity_links').where('respondent_id', '=', id).execute();
    await this.trx.deleteFrom('respondents').where('id', '=', id).execute();
    return files.map((f) => ({ file: f.media_file!, sha256: f.media_sha256! }));
  }

  /**
   * Queues replies; they are delivered ordered by (createdAt, position). Rows of one call go to
   * one address. When that address still has undelivered rows that would sort after these (a
   * reply written by another process in the same millisecond, or by one whose clock runs ahead),
   * these are placed right after them, so replies keep the order their messages were handled in.
   */
  async enqueueOutbound(rows: QueuedRow[]): Promise<void> {
    const first = rows[0];
    if (!first) return;
    if (this.pg) return this.pg.placeOutbox(this.trx, rows.map(outboxRecord));
    if (this.hot) {
      for (const r of rows) this.hot.insertOutbox(outboxRecord(r));
      return;
    }
    let placed = rows;
    if (this.shared) {
      // PostgreSQL without the hot path (a StoreTx on a plain kysely transaction).
      const last = await this.trx
        .selectFrom('outbox')
        .select(['created_at', 'position'])
        .where('channel', '=', first.channel)
        .where('address', '=', first.address)
        .orderBy('created_at', 'desc')
        .orderBy('position', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (last && (last.created_at > first.createdAt || (last.created_at === first.createdAt && last.position >= first.position))) {
        placed = rows.map((r, i) => ({ ...r, createdAt: last.created_at, position: last.position + 1 + i }));
      }
    }
    await this.trx
      .insertInto('outbox')
      .values(placed.map((r) => ({ ...outboxRecord(r), attempts: 0, last_error: null })))
      .execute();
  }
}
