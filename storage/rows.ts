/**
 * Row mappers between domain values and the columns that hold them. Columns stay plain
 * (text, numbers, JSON as text) so the published views and other readers keep working; the
 * types above them live here.
 * @module
 */
import { isChannel, type Channel } from '../surveys/channels.ts';

/** A `channel` column read back; anything else is a corrupt row, reported by its value. */
export function channelFromRow(text: string): Channel {
  if (isChannel(text)) return text;
  throw new Error(`unknown channel "${text}" in the database; expected one of telegram, whatsapp, tryit`);
}
