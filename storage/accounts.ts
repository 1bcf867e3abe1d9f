/**
 * Dashboard users (with their organisation memberships), their sessions, login-attempt counters
 * and read-API tokens.
 * Callers pass hashes, never secrets: passwords, cookies and bearer tokens are hashed above.
 * @module
 */
import { sql } from 'kysely';
import type { Db } from './database.ts';
import { Organisations, type Membership, type Role } from './organisations.ts';

export { ROLES, type Role } from './organisations.ts';

/** `role` admin sees every organisation; everyone else sees the pilots of their `organisations`, with the role they have there. */
export interface User {
  id: string;
  email: string;
  role: Role;
  organisations: readonly Membership[];
}
export interface ApiToken {
  id: string;
  pilotCode: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

export class Accounts {
  /** Organisations and memberships, which user sessions carry. */
  readonly orgs: Organisations;
  constructor(private readonly db: Db) {
    this.orgs = new Organisations(db);
  }

  /** Creates the user, or sets a new role and password when the email exists. Returns whether it was new. */
  async upsertUser(u: { id: string; email: string; role: Role; passwordHash: string; now: string }): Promise<boolean> {
    const existing = await this.db.selectFrom('users').select('id').where('email', '=', u.email).executeTakeFirst();
    if (existing) {
      await this.db.updateTable('users').set({ role: u.role, password_hash: u.passwordHash, updated_at: u.now }).where('id', '=', existing.id).execute();
      // A new password ends every open session of that user.
      await this.db.deleteFrom('auth_sessions').where('user_id', '=', existing.id).execute();
      return false;
    }
    await this.db
      .insertInto('users')
      .values({ id: u.id, email: u.email, role: u.role, password_hash: u.passwordHash, created_at: u.now, updated_at: u.now })
      .execute();
    return true;
  }

  async findUserByEmail(email: string): Promise<(User & { passwordHash: string }) | undefined> {
    const r = await this.db.selectFrom('users').select(['id', 'email', 'role', 'password_hash']).where('email', '=', email).executeTakeFirst();
    return r && { id: r.id, email: r.email, role: r.role as Role, organisations: await this.orgs.memberships(r.id), passwordHash: r.password_hash };
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').select(['id', 'email', 'role']).orderBy('email').execute();
    const out: User[] = [];
    for (const r of rows) out.push({ id: r.id, email: r.email, role: r.role as Role, organisations: await this.orgs.memberships(r.id) });
    return out;
  }

  async createSession(s: { tokenHash: string; userId: string; csrfToken: string; now: string; expiresAt: string }): Promise<void> {
    await this.db
      .insertInto('auth_sessions')
      .values({ token_hash: s.tokenHash, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.now, expires_at: s.expiresAt })
      .execute();
  }

  /** The user of a live session with the session's CSRF token; expired sessions are not returned. */
  async findSession(tokenHash: string, now: string): Promise<{ user: User; csrfToken: string } | undefined> {
    const r = await this.db
      .selectFrom('auth_sessions')
      .innerJoin('users', 'users.id', 'auth_sessions.user_id')
      .select(['users.id', 'users.email', 'users.role', 'auth_sessions.csrf_token'])
      .where('auth_sessions.token_hash', '=', tokenHash)
      .where('auth_sessions.expires_at', '>', now)
      .executeTakeFirst();
    return r && { user: { id: r.id, email: r.email, role: r.role as Role, organisations: await this.orgs.memberships(r.id) }, csrfToken: r.csrf_token };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('auth_sessions').where('token_hash', '=', tokenHash).execute();
  }

  async purgeExpiredSessions(now: string): Promise<void> {
    await this.db.deleteFrom('auth_sessions').where('expires_at', '<=', now).execute();
  }

  /**
   * Counts one login attempt for each key (email, client address) in one atomic upsert and
   * returns the new counts: a row whose window began before `windowFrom` starts again at 1.
   * One statement for all keys, so parallel attempts see every counter move together: they
   * get distinct counts and no more than the limit ever reach the password check.
   */
  async countLoginAttempts(keys: readonly string[], now: string, windowFrom: string): Promise<Map<string, { attempts: number; windowStart: string }>> {
    const stale = sql<boolean>`login_attempts.window_start < ${windowFrom}`;
    const rows = await this.db
      .insertInto('login_attempts')
      .values(keys.map((key) => ({ key, window_start: now, attempts: 1 })))
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          attempts: sql<number>`case when ${stale} then 1 else login_attempts.attempts + 1 end`,
          window_start: sql<string>`case when ${stale} then ${now} else login_attempts.window_start end`,
        }),
      )
      .returning(['key', 'attempts', 'window_start'])
      .execute();
    return new Map(rows.map((r) => [r.key, { attempts: Number(r.attempts), windowStart: r.window_start }]));
  }

  /** Gives back an attempt that did not fail (refused unchecked, or logged in), if its window is still the current one. */
  async releaseLoginAttempt(key: string, windowStart: string): Promise<void> {
    await this.db
      .updateTable('login_attempts')
      .set((eb) => ({ attempts: eb('attempts', '-', 1) }))
      .where('key', '=', key)
      .where('window_start', '=', windowStart)
      .where('attempts', '>', 0)
      .execute();
  }

  async forgetLoginAttempts(windowFrom: string): Promise<void> {
    await this.db.deleteFrom('login_attempts').where('window_start', '<', windowFrom).execute();
  }

  async createToken(t: { id: string; tokenHash: string; pilotCode: string; label: string; now: string }): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({ id: t.id, token_hash: t.tokenHash, pilot_code: t.pilotCode, label: t.label, created_at: t.now, revoked_at: null })
      .execute();
  }

  /** The pilot a live (not revoked) token may read, or undefined. */
  async tokenPilot(tokenHash: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('api_tokens')
      .select('pilot_code')
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return r?.pilot_code;
  }

  /** Revokes a token by id; false when no live token has that id. */
  async revokeToken(id: string, now: string): Promise<boolean> {
    const r = await this.db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async listTokens(): Promise<ApiToken[]> {
    const rows = await this.db.selectFrom('api_tokens').select(['id', 'pilot_code', 'label', 'created_at', 'revoked_at']).orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, pilotCode: r.pilot_code, label: r.label, createdAt: r.created_at, revokedAt: r.revoked_at }));
  }
}
