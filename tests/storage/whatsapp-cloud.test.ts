import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../storage/database.ts';
import { CloudWhatsAppStore } from '../../storage/whatsapp-cloud.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

describe.each(STORE_KINDS)('WhatsApp Cloud API store on %s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let cloud: CloudWhatsAppStore;
  const T0 = '2026-12-01T10:00:00.000Z';
  const T1 = '2026-12-01T11:00:00.000Z';

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    cloud = new CloudWhatsAppStore(db);
    await db.insertInto('respondents').values({ id: 'r1', created_at: T0, last_seen_at: T0, language: 'en' }).execute();
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  it('keeps the latest status of a sent message; a late callback does not undo a later one', async () => {
    expect(await cloud.sent('wamid.A', 'r1', 'reminder', T0)).toBe(true);
    expect(await cloud.status('wamid.A', 'read', null, T1)).toBe(true);
    expect(await cloud.status('wamid.A', 'delivered', null, T1)).toBe(false);
    expect(await cloud.status('wamid.UNKNOWN', 'read', null, T1)).toBe(false);
    expect(await cloud.statusCounts('reminder')).toEqual({ accepted: 0, sent: 0, delivered: 0, read: 1, failed: 0 });
    expect(await cloud.sent('wamid.B', 'gone', null, T0)).toBe(false); // an erased respondent: nothing kept
    await db.deleteFrom('respondents').where('id', '=', 'r1').execute(); // erasure removes by cascade
    expect(await db.selectFrom('cloud_messages').selectAll().execute()).toEqual([]);
  });

  it('caches uploaded media ids until they are too old, and keeps windows by key', async () => {
    await cloud.rememberMedia('file-key', 'media-1', T0);
    expect(await cloud.mediaId('file-key', T0)).toBe('media-1');
    expect(await cloud.mediaId('file-key', T1)).toBeUndefined();
    await cloud.wrote('k', T0);
    await cloud.wrote('k', T1);
    expect(await cloud.lastInbound('k')).toBe(T1);
    expect(await cloud.purgeWindows('2026-12-02T00:00:00.000Z')).toBe(1);
    expect(await cloud.lastInbound('k')).toBeUndefined();
  });
});
