/**
 * Baileys' own logger, with every address masked before pino sees it. Baileys logs JIDs and
 * phone numbers under many names (`jid`, `from`, `participant`, `remoteJid`, `key`, `attrs`,
 * `sender`, `lid`, `user`, …) and inside message strings (`getLIDForPN: 316… → …@lid`), so a
 * list of pino `redact` paths would always miss one: every string in the object (at any
 * depth) and the message are masked instead. Masking runs only for enabled levels.
 * @module
 */
import type { Logger } from 'pino';

/** The logger shape Baileys takes (its `ILogger`, which it does not export). */
export interface BaileysLogger {
  level: string;
  child(obj: Record<string, unknown>): BaileysLogger;
  trace(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/** A user part (digits, or a LID) with an optional device, before a WhatsApp server name. */
const JID = /[\w.:+-]*@(?:s\.whatsapp\.net|c\.us|lid|g\.us|broadcast|newsletter|hosted(?:\.lid)?)\b/g;
/** Phone numbers, LIDs and Signal addresses (`31612345678.0`) without their server. */
const DIGITS = /\+?\d{7,}/g;

export function maskAddresses(text: string): string {
  return text.replace(JID, (m) => `***${m.slice(m.indexOf('@'))}`).replace(DIGITS, '***');
}

const MAX_DEPTH = 8;

/** A copy of `value` with every string masked; bytes are summarised, cycles cut. */
export function maskDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskAddresses(value);
  if (typeof value === 'bigint') return maskAddresses(String(value));
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (depth >= MAX_DEPTH || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const stack = value.stack ? maskAddresses(value.stack) : undefined;
    return { type: value.name, message: maskAddresses(value.message), ...(stack ? { stack } : {}), ...(maskDeep({ ...value }, depth + 1, seen) as object) };
  }
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1, seen));
  if (value instanceof Map) return maskDeep(Object.fromEntries(value), depth + 1, seen);
  if (value instanceof Set) return maskDeep([...value], depth + 1, seen);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[maskAddresses(k)] = maskDeep(v, depth + 1, seen);
  return out;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;

/** Wraps a pino logger for Baileys: same levels and children, addresses masked. */
export function maskedBaileysLogger(log: Logger): BaileysLogger {
  const write =
    (level: (typeof LEVELS)[number]) =>
    (obj: unknown, msg?: string): void => {
      if (!log.isLevelEnabled(level)) return;
      const masked = maskDeep(obj);
      // Baileys passes either (object, message) or just a message string.
      if (typeof masked === 'string' && msg === undefined) log[level](masked);
      else if (masked !== null && typeof masked === 'object' && !Array.isArray(masked)) log[level](masked, msg === undefined ? undefined : maskAddresses(msg));
      else log[level]({ value: masked }, msg === undefined ? undefined : maskAddresses(msg));
    };
  return {
    get level() {
      return log.level;
    },
    set level(l: string) {
      log.level = l;
    },
    child: (bindings) => maskedBaileysLogger(log.child(maskDeep(bindings) as Record<string, unknown>)),
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}
