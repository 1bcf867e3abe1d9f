/**
 * Why a media answer cannot be used. Rejections are permanent (the same bytes will never
 * pass), so the job fails at once with BullMQ's UnrecoverableError and the respondent gets a
 * short note; anything else is treated as transient and retried with backoff.
 * @module
 */
import { UnrecoverableError } from 'bullmq';
import type { LayeredError } from '../../surveys/errors.ts';

export type RejectReason =
  | 'too_large' // over MEDIA_MAX_MB or the channel's own limit
  | 'empty' // zero bytes
  | 'wrong_type' // the bytes are not an allowed audio/video/image container (a ZIP, an executable…)
  | 'unreadable' // the container is right but ffprobe/ffmpeg cannot decode it (truncated, corrupt)
  | 'too_long' // longer than MEDIA_MAX_SECONDS
  | 'no_duration' // a recording without a sensible duration
  | 'bad_source' // the file reference points outside the channel's own file host, or is malformed
  | 'gone'; // the channel no longer has the file (expired)

/** Extends BullMQ's class (so the job is not retried) and carries the layer and code like a StemmenError. */
export class MediaRejected extends UnrecoverableError implements LayeredError {
  override name = 'MediaRejected';
  readonly layer = 'media' as const;
  constructor(
    readonly reason: RejectReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
  get code(): RejectReason {
    return this.reason;
  }
}

export const isRejection = (e: unknown): e is MediaRejected => e instanceof MediaRejected;
