/**
 * Qualitative coding of open answers (issue 16): a pilot's codebook, the codes assigned to its
 * answers, the quotes marked shareable for viewers, and an audit row for every change, written
 * in the same transaction as the change.
 *
 * Refusals are data ({@link CodingIssue}); the dashboard words them. The audit keeps labels,
 * question and indicator, never what the respondent said. Portable SQL (SQLite and PostgreSQL);
 * counts come back as strings from pg, hence Number().
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Db } from './database.ts';
import { toStoreError } from './errors.ts';
import type { CodingAuditTable, Database } from './schema.ts';

export interface Code {
  id: string;
  pilotCode: string;
  label: string;
  description: string;
  /** Null: fits answers of any indicator. */
  indicator: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  retiredAt: string | null;
}

export interface CodeInput {
  label: string;
  description: string;
  indicator: string | null;
}

export type CodingAction = CodingAuditTable['action'];

/** Why a coding change was refused. */
export type CodingIssue =
  | { code: 'label_empty' }
  | { code: 'label_taken'; label: string }
  | { code: 'unknown_code' }
  | { code: 'unknown_answer' }
  | { code: 'code_retired'; label: string }
  | { code: 'wrong_indicator'; label: string; codeIndicator: string; answerIndicator: string | null };

export type CodingResult<T> = { ok: true; value: T } | { ok: false; issue: CodingIssue };

export interface CodingAuditEntry {
  at: string;
  actor: string;
  action: CodingAction;
  codeId: string | null;
  /** Whether the answer of an answer.* or quote.* row still exists (false after an erasure). */
  answerGone: boolean;
  detail: Record<string, unknown>;
}

/** One cell of the counts table: answers and distinct respondents with a code, per indicator of the answers. */
export interface CodeCount {
  codeId: string;
  indicator: string | null;
  answers: number;
  respondents: number;
}

/** The coding of one answer, for the per-answer controls. */
export interface AnswerCoding {
  codeIds: string[];
  shared: boolean;
}

const fail = (issue: CodingIssue): { ok: false; issue: CodingIssue } => ({ ok: false, issue });

function toCode(r: Selectable<Database['codes']>): Code {
  return {
    id: r.id,
    pilotCode: r.pilot_code,
    label: r.label,
    description: r.description,
    indicator: r.indicator,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    retiredAt: r.retired_at,
  };
}

export class Coding {
  constructor(
    private readonly db: Db,
    private readonly newId: () => string = randomUUID,
  ) {}

  /** The pilot's codes: active ones first, then by label. */
  async codebook(pilot: string): Promise<Code[]> {
    const rows = await this.db.selectFrom('codes').selectAll().where('pilot_code', '=', pilot).execute();
    return rows.map(toCode).sort((a, b) => Number(a.retiredAt !== null) - Number(b.retiredAt !== null) || a.label.localeCompare(b.label));
  }

  async findCode(pilot: string, id: string): Promise<Code | undefined> {
    const r = await this.db.selectFrom('codes').selectAll().where('pilot_code', '=', pilot).where('id', '=', id).executeTakeFirst();
    return r && toCode(r);
  }

  async createCode(pilot: string, input: CodeInput, actor: string, now: string): Promise<CodingResult<Code>> {
    const label = input.label.trim();
    const clash = await this.labelClash(pilot, label, null);
    if (clash) return fail(clash);
    const id = this.newId();
    const code = {
      id,
      pilot_code: pilot,
      label,
      description: input.description.trim(),
      indicator: input.indicator,
      created_at: now,
      created_by: actor,
      updated_at: now,
      retired_at: null,
    };
    return this.uniqueLabel(label, async () => {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('codes').values(code).execute();
        await this.audit(trx, pilot, actor, now, 'code.create', id, null, { label, description: code.description, indicator: input.indicator });
      });
      return toCode(code);
    });
  }

  /** Changes label, description and indicator; the audit row names what changed. Existing assignments stay. */
  async updateCode(pilot: string, id: string, input: CodeInput, actor: string, now: string): Promise<CodingResult<Code>> {
    const old = await this.findCode(pilot, id);
    if (!old) return fail({ code: 'unknown_code' });
    const label = input.label.trim();
    const clash = await this.labelClash(pilot, label, id);
    if (clash) return fail(clash);
    const next = { ...old, label, description: input.description.trim(), indicator: input.indicator, updatedAt: now };
    const changed = Object.fromEntries(
      (['label', 'description', 'indicator'] as const).filter((k) => old[k] !== next[k]).map((k) => [k, { from: old[k], to: next[k] }]),
    );
    if (Object.keys(changed).length === 0) return { ok: true, value: old };
    return this.uniqueLabel(label, async () => {
      await this.db.transaction().execute(async (trx) => {
        await trx.updateTable('codes').set({ label, description: next.description, indicator: next.indicator, updated_at: now }).where('id', '=', id).execute();
        await this.audit(trx, pilot, actor, now, 'code.update', id, null, changed);
      });
      return next;
    });
  }

  /** Retires (no new assignments; existing ones stay) or restores a code. */
  async setRetired(pilot: string, id: string, retired: boolean, actor: string, now: string): Promise<CodingResult<Code>> {
    const old = await this.findCode(pilot, id);
    if (!old) return fail({ code: 'unknown_code' });
    if ((old.retiredAt !== null) === retired) return { ok: true, value: old };
    const retiredAt = retired ? now : null;
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('codes').set({ retired_at: retiredAt, updated_at: now }).where('id', '=', id).execute();
      await this.audit(trx, pilot, actor, now, retired ? 'code.retire' : 'code.restore', id, null, { label: old.label });
    });
    return { ok: true, value: { ...old, retiredAt, updatedAt: now } };
  }

  /** Gives an answer a code; `value` is false when it had it already (nothing is written then). */
  async assign(pilot: string, answerId: string, codeId: string, actor: string, now: string): Promise<CodingResult<boolean>> {
    const answer = await this.answerOf(pilot, answerId);
    const code = await this.findCode(pilot, codeId);
    if (!answer) return fail({ code: 'unknown_answer' });
    if (!code) return fail({ code: 'unknown_code' });
    if (code.retiredAt !== null) return fail({ code: 'code_retired', label: code.label });
    if (code.indicator !== null && code.indicator !== answer.indicator)
      return fail({ code: 'wrong_indicator', label: code.label, codeIndicator: code.indicator, answerIndicator: answer.indicator });
    const added = await this.db.transaction().execute(async (trx) => {
      const r = await trx
        .insertInto('answer_codes')
        .values({ answer_id: answerId, code_id: codeId, pilot_code: pilot, assigned_at: now, assigned_by: actor })
        .onConflict((oc) => oc.columns(['answer_id', 'code_id']).doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await this.audit(trx, pilot, actor, now, 'answer.code', codeId, answerId, { label: code.label, question: answer.question, indicator: answer.indicator });
      return true;
    });
    return { ok: true, value: added };
  }

  /** Takes a code off an answer (also a retired one); `value` is false when it did not have it. */
  async unassign(pilot: string, answerId: string, codeId: string, actor: string, now: string): Promise<CodingResult<boolean>> {
    const answer = await this.answerOf(pilot, answerId);
    const code = await this.findCode(pilot, codeId);
    if (!answer) return fail({ code: 'unknown_answer' });
    if (!code) return fail({ code: 'unknown_code' });
    const removed = await this.db.transaction().execute(async (trx) => {
      const r = await trx.deleteFrom('answer_codes').where('answer_id', '=', answerId).where('code_id', '=', codeId).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) return false;
      await this.audit(trx, pilot, actor, now, 'answer.uncode', codeId, answerId, {
        label: code.label,
        question: answer.question,
        indicator: answer.indicator,
      });
      return true;
    });
    return { ok: true, value: removed };
  }

  /** Marks an answer shareable with viewers, or no longer; `value` is false when nothing changed. */
  async setShared(pilot: string, answerId: string, shared: boolean, actor: string, now: string): Promise<CodingResult<boolean>> {
    const answer = await this.answerOf(pilot, answerId);
    if (!answer) return fail({ code: 'unknown_answer' });
    const changed = await this.db.transaction().execute(async (trx) => {
      const n = shared
        ? Number(
            (
              await trx
                .insertInto('shared_quotes')
                .values({ answer_id: answerId, pilot_code: pilot, marked_at: now, marked_by: actor })
                .onConflict((oc) => oc.column('answer_id').doNothing())
                .executeTakeFirst()
            ).numInsertedOrUpdatedRows ?? 0,
          )
        : Number((await trx.deleteFrom('shared_quotes').where('answer_id', '=', answerId).executeTakeFirst()).numDeletedRows);
      if (n === 0) return false;
      await this.audit(trx, pilot, actor, now, shared ? 'quote.share' : 'quote.unshare', null, answerId, {
        question: answer.question,
        indicator: answer.indicator,
      });
      return true;
    });
    return { ok: true, value: changed };
  }

  /** The codes and shareable mark of each of these answers (answers without either are absent). */
  async codingOf(pilot: string, answerIds: readonly string[]): Promise<Map<string, AnswerCoding>> {
    const out = new Map<string, AnswerCoding>();
    if (answerIds.length === 0) return out;
    const entry = (id: string) => out.get(id) ?? out.set(id, { codeIds: [], shared: false }).get(id)!;
    for (let i = 0; i < answerIds.length; i += 500) {
      const ids = answerIds.slice(i, i + 500);
      const codes = await this.db
        .selectFrom('answer_codes')
        .select(['answer_id', 'code_id'])
        .where('pilot_code', '=', pilot)
        .where('answer_id', 'in', ids)
        .execute();
      for (const c of codes) entry(c.answer_id).codeIds.push(c.code_id);
      const shared = await this.db.selectFrom('shared_quotes').select('answer_id').where('pilot_code', '=', pilot).where('answer_id', 'in', ids).execute();
      for (const s of shared) entry(s.answer_id).shared = true;
    }
    return out;
  }

  /** Per code and indicator of the coded answers: how many answers and how many distinct people. The caller applies the minimum group size. */
  async counts(pilot: string): Promise<CodeCount[]> {
    const rows = await this.db
      .selectFrom('answer_codes')
      .innerJoin('answers', 'answers.id', 'answer_codes.answer_id')
      .select([
        'answer_codes.code_id',
        'answers.indicator',
        (eb) => eb.fn.count<number | string>('answers.id').distinct().as('answers'),
        (eb) => eb.fn.count<number | string>('answers.respondent_id').distinct().as('respondents'),
      ])
      .where('answer_codes.pilot_code', '=', pilot)
      .groupBy(['answer_codes.code_id', 'answers.indicator'])
      .execute();
    return rows.map((r) => ({ codeId: r.code_id, indicator: r.indicator, answers: Number(r.answers), respondents: Number(r.respondents) }));
  }

  /** The newest changes first. */
  async auditTrail(pilot: string, limit = 200): Promise<CodingAuditEntry[]> {
    const rows = await this.db
      .selectFrom('coding_audit')
      .leftJoin('answers', 'answers.id', 'coding_audit.answer_id')
      .select([
        'coding_audit.at',
        'coding_audit.actor',
        'coding_audit.action',
        'coding_audit.code_id',
        'coding_audit.answer_id',
        'coding_audit.detail',
        'answers.id as still',
      ])
      .where('coding_audit.pilot_code', '=', pilot)
      .orderBy('coding_audit.at', 'desc')
      .orderBy('coding_audit.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      at: r.at,
      actor: r.actor,
      action: r.action,
      codeId: r.code_id,
      // Erasure clears the audit's answer id (storage/store-tx.ts), so an answer action without one is an erased answer.
      answerGone: r.action.startsWith('answer.') || r.action.startsWith('quote.') ? r.still === null : false,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }

  private async answerOf(pilot: string, answerId: string): Promise<{ indicator: string | null; question: string } | undefined> {
    const r = await this.db
      .selectFrom('answers')
      .select(['indicator', 'question_id'])
      .where('id', '=', answerId)
      .where('pilot_code', '=', pilot)
      .executeTakeFirst();
    return r && { indicator: r.indicator, question: r.question_id };
  }

  /** Labels are unique per pilot regardless of case and surrounding space ("Racism" and "racism " are one code). */
  private async labelClash(pilot: string, label: string, except: string | null): Promise<CodingIssue | null> {
    if (label === '') return { code: 'label_empty' };
    const codes = await this.db.selectFrom('codes').select(['id', 'label']).where('pilot_code', '=', pilot).execute();
    const other = codes.find((c) => c.id !== except && c.label.trim().toLocaleLowerCase() === label.toLocaleLowerCase());
    return other ? { code: 'label_taken', label: other.label } : null;
  }

  /** Two researchers creating the same label at once: the unique constraint decides, the loser gets label_taken. */
  private async uniqueLabel(label: string, write: () => Promise<Code>): Promise<CodingResult<Code>> {
    try {
      return { ok: true, value: await write() };
    } catch (e) {
      if (toStoreError(e)?.code === 'constraint') return fail({ code: 'label_taken', label });
      throw e;
    }
  }

  private async audit(
    trx: Transaction<Database> | Kysely<Database>,
    pilot: string,
    actor: string,
    at: string,
    action: CodingAction,
    codeId: string | null,
    answerId: string | null,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await trx
      .insertInto('coding_audit')
      .values({ id: this.newId(), pilot_code: pilot, at, actor, action, code_id: codeId, answer_id: answerId, detail: JSON.stringify(detail) })
      .execute();
  }
}
