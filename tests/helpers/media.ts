/**
 * Real media made by the test with ffmpeg: voice notes (OGG/Opus tones, as a phone records
 * them), MP4 videos, and hostile files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV } from './services/env.ts';

function ffmpeg(args: string[], ext: string): Buffer {
  // The global setup put a working ffmpeg first on the PATH, or left the install line here.
  const missing = process.env[ENV.ffmpegMissing];
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-ffmpeg-'));
  const out = join(dir, `out.${ext}`);
  try {
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args, out]);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A voice note as Telegram and WhatsApp send them: mono OGG/Opus. `tag` makes the bytes unique. */
export function voiceNote(seconds: number, tag = 'x', frequency = 440): Buffer {
  return ffmpeg(
    [
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${frequency}:duration=${seconds}`,
      '-metadata',
      `title=${tag}`,
      '-ac',
      '1',
      '-ar',
      '48000',
      '-c:a',
      'libopus',
      '-b:a',
      '32k',
      '-application',
      'voip',
    ],
    'ogg',
  );
}

/** A small square H.264/AAC MP4, like a round video note. */
export function videoNote(seconds: number): Buffer {
  return ffmpeg(
    [
      '-f',
      'lavfi',
      '-i',
      `testsrc=size=96x96:rate=10:duration=${seconds}`,
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=300:duration=${seconds}`,
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
      '-movflags',
      '+faststart',
    ],
    'mp4',
  );
}

/** A small PNG picture. */
export function picture(): Buffer {
  return ffmpeg(['-f', 'lavfi', '-i', 'color=c=red:s=16x16', '-frames:v', '1'], 'png');
}

/** A ZIP archive's first bytes, padded: what a "voice note" that is really an archive looks like. */
export const zipBytes = (): Buffer => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(2000, 7)]);
/** An ELF executable header, padded. */
export const elfBytes = (): Buffer => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(4000, 1)]);
