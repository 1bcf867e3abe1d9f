/**
 * `stemmen token create|revoke|list`: bearer tokens of the read API, one pilot each.
 * The token is printed once; only its SHA-256 is stored.
 */
import { randomUUID } from 'node:crypto';
import { randomToken, sha256, UserInputError } from '../../bot/web/auth.ts';
import type { Config } from '../../bot/config.ts';
import { Accounts } from '../../storage/accounts.ts';
import { describeDatabase, openMigrated } from '../../storage/database.ts';
import { PilotRepository } from '../../storage/pilots.ts';

export async function runTokenCreate(config: Config, pilot: string, label: string): Promise<number> {
  const db = await openMigrated(config);
  try {
    const known = await new PilotRepository(db).find(pilot);
    if (!known) throw new UserInputError(`--pilot ${pilot}: no such pilot in ${describeDatabase(config)}; see the pilots on the dashboard's start page`);
    const id = randomUUID().slice(0, 8);
    const token = `stm_${randomToken()}`;
    await new Accounts(db).createToken({ id, tokenHash: sha256(token), pilotCode: pilot, label, now: new Date().toISOString() });
    process.stdout.write(`token ${id} for pilot ${pilot} (shown once; keep it secret):\n${token}\nrevoke with: stemmen token revoke ${id}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

export async function runTokenRevoke(config: Config, id: string): Promise<number> {
  const db = await openMigrated(config);
  try {
    if (!(await new Accounts(db).revokeToken(id, new Date().toISOString())))
      throw new UserInputError(`no live token with id ${id}; see \`stemmen token list\``);
    process.stdout.write(`revoked token ${id}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

export async function runTokenList(config: Config): Promise<number> {
  const db = await openMigrated(config);
  try {
    for (const t of await new Accounts(db).listTokens())
      process.stdout.write(`${t.id}\t${t.pilotCode}\t${t.revokedAt ? `revoked ${t.revokedAt}` : 'live'}\t${t.label}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}
