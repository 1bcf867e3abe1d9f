/**
 * The media workers' repository on SQLite and PostgreSQL: results are written only to the
 * answer revision they were computed for, and the sweeper, retention and erasure find the
 * right rows. (The pipeline around it is tested in tests/workers.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../storage/database.ts';
import { MediaRepo, type Stored } from '../../storage/media.ts';
import { Store } from '../../storage/store.ts';
import { seedMediaAnswer } from '../../scripts/dev/seed-media.ts';
import type { MediaRef } from '../../surveys/engine/types.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const NOW = '2026-11-20T10:00:00.000Z';
const ref = (n: number): MediaRef => ({ kind: 'voice', fileRef: `file-${n}`, uniqueId: `u-${n}`, size: 1000 + n });
const stored = (sha: string): Stored => ({
  file: `originals/${sha.slice(0, 2)}/${sha}.ogg`,
  sha256: sha,
  bytes: 2048,
  type: 'ogg',
  durationSeconds: 2.5,
  codecs: ['opus'],
  transcriptStatus: 'pending',
  translationStatus: 'skipped',
});

describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let store: Store;
  let repo: MediaRepo;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    store = new Store(db);
    repo = new MediaRepo(db);
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  const seed = (n: number, answeredAt = NOW) =>
    seedMediaAnswer({ store, respondentIdFor: (_c, a) => `r-${a}` }, ref(n), { channel: 'telegram', address: String(n), language: 'ar', answeredAt });

  describe('media repository', () => {
    it('stores results for the revision they were computed from, once', async () => {
      const a = await seed(1);
      expect(await repo.load(a.id)).toMatchObject({ id: a.id, revision: 1, status: 'pending', ref: ref(1), file: null, language: 'ar' });
      expect(await repo.markStored(a.id, 2, stored('a'.repeat(64)), NOW)).toBe(false); // a stale job
      expect(await repo.markStored(a.id, 1, stored('a'.repeat(64)), NOW)).toBe(true);
      expect(await repo.markStored(a.id, 1, stored('b'.repeat(64)), NOW)).toBe(false); // already stored
      await repo.setTranscript(a.id, 1, { text: 'مرحبا', language: 'ar', status: 'ready', translationStatus: 'pending' }, NOW);
      await repo.setTranslations(a.id, 1, { nl: 'hallo', en: 'hello' }, 'ready', NOW);
      const row = await db.selectFrom('answers_v2').selectAll().where('answer_id', '=', a.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        media_status: 'ready',
        media_duration_seconds: 2.5,
        transcript: 'مرحبا',
        transcript_status: 'ready',
        translation_status: 'ready',
      });
      expect(JSON.parse(row.translations!)).toEqual({ nl: 'hallo', en: 'hello' });
    });

    it('marks an unusable file with its reason and skips the later stages', async () => {
      const a = await seed(2);
      expect(await repo.markUnusable(a.id, 1, 'rejected', 'not_audio', NOW)).toBe(true);
      expect(await repo.markUnusable(a.id, 1, 'failed', 'download', NOW)).toBe(false);
      expect(await repo.load(a.id)).toMatchObject({ status: 'rejected', transcriptStatus: 'skipped', translationStatus: 'skipped' });
    });

    it('gives the sweeper what is unfinished and old enough, oldest first', async () => {
      const pending = await seed(3, '2026-11-20T09:00:00.000Z');
      const untranscribed = await seed(4, '2026-11-20T08:00:00.000Z');
      await repo.markStored(untranscribed.id, 1, stored('c'.repeat(64)), NOW);
      const done = await seed(5, '2026-11-20T07:00:00.000Z');
      await repo.markUnusable(done.id, 1, 'rejected', 'too_long', NOW);
      await seed(6, '2026-11-20T09:59:00.000Z'); // too recent: its job is probably still queued
      const found = await repo.unfinished('2026-11-20T09:30:00.000Z');
      expect(found.map((u) => [u.id, u.stage])).toEqual([
        [untranscribed.id, 'speech'],
        [pending.id, 'media'],
      ]);
      expect(found[1]!.ref).toEqual(ref(3));
    });

    it('finds expired files, marks them deleted, and knows whether a file is shared', async () => {
      const sha = 'd'.repeat(64);
      const old = await seed(7, '2026-01-01T00:00:00.000Z');
      const recent = await seed(8, '2026-11-01T00:00:00.000Z');
      await repo.markStored(old.id, 1, stored(sha), NOW);
      await repo.markStored(recent.id, 1, stored(sha), NOW);
      const expired = await repo.expired('2026-06-01T00:00:00.000Z');
      expect(expired).toEqual([{ id: old.id, file: stored(sha).file, sha256: sha }]);
      expect(await repo.fileInUse(sha, [old.id])).toBe(true);
      await repo.markDeleted([old.id], NOW);
      expect(await repo.expired('2026-06-01T00:00:00.000Z')).toEqual([]);
      expect(await repo.fileInUse(sha, [recent.id])).toBe(false);
      expect(await repo.fileInUse(sha, [])).toBe(true);
    });
  });
});
