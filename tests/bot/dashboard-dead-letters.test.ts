/**
 * The admins' dead-letter page: lists parked messages with code, reason, attempts and a
 * pseudonymous respondent, never an address; other roles get 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetters } from '../../storage/dead-letters.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser } from '../helpers/dashboard.ts';
import { plainOutbox } from '../helpers/outbox.ts';

let app: TestApp;
const ADDRESS = '31633333333@s.whatsapp.net';

beforeAll(async () => {
  app = await startTestApp();
  await createUser(app.db, 'admin@example.org', 'admin');
  await createUser(app.db, 'coord@example.org', 'coordinator');
  const letters = new DeadLetters(app.store);
  const key = { channel: 'whatsapp' as const, messageKey: 'mk-dashboard-1', respondentId: 'r_deadletterpage01', address: ADDRESS };
  const failure = { layer: 'engine', code: 'invariant', reason: 'EngineError: no prompt <b>here</b>' };
  const now = new Date().toISOString();
  for (let i = 0; i < 3; i++) await letters.recordFailure(key, failure, now);
  await letters.park(
    key,
    { ...failure, attempts: 3 },
    { content: { kind: 'text', text: 'mijn antwoord' } },
    { id: 'apology-1', payload: { text: 'sorry', language: 'en', dir: 'ltr' } },
    plainOutbox,
    now,
  );
});
afterAll(async () => {
  await app.dispose();
});

describe('dead-letter page', () => {
  it('lists parked messages for admins, with the count, and no address', async () => {
    const b = new Browser(app.server);
    await b.login('admin@example.org');
    const res = await b.get('/admin/dead-letters');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-dead-letter-count="1"');
    expect(res.body).toContain('1 message parked.');
    expect(res.body).toContain('engine/invariant');
    expect(res.body).toContain('EngineError: no prompt &lt;b&gt;here&lt;/b&gt;');
    expect(res.body).toContain('r_deadlett');
    expect(res.body).toMatch(/<td>3<\/td>/);
    expect(res.body).not.toContain('31633333333');
    // Reachable from the navigation, for admins.
    expect((await b.get('/')).body).toContain('href="/admin/dead-letters"');
  });

  it('answers 403 to a coordinator and shows them no link', async () => {
    const b = new Browser(app.server);
    await b.login('coord@example.org');
    const res = await b.get('/admin/dead-letters');
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('engine/invariant');
    expect((await b.get('/')).body).not.toContain('/admin/dead-letters');
  });
});
