/**
 * A browser's MediaRecorder writes WebM as a stream and never goes back to put the duration
 * in its header; ffprobe then reports none. The probe measures such a file by its last packet,
 * so a try-it voice answer is not refused as "no duration".
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probe } from '../../workers/media/ffmpeg.ts';

const dir = mkdtempSync(join(tmpdir(), 'stemmen-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('probe: duration', () => {
  it('measures a streamed WebM (no duration in its header) by its last packet', async () => {
    // Written to a pipe, as MediaRecorder does: the muxer cannot seek back to fill in the duration.
    const streamed = execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-c:a', 'libopus', '-f', 'webm', 'pipe:1']);
    const file = join(dir, 'recorder.webm');
    writeFileSync(file, streamed);
    const header = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'json', file]).toString()) as {
      format: { duration?: string };
    };
    expect(header.format.duration).toBeUndefined();
    const p = await probe(file);
    expect(p.hasAudio).toBe(true);
    expect(p.durationSeconds).toBeGreaterThan(2.9);
    expect(p.durationSeconds).toBeLessThan(3.1);
  });

  it('still takes the header duration when there is one', async () => {
    const file = join(dir, 'note.ogg');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=2', '-c:a', 'libopus', file]);
    expect((await probe(file)).durationSeconds).toBeCloseTo(2, 1);
  });
});
