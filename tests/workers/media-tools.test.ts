/**
 * How the media workers find ffmpeg and ffprobe: the PATH first, else the static builds of
 * the npm installer packages, so a machine with only Node (after `npm ci`) probes and
 * transcodes real voice notes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromNpm, onPath } from '../../workers/media/tools.ts';
import { ROOT } from '../helpers/app.ts';
import { voiceNote } from '../helpers/media.ts';

const exec = promisify(execFile);

describe('finding ffmpeg', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stemmen-tools-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds nothing on a PATH without it', () => {
    expect(onPath('ffmpeg', dir)).toBeNull();
  });

  it('takes the installer packages’ static builds, with the codecs the pipeline uses', async () => {
    const ffmpeg = await fromNpm('ffmpeg');
    const ffprobe = await fromNpm('ffprobe');
    expect(ffmpeg).toContain('@ffmpeg-installer');
    expect(ffprobe).toContain('@ffprobe-installer');
    const { stdout } = await exec(ffmpeg!, ['-hide_banner', '-encoders']);
    expect(stdout).toMatch(/libopus/);
    expect(stdout).toMatch(/pcm_s16le/);
  });

  it('a worker whose PATH has no ffmpeg still probes and converts a voice note', async () => {
    const note = join(dir, 'note.ogg');
    writeFileSync(note, voiceNote(1.5, 'tools'));
    const script = join(dir, 'probe.mts');
    writeFileSync(
      script,
      [
        `import { probe, toSpeechWav } from ${JSON.stringify(join(ROOT, 'workers/media/ffmpeg.ts'))};`,
        `const p = await probe(${JSON.stringify(note)});`,
        `await toSpeechWav(${JSON.stringify(note)}, ${JSON.stringify(join(dir, 'note.wav'))});`,
        `const w = await probe(${JSON.stringify(join(dir, 'note.wav'))});`,
        'console.log(JSON.stringify({ note: p.codecs, seconds: p.durationSeconds, wav: w.codecs }));',
      ].join('\n'),
    );
    const { stdout } = await exec(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { PATH: dir, HOME: dir } });
    const out = JSON.parse(stdout) as { note: string[]; seconds: number; wav: string[] };
    expect(out.note).toEqual(['opus']);
    expect(out.seconds).toBeCloseTo(1.5, 1);
    expect(out.wav).toEqual(['pcm_s16le']);
  });
});
