/**
 * The rooms' rules for the architecture check: which files may use which packages, and which
 * rooms inside bot/ may import which. Paths are relative to the repository root with `/`;
 * an entry ending in `/` is a folder, `*` stands for one path segment.
 *
 * tests/ is not checked: tests drive the far side of the wire (real Baileys messages, raw SQL
 * to look under the store) on purpose. scripts/ gets no exception: a tool that needs a driver
 * uses storage/raw-drivers.ts, one that needs a Bot API type uses the channel's re-export.
 * One file is no part of stemmen and may use the SDK and the driver directly: the cost bench's
 * reference bot (REFERENCE_BOT), the bot a developer would write without stemmen.
 * @module
 */

interface PackageRule {
  owns: (pkg: string) => boolean;
  what: string;
  allowed: readonly string[];
  fix: string;
}

const REFERENCE_BOT = 'scripts/bench/reference-bot.mjs';

const PACKAGE_RULES: readonly PackageRule[] = [
  {
    owns: (p) => p === 'kysely' || p === 'better-sqlite3' || p === 'pg',
    what: 'the database (kysely and the drivers)',
    allowed: ['storage/'],
    fix: 'add a method to the repository in storage/ that owns the table (tools that must go beneath the store: storage/raw-drivers.ts)',
  },
  {
    owns: (p) => p === 'bullmq' || p === 'ioredis',
    what: 'the queues (bullmq, ioredis)',
    allowed: ['workers/', 'bot/web/queue-board.ts'],
    fix: 'use the queue classes of workers/ (queues.ts, reminders.ts, campaigns.ts)',
  },
  {
    owns: (p) => p === 'grammy' || p.startsWith('@grammyjs/') || p === '@whiskeysockets/baileys',
    what: 'the chat SDKs (grammY, Baileys)',
    // Baileys' login state is stored in the database with Baileys' own serialiser (BufferJSON).
    allowed: ['bot/channels/', 'storage/whatsapp-auth.ts'],
    fix: 'keep SDK code in its channel under bot/channels/ and re-export the types others need (bot/channels/telegram/bot-api.ts, bot/channels/whatsapp/baileys-types.ts)',
  },
  {
    owns: (p) => p === 'fastify' || p.startsWith('@fastify/') || p.startsWith('@bull-board/'),
    what: 'the web server (fastify, its plugins, Bull Board)',
    allowed: ['bot/web/', 'bot/channels/*/routes.ts', 'bot/channels/*/webhook.ts', 'bot/channels/telegram/bot.ts', 'bot/channels/whatsapp/runtime.ts'],
    fix: 'build the server in bot/web/server.ts; a channel mounts its routes from its routes.ts or webhook.ts, given the server',
  },
  {
    // Dev dependencies: absent after `npm ci --omit=dev`, so one module looks them up and copes.
    owns: (p) => p === '@ffmpeg-installer/ffmpeg' || p === '@ffprobe-installer/ffprobe',
    what: 'the static ffmpeg/ffprobe builds (dev dependencies)',
    allowed: ['workers/media/tools.ts'],
    fix: 'run ffmpeg through workers/media/ffmpeg.ts, which finds it (PATH, then these packages)',
  },
];

function matches(rel: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}${pattern.endsWith('/') ? '' : '$'}`);
  return re.test(rel);
}

/** The package an import specifier names: `@scope/name` or `name`. */
export function packageOf(spec: string): string {
  return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
}

/** Why `rel` may not import package `pkg`, or null. */
export function packageViolation(rel: string, pkg: string): string | null {
  if (rel === REFERENCE_BOT) return null;
  for (const r of PACKAGE_RULES) {
    if (!r.owns(pkg) || r.allowed.some((a) => matches(rel, a))) continue;
    return `"${pkg}" is ${r.what}, allowed only in ${r.allowed.join(', ')}; ${r.fix}`;
  }
  return null;
}

type Room = 'web' | 'conversation' | 'channel-port' | 'channel' | 'delivery' | 'bot';

function roomOf(rel: string): Room | null {
  if (!rel.startsWith('bot/')) return null;
  if (rel.startsWith('bot/web/')) return 'web';
  if (rel.startsWith('bot/conversation/')) return 'conversation';
  if (rel === 'bot/channels/port.ts') return 'channel-port';
  if (rel.startsWith('bot/channels/')) return 'channel';
  if (rel.startsWith('bot/delivery/')) return 'delivery';
  return 'bot';
}

/** What the staff web app may use of the conversation: its public surface only. */
export const CONVERSATION_SURFACE = 'bot/conversation/index.ts';

/** Why `from` may not import `to` (both inside bot/), or null. bot/delivery/ may be imported by any room. */
export function roomViolation(from: string, to: string): string | null {
  const a = roomOf(from),
    b = roomOf(to);
  if (a === 'web' && b === 'conversation' && to !== CONVERSATION_SURFACE) {
    return `bot/web/ may use bot/conversation/ only through ${CONVERSATION_SURFACE}, not ${to}; export what the page needs there`;
  }
  if (a === 'channel' && b === 'web') {
    return `bot/channels/ must not import bot/web/ (${to}); a channel mounts its routes on the server it is given, and bot/web/server.ts takes the mounts`;
  }
  if (a === 'conversation' && b === 'channel') {
    return `bot/conversation/ must not import a channel adapter (${to}); use the port (bot/channels/port.ts) and let bot/app.ts wire the adapter`;
  }
  return null;
}
