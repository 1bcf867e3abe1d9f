/**
 * Deletes media files older than the retention period. Transcripts and translations stay on
 * the answer rows (they go only when the respondent is erased). A content-addressed file is
 * kept while a newer answer still points at it.
 * @module
 */
import type { MediaRepo } from '../../storage/media.ts';
import type { MediaFiles } from './files.ts';

export async function deleteExpiredMedia(repo: MediaRepo, files: MediaFiles, now: Date, retentionDays: number): Promise<number> {
  const before = new Date(now.getTime() - retentionDays * 24 * 3600 * 1000).toISOString();
  let deleted = 0;
  for (;;) {
    const batch = await repo.expired(before);
    if (batch.length === 0) return deleted;
    const ids = batch.map((r) => r.id);
    // Mark first: if we crash after this, a file may linger, but no row points at a missing file.
    await repo.markDeleted(ids, now.toISOString());
    for (const sha of new Set(batch.map((r) => r.sha256))) {
      if (await repo.fileInUse(sha, ids)) continue;
      for (const r of batch.filter((b) => b.sha256 === sha)) await files.removeAll(r.file, sha);
    }
    deleted += batch.length;
  }
}

/** Removes files no answer points at any more (after an erasure), unless another answer shares them. */
export async function forgetFiles(repo: MediaRepo, files: MediaFiles, stored: ReadonlyArray<{ file: string; sha256: string }>): Promise<void> {
  for (const f of stored) {
    if (!(await repo.fileInUse(f.sha256, []))) await files.removeAll(f.file, f.sha256);
  }
}
