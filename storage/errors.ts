/**
 * Store failures by code, and which of them are worth retrying.
 *
 * better-sqlite3 and pg throw their own errors; {@link toStoreError} classifies them once,
 * here, so callers above storage/ never look at SQLITE_* or SQLSTATE codes.
 * @module
 */
import { StemmenError } from '../surveys/errors.ts';

export type StoreErrorCode =
  | 'busy' // locked by another writer, serialization failure, deadlock: retry soon
  | 'unavailable' // cannot reach or open the database
  | 'conflict' // a row changed under us (optimistic revision check): reload and retry
  | 'constraint' // a write broke a constraint: the same write fails again
  | 'unknown';

export class StoreError extends StemmenError<StoreErrorCode> {
  override name = 'StoreError';
  readonly layer = 'store' as const;
}

/** Codes a short retry may cure. */
const TRANSIENT: ReadonlySet<StoreErrorCode> = new Set(['busy', 'unavailable', 'conflict']);

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

function codeOf(e: { code?: unknown; message?: unknown }): StoreErrorCode | null {
  const code = typeof e.code === 'string' ? e.code : '';
  if (code.startsWith('SQLITE_')) {
    if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return 'busy';
    if (/^SQLITE_(CANTOPEN|IOERR|FULL|READONLY|NOTADB|CORRUPT)/.test(code)) return 'unavailable';
    if (code.startsWith('SQLITE_CONSTRAINT')) return 'constraint';
    return 'unknown';
  }
  if (NETWORK.has(code)) return 'unavailable';
  // PostgreSQL SQLSTATE: 40001 serialization failure, 40P01 deadlock, 55P03 lock not available, 53300 too many connections.
  if (/^(40001|40P01|55P03|53300)$/.test(code)) return 'busy';
  if (/^(08|57P0[123])/.test(code)) return 'unavailable';
  if (/^23\d{3}$/.test(code)) return 'constraint';
  const message = typeof e.message === 'string' ? e.message : '';
  // pg and its pool report a lost or refused connection without a code.
  if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|database is closed/i.test(message))
    return 'unavailable';
  return null;
}

/** The error as a StoreError when it comes from the database (or already is one); null otherwise. */
export function toStoreError(e: unknown): StoreError | null {
  if (e instanceof StoreError) return e;
  if (!(e instanceof Error)) return null;
  const code = codeOf(e as Error & { code?: unknown });
  return code ? new StoreError(code, e.message, { cause: e }) : null;
}

/** True when retrying after a short wait may succeed (busy, unreachable for a moment, changed under us). */
export function isTransient(e: unknown): boolean {
  const s = toStoreError(e);
  return s !== null && TRANSIENT.has(s.code);
}
