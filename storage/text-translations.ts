/**
 * What the translation worker reads and writes on typed answers (`value_text` of text
 * questions and "why" follow-ups). Like storage/media.ts every write names the answer's
 * revision: an answer given again meanwhile keeps its own, newer status.
 * @module
 */
import type { Db } from './database.ts';
import type { StageStatus } from './schema.ts';

export interface TypedAnswer {
  id: string;
  revision: number;
  text: string;
  language: string;
  status: StageStatus | null;
}

/** A typed answer whose translation job may have been lost. */
export interface PendingText {
  id: string;
  revision: number;
}

export class TextTranslationRepo {
  constructor(private readonly db: Db) {}

  /** The typed answer, or undefined when it is gone or is no typed answer (a media caption is not translated). */
  async load(answerId: string): Promise<TypedAnswer | undefined> {
    const r = await this.db
      .selectFrom('answers')
      .select(['id', 'revision', 'value_text', 'language', 'translation_status', 'media_ref'])
      .where('id', '=', answerId)
      .executeTakeFirst();
    if (!r || r.value_text === null || r.media_ref !== null) return undefined;
    return { id: r.id, revision: r.revision, text: r.value_text, language: r.language, status: r.translation_status };
  }

  /** Writes the translations (already scrubbed) and the status, only if the answer is still this revision and pending. */
  async settle(answerId: string, revision: number, translations: Record<string, string> | null, status: StageStatus): Promise<boolean> {
    const res = await this.db
      .updateTable('answers')
      .set({ translations: translations ? JSON.stringify(translations) : null, translation_status: status })
      .where('id', '=', answerId)
      .where('revision', '=', revision)
      .where('translation_status', '=', 'pending')
      .where('media_ref', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Typed answers still pending, answered before `before` (the sweeper re-queues them). */
  async pending(before: string, limit = 500): Promise<PendingText[]> {
    return this.db
      .selectFrom('answers')
      .select(['id', 'revision'])
      .where('translation_status', '=', 'pending')
      .where('answered_at', '<', before)
      .where('media_ref', 'is', null)
      .orderBy('answered_at')
      .limit(limit)
      .execute();
  }
}
