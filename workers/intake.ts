/**
 * Handing media answers to the queues. Used by the bot right after it commits an answer, and
 * by the sweeper for answers whose job went missing: both derive the same job id, so adding
 * twice is harmless.
 * @module
 */
import type { MediaRef } from '../surveys/engine/types.ts';
import { MEDIA_JOB_OPTIONS, mediaJobId, TEXT_JOB, textJobId, type Queues } from './queues.ts';

export interface MediaSubmission {
  id: string;
  revision: number;
  channel: string;
  ref: MediaRef;
  stage?: 'media' | 'speech';
}

/** The channel's stable id of the file (Telegram file_unique_id, WhatsApp plaintext sha256). */
export const stableFileId = (ref: MediaRef): string => ref.uniqueId ?? ref.fileRef;

/**
 * Removes every job of these answers (both stages, every revision), whatever its state:
 * used when a respondent is erased. A job a worker holds right now cannot be removed: when
 * it finishes it finds its answer gone, deletes any file it stored for it, and blanks the
 * answer id in its own data (workers/runtime.ts).
 */
export async function withdrawMedia(queues: Queues, items: readonly MediaSubmission[]): Promise<void> {
  for (const a of items) {
    for (let revision = 1; revision <= a.revision; revision++) {
      for (const stage of ['media', 'speech'] as const) {
        const queue = stage === 'media' ? queues.media : queues.speech;
        // Removing a job that does not exist is a no-op.
        await queue.remove(mediaJobId(stage, a.channel, stableFileId(a.ref), a.id, revision));
      }
    }
  }
}

export async function submitMedia(queues: Queues, items: readonly MediaSubmission[]): Promise<void> {
  if (items.length === 0) return;
  const jobs = items.map((a) => {
    const stage = a.stage ?? 'media';
    return {
      name: stage,
      data: { answerId: a.id, revision: a.revision },
      opts: { ...MEDIA_JOB_OPTIONS, jobId: mediaJobId(stage, a.channel, stableFileId(a.ref), a.id, a.revision) },
    };
  });
  const media = jobs.filter((j) => j.name === 'media');
  const speech = jobs.filter((j) => j.name === 'speech');
  if (media.length > 0) await queues.media.addBulk(media);
  if (speech.length > 0) await queues.speech.addBulk(speech);
}

/** A committed typed answer for the translation worker. */
export interface TextSubmission {
  id: string;
  revision: number;
}

/** Queues typed answers for translation (the speech queue, job name `text`); adding twice is harmless. */
export async function submitTexts(queues: Queues, items: readonly TextSubmission[]): Promise<void> {
  if (items.length === 0) return;
  const delay = queues.settings.retryDelayMs ?? 2000;
  await queues.speech.addBulk(
    items.map((a) => ({
      name: TEXT_JOB,
      data: { answerId: a.id, revision: a.revision },
      // Done jobs go at once: nothing re-adds a settled answer, and no kept job names an answer.
      opts: { ...MEDIA_JOB_OPTIONS, backoff: { type: 'exponential', delay }, removeOnComplete: true, jobId: textJobId(a.id, a.revision) },
    })),
  );
}

/** Removes the translation jobs of an erased respondent's typed answers (every revision). */
export async function withdrawTexts(queues: Queues, items: readonly TextSubmission[]): Promise<void> {
  for (const a of items) for (let revision = 1; revision <= a.revision; revision++) await queues.speech.remove(textJobId(a.id, revision));
}
