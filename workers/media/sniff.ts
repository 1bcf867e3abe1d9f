/**
 * What a file is, from its first bytes, never from the name or MIME type the sender gave.
 * @module
 */
import type { MediaKind } from '../../surveys/engine/types.ts';

export type Container = 'ogg' | 'mp4' | 'webm' | 'mp3' | 'wav' | 'jpeg' | 'png';

/** Enough bytes for every signature below. */
export const SNIFF_BYTES = 16;

export function sniff(head: Uint8Array): Container | null {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const ascii = (at: number, s: string) => b.length >= at + s.length && b.toString('latin1', at, at + s.length) === s;
  if (ascii(0, 'OggS')) return 'ogg';
  // ISO-BMFF (MP4, M4A, 3GP, MOV): a box size, then 'ftyp'.
  if (ascii(4, 'ftyp')) return 'mp4';
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'webm';
  if (ascii(0, 'RIFF') && ascii(8, 'WAVE')) return 'wav';
  if (ascii(0, 'ID3')) return 'mp3';
  // A bare MPEG audio frame: 11 sync bits, then a valid layer (not "reserved") and bitrate.
  if (b.length >= 3 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0 && (b[1]! & 0x06) !== 0 && (b[2]! & 0xf0) !== 0xf0) return 'mp3';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  return null;
}

const AUDIO: readonly Container[] = ['ogg', 'mp4', 'webm', 'mp3', 'wav'];
const VIDEO: readonly Container[] = ['mp4', 'webm'];
const IMAGE: readonly Container[] = ['jpeg', 'png'];

/** Containers accepted per kind of answer. A "document" is accepted only when it is audio or video. */
export const ALLOWED: Readonly<Record<MediaKind, readonly Container[]>> = {
  voice: AUDIO,
  audio: AUDIO,
  // Phones record videos as MP4 or WebM; OGG video (Theora) is rare enough to refuse.
  video: VIDEO,
  video_note: VIDEO,
  image: IMAGE,
  document: AUDIO,
};

export const EXTENSION: Readonly<Record<Container, string>> = {
  ogg: 'ogg',
  mp4: 'mp4',
  webm: 'webm',
  mp3: 'mp3',
  wav: 'wav',
  jpeg: 'jpg',
  png: 'png',
};

export const isTimed = (c: Container): boolean => c !== 'jpeg' && c !== 'png';
