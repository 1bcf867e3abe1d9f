/**
 * What the media workers read and write on answer rows. Every write names the answer's
 * revision: if the respondent answered the question again meanwhile, the old job's results
 * are dropped instead of overwriting the new answer.
 * @module
 */
import type { Channel } from '../surveys/channels.ts';
import type { MediaRef } from '../surveys/engine/types.ts';
import { channelFromRow } from './rows.ts';
import type { Db } from './database.ts';
import type { MediaStatus, StageStatus } from './schema.ts';

export interface MediaAnswer {
  id: string;
  revision: number;
  respondentId: string;
  channel: Channel;
  language: string;
  ref: MediaRef;
  status: MediaStatus;
  file: string | null;
  sha256: string | null;
  transcript: string | null;
  transcriptLanguage: string | null;
  transcriptStatus: StageStatus | null;
  translationStatus: StageStatus | null;
}

export interface Stored {
  file: string;
  sha256: string;
  bytes: number;
  type: string;
  durationSeconds: number | null;
  codecs: string[];
  transcriptStatus: StageStatus;
  translationStatus: StageStatus;
}

/** A media answer the sweeper should (re)queue. */
export interface Unfinished {
  id: string;
  revision: number;
  channel: string;
  ref: MediaRef;
  stage: 'media' | 'speech';
}

export class MediaRepo {
  constructor(private readonly db: Db) {}

  async load(answerId: string): Promise<MediaAnswer | undefined> {
    const r = await this.db.selectFrom('answers').selectAll().where('id', '=', answerId).executeTakeFirst();
    if (!r?.media_ref || !r.media_status) return undefined;
    return {
      id: r.id,
      revision: r.revision,
      respondentId: r.respondent_id,
      channel: channelFromRow(r.channel),
      language: r.language,
      ref: JSON.parse(r.media_ref) as MediaRef,
      status: r.media_status,
      file: r.media_file,
      sha256: r.media_sha256,
      transcript: r.transcript,
      transcriptLanguage: r.transcript_language,
      transcriptStatus: r.transcript_status,
      translationStatus: r.translation_status,
    };
  }

  private update(answerId: string, revision: number) {
    return this.db.updateTable('answers').where('id', '=', answerId).where('revision', '=', revision);
  }

  async markStored(answerId: string, revision: number, s: Stored, now: string): Promise<boolean> {
    const res = await this.update(answerId, revision)
      .where('media_status', '=', 'pending')
      .set({
        media_status: 'ready',
        media_file: s.file,
        media_sha256: s.sha256,
        media_bytes: s.bytes,
        media_type: s.type,
        media_duration_seconds: s.durationSeconds,
        media_codecs: s.codecs.join(',') || null,
        media_error: null,
        media_updated_at: now,
        transcript_status: s.transcriptStatus,
        translation_status: s.translationStatus,
      })
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** rejected: the file is not acceptable; failed: we gave up after retries. */
  async markUnusable(answerId: string, revision: number, status: 'rejected' | 'failed', reason: string, now: string): Promise<boolean> {
    const res = await this.update(answerId, revision)
      .where('media_status', '=', 'pending')
      .set({ media_status: status, media_error: reason, media_updated_at: now, transcript_status: 'skipped', translation_status: 'skipped' })
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async setTranscript(
    answerId: string,
    revision: number,
    t: { text: string | null; language: string | null; status: StageStatus; translationStatus?: StageStatus },
    now: string,
  ): Promise<void> {
    await this.update(answerId, revision)
      .set({
        transcript: t.text,
        transcript_language: t.language,
        transcript_status: t.status,
        media_updated_at: now,
        ...(t.translationStatus ? { translation_status: t.translationStatus } : {}),
      })
      .execute();
  }

  async setTranslations(answerId: string, revision: number, translations: Record<string, string> | null, status: StageStatus, now: string): Promise<void> {
    await this.update(answerId, revision)
      .set({ translations: translations ? JSON.stringify(translations) : null, translation_status: status, media_updated_at: now })
      .execute();
  }

  /**
   * Media answers whose job may have been lost (the process died between commit and enqueue,
   * or Redis lost it): still pending, or stored but not yet transcribed/translated, answered
   * before `before`.
   */
  async unfinished(before: string, limit = 500): Promise<Unfinished[]> {
    const rows = await this.db
      .selectFrom('answers')
      .select(['id', 'revision', 'channel', 'media_ref', 'media_status'])
      .where('media_ref', 'is not', null)
      .where('answered_at', '<', before)
      .where((eb) =>
        eb.or([
          eb('media_status', '=', 'pending'),
          eb.and([eb('media_status', '=', 'ready'), eb.or([eb('transcript_status', '=', 'pending'), eb('translation_status', '=', 'pending')])]),
        ]),
      )
      .orderBy('answered_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      revision: r.revision,
      channel: r.channel,
      ref: JSON.parse(r.media_ref!) as MediaRef,
      stage: r.media_status === 'pending' ? 'media' : 'speech',
    }));
  }

  /** The file handles of a channel's answers still waiting for the media stage (their uploads must stay). */
  async pendingRefs(channel: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('answers')
      .select('media_ref')
      .where('channel', '=', channel)
      .where('media_status', '=', 'pending')
      .where('media_ref', 'is not', null)
      .execute();
    return new Set(rows.map((r) => (JSON.parse(r.media_ref!) as MediaRef).fileRef));
  }

  /** Stored media files of answers given before `before` (retention). */
  async expired(before: string, limit = 1000): Promise<Array<{ id: string; file: string; sha256: string }>> {
    const rows = await this.db
      .selectFrom('answers')
      .select(['id', 'media_file', 'media_sha256'])
      .where('media_file', 'is not', null)
      .where('answered_at', '<', before)
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, file: r.media_file!, sha256: r.media_sha256! }));
  }

  async markDeleted(ids: readonly string[], now: string): Promise<void> {
    if (ids.length > 0) await this.db.updateTable('answers').set({ media_file: null, media_deleted_at: now }).where('id', 'in', ids).execute();
  }

  /** Whether another answer (not in `except`) still points at this file; content-addressed files can be shared. */
  async fileInUse(sha256: string, except: readonly string[]): Promise<boolean> {
    let q = this.db.selectFrom('answers').select('id').where('media_sha256', '=', sha256).where('media_file', 'is not', null);
    if (except.length > 0) q = q.where('id', 'not in', except);
    return (await q.limit(1).executeTakeFirst()) !== undefined;
  }
}
