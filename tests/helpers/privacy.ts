/**
 * Privacy scans: look for respondents' addresses (phone numbers, JIDs, chat ids) and ids in
 * every place they must not be — database tables and views, files, HTTP responses, logs and
 * Redis job data — and report each hit with where it was found.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pino, { type Logger } from 'pino';
import type { Db } from '../../storage/database.ts';
import { forEachKeys, REDIS_URL } from './redis.ts';

export interface Hit {
  where: string;
  needle: string;
  context: string;
}

/**
 * Every form an address can be written in: as given, its digit run (a WhatsApp JID or LID
 * without the suffix, a Telegram chat id), and the E.164 forms of that run (+31…, 0031…).
 */
export function addressForms(address: string): string[] {
  const digits = address.match(/\d{6,}/g) ?? [];
  return [...new Set([address, ...digits.flatMap((d) => [d, `+${d}`, `00${d}`])])];
}

/** Hits of any needle in `text`, each with a little context to read the report by. */
export function scanText(where: string, text: string, needles: readonly string[]): Hit[] {
  const hits: Hit[] = [];
  for (const needle of needles) {
    let i = text.indexOf(needle);
    while (i >= 0) {
      hits.push({ where, needle, context: text.slice(Math.max(0, i - 40), i + needle.length + 40) });
      i = text.indexOf(needle, i + needle.length);
    }
  }
  return hits;
}

/** All tables and views of a SQLite store, except `skip`. */
export async function relations(db: Db, skip: readonly string[] = []): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from sqlite_master where type in ('table', 'view') and name not like 'sqlite_%' order by name`.execute(
    db,
  );
  return rows.rows.map((r) => r.name).filter((n) => !skip.includes(n));
}

/** Scans every row of every table and view (but `skip`) for the needles. */
export async function scanDatabase(
  db: Db,
  needles: readonly string[],
  skip: readonly string[] = [],
): Promise<{ hits: Hit[]; scanned: Record<string, number> }> {
  const hits: Hit[] = [];
  const scanned: Record<string, number> = {};
  for (const name of await relations(db, skip)) {
    const rows = (await sql`select * from ${sql.table(name)}`.execute(db)).rows as Array<Record<string, unknown>>;
    scanned[name] = rows.length;
    rows.forEach((row, i) =>
      hits.push(
        ...scanText(
          `${name}[${i}]`,
          JSON.stringify(row, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v)),
          needles,
        ),
      ),
    );
  }
  return { hits, scanned };
}

/** Every file under `dir` (recursively). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Scans each file's bytes (as UTF-8 and as Latin-1, so binary files are covered too). */
export function scanFiles(files: readonly string[], needles: readonly string[], base = '/'): Hit[] {
  return files.flatMap((f) => {
    const bytes = readFileSync(f);
    const where = relative(base, f);
    const utf8 = scanText(where, bytes.toString('utf8'), needles);
    return utf8.length ? utf8 : scanText(where, bytes.toString('latin1'), needles);
  });
}

/** Every key under `prefix:` with its content (strings, hashes, lists, sets, sorted sets, streams). */
export async function redisDump(prefix: string, url = REDIS_URL): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await forEachKeys(
    prefix,
    async (redis, keys) => {
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? await redis.hgetall(key)
              : type === 'list'
                ? await redis.lrange(key, 0, -1)
                : type === 'set'
                  ? await redis.smembers(key)
                  : type === 'zset'
                    ? await redis.zrange(key, '0', '-1', 'WITHSCORES')
                    : type === 'stream'
                      ? await redis.xrange(key, '-', '+')
                      : null;
        out.set(key, JSON.stringify(value));
      }
    },
    url,
  );
  return out;
}

export async function scanRedis(prefix: string, needles: readonly string[]): Promise<{ hits: Hit[]; keys: number }> {
  const dump = await redisDump(prefix);
  const hits = [...dump].flatMap(([key, value]) => [...scanText(`redis ${key} (name)`, key, needles), ...scanText(`redis ${key}`, value, needles)]);
  return { hits, keys: dump.size };
}

/** A pino logger at debug level whose lines the test keeps (the app's whole log output). */
export function captureLogs(level: pino.Level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

/** Hits in captured log lines (see {@link captureLogs}), each named by its line number. */
export function scanLogLines(lines: readonly string[], needles: readonly string[]): Hit[] {
  return lines.flatMap((line, i) => scanText(`log line ${i + 1}`, line, needles));
}

/** A readable summary for an assertion message. */
export function describeHits(hits: readonly Hit[]): string {
  return hits
    .slice(0, 20)
    .map((h) => `${h.where}: "${h.needle}" in …${h.context}…`)
    .join('\n');
}
