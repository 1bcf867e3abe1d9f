/**
 * The database drivers themselves, beneath kysely, for the tools that must work under the
 * store on purpose: the dashboard bench seeds a million rows with prepared multi-row inserts,
 * the chaos run reads a crashed process's SQLite file read-only, the bench creates and drops
 * PostgreSQL schemas. The app never uses these; they exist so that only storage/ imports a
 * driver (enforced by check:architecture).
 * @module
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';

export type RawSqlite = SQLite.Database;
export type RawSqliteStatement = SQLite.Statement;
export type RawPostgres = pg.Client;

export function openRawSqlite(file: string, options?: { readonly?: boolean; fileMustExist?: boolean }): RawSqlite {
  return new SQLite(file, options);
}

/** A connected single PostgreSQL client; the caller ends it. */
export async function connectRawPostgres(url: string): Promise<RawPostgres> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}
