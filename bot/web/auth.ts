/**
 * Dashboard authentication: Argon2id password hashes, server-side sessions behind a random
 * cookie token (only its SHA-256 is stored), a synchronizer CSRF token per session, and a
 * limit on failed logins per email and per client address, counted before the password check.
 * @module
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify as argon2Verify } from '@node-rs/argon2';
import { ROLES, type Accounts, type Role, type User } from '../../storage/accounts.ts';

export const SESSION_COOKIE = 'stemmen_session';
const FAILURE_WINDOW_MS = 15 * 60 * 1000;

/** The library's defaults are Argon2id (m=19 MiB, t=2, p=1), OWASP's minimum recommendation. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export class UserInputError extends Error {
  override name = 'UserInputError';
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Adds a user or resets one's role and password, and makes them a member of the given
 * organisations with that role (`stemmen user add --org`). Without --org a non-admin joins the
 * only organisation there is; with several, --org is required. Admins see every organisation.
 */
export async function addUser(
  accounts: Accounts,
  email: string,
  role: string,
  password: string,
  now: string,
  orgIds: readonly string[] = [],
): Promise<{ created: boolean; user: { email: string; role: Role; organisations: string[] } }> {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e)) throw new UserInputError(`"${email}" is not an email address; give one like coordinator@example.org`);
  if (!(ROLES as readonly string[]).includes(role))
    throw new UserInputError(`--role must be ${ROLES.slice(0, -1).join(', ')} or ${ROLES.at(-1)} (got "${role}")`);
  if (password.length < 12) throw new UserInputError('the password is too short: use at least 12 characters');
  const known = (await accounts.orgs.list()).map((o) => o.id);
  let orgs = [...new Set(orgIds)];
  for (const o of orgs)
    if (!known.includes(o))
      throw new UserInputError(`there is no organisation "${o}": add it first with \`stemmen org add ${o} --name "…"\` (known: ${known.join(', ') || 'none'})`);
  if (orgs.length === 0 && role !== 'admin') {
    if (known.length !== 1) throw new UserInputError(`give --org <id> for a ${role}: the organisations are ${known.join(', ')}`);
    orgs = [known[0]!];
  }
  const created = await accounts.upsertUser({ id: randomUUID(), email: e, role: role as Role, passwordHash: await hashPassword(password), now });
  const user = (await accounts.findUserByEmail(e))!;
  for (const o of orgs) await accounts.orgs.setMembership(user.id, o, role as Role);
  return { created, user: { email: e, role: role as Role, organisations: orgs } };
}

export type LoginResult = { ok: true; token: string } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number };

export class Auth {
  // Verified when the email is unknown, so a wrong email costs as long as a wrong password.
  private readonly dummy = hashPassword(randomToken());

  constructor(
    private readonly accounts: Accounts,
    private readonly opts: { sessionHours: number; maxFailures: number; now: () => Date },
    /** The password check (tests count its calls). */
    private readonly verify: (hash: string, password: string) => Promise<boolean> = argon2Verify,
  ) {}

  async login(email: string, password: string, clientAddress: string): Promise<LoginResult> {
    const now = this.opts.now();
    const windowFrom = new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString();
    // Counted before the (slow) password check, atomically: parallel attempts cannot all pass a check made before any was recorded.
    const keys = [`email:${email.trim().toLowerCase()}`, `ip:${clientAddress}`];
    const counted = [...(await this.accounts.countLoginAttempts(keys, now.toISOString(), windowFrom))].map(([key, c]) => ({ key, ...c }));
    // Only failures keep their count: a refused attempt was never checked, a good one is no attack.
    const release = () => Promise.all(counted.map((c) => this.accounts.releaseLoginAttempt(c.key, c.windowStart)));
    const over = counted.filter((c) => c.attempts > this.opts.maxFailures);
    if (over.length > 0) {
      await release();
      const ends = Math.max(...over.map((c) => Date.parse(c.windowStart) + FAILURE_WINDOW_MS));
      return { ok: false, reason: 'rate_limited', retryAfterSeconds: Math.max(1, Math.ceil((ends - now.getTime()) / 1000)) };
    }
    const user = await this.accounts.findUserByEmail(email.trim().toLowerCase());
    const good = await this.verify(user?.passwordHash ?? (await this.dummy), password).catch(() => false);
    if (!user || !good) return { ok: false, reason: 'invalid' };
    await release();
    await this.accounts.forgetLoginAttempts(windowFrom);
    await this.accounts.purgeExpiredSessions(now.toISOString());
    const token = randomToken();
    await this.accounts.createSession({
      tokenHash: sha256(token),
      userId: user.id,
      csrfToken: randomToken(),
      now: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.opts.sessionHours * 3600_000).toISOString(),
    });
    return { ok: true, token };
  }

  session(token: string | undefined): Promise<{ user: User; csrfToken: string } | undefined> {
    if (!token) return Promise.resolve(undefined);
    return this.accounts.findSession(sha256(token), this.opts.now().toISOString());
  }

  async logout(token: string | undefined): Promise<void> {
    if (token) await this.accounts.deleteSession(sha256(token));
  }
}
