/**
 * Which WhatsApp Web version the socket announces. Baileys' built-in one goes stale, and
 * WhatsApp then refuses the login (disconnect 405), so the current one is asked from
 * web.whatsapp.com before each connect; on any error or timeout the built-in one is used and
 * that is logged once. Injectable (tests never reach the internet).
 * @module
 */
import { fetchLatestWaWebVersion, type WAVersion } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';

/** Answers the version to use; undefined means Baileys' built-in default. Never rejects. */
export type VersionSource = () => Promise<WAVersion | undefined>;

/** What Baileys' `fetchLatestWaWebVersion` returns (it reports errors instead of throwing). */
export type FetchLatest = (options: { signal: AbortSignal }) => Promise<{ version: WAVersion; isLatest: boolean; error?: unknown }>;

export function latestVersion(log: Logger, opts: { fetchLatest?: FetchLatest; timeoutMs?: number } = {}): VersionSource {
  const fetchLatest = opts.fetchLatest ?? ((o) => fetchLatestWaWebVersion(o));
  let warned = false;
  const fallback = (why: string): undefined => {
    if (!warned) log.warn({ reason: why }, "whatsapp: could not look up the current WhatsApp Web version; using Baileys' built-in one");
    warned = true;
    return undefined;
  };
  return async () => {
    try {
      const r = await fetchLatest({ signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
      if (!r.isLatest) return fallback(r.error instanceof Error ? r.error.message : String((r.error as { message?: string })?.message ?? 'no version found'));
      warned = false;
      return r.version;
    } catch (e) {
      return fallback((e as Error).message);
    }
  };
}
