/**
 * `stemmen user add <email> --role … --org …` and `stemmen user list`: dashboard accounts and
 * the organisations they work for.
 * The password comes from STEMMEN_PASSWORD (scripts) or a hidden prompt on the terminal.
 */
import { createInterface } from 'node:readline';
import { addUser, UserInputError } from '../../bot/web/auth.ts';
import type { Config } from '../../bot/config.ts';
import { Accounts } from '../../storage/accounts.ts';
import { openMigrated } from '../../storage/database.ts';

async function askPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UserInputError('no password: set STEMMEN_PASSWORD for scripts, or run this on a terminal to be asked');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // Echo nothing while the password is typed.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
    if (s.startsWith(prompt)) process.stderr.write(prompt);
  };
  try {
    return await new Promise<string>((resolve) => rl.question(prompt, resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

export async function runUserAdd(config: Config, email: string, role: string, orgs: readonly string[] = []): Promise<number> {
  const password = config.userPassword ?? (await askPassword(`Password for ${email} (12+ characters): `));
  const db = await openMigrated(config);
  try {
    const r = await addUser(new Accounts(db), email, role, password, new Date().toISOString(), orgs);
    const where = r.user.organisations.length ? ` in ${r.user.organisations.join(', ')}` : ' (every organisation)';
    process.stdout.write(`${r.created ? 'added' : 'updated (role and password; open sessions ended)'}: ${r.user.email} as ${r.user.role}${where}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

export async function runUserList(config: Config): Promise<number> {
  const db = await openMigrated(config);
  try {
    for (const u of await new Accounts(db).listUsers()) {
      const orgs = u.role === 'admin' ? '(every organisation)' : u.organisations.map((m) => `${m.organisationId}:${m.role}`).join(' ');
      process.stdout.write(`${u.email}\t${u.role}\t${orgs}\n`);
    }
    return 0;
  } finally {
    await db.destroy();
  }
}
