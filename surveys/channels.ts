/**
 * The chat channels a respondent can answer on. Stored as text; typed everywhere else.
 * @module
 */
export const CHANNELS = ['telegram', 'whatsapp', 'tryit'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(s: unknown): s is Channel {
  return typeof s === 'string' && (CHANNELS as readonly string[]).includes(s);
}
