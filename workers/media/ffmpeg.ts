/**
 * ffprobe and ffmpeg as child processes: arguments as arrays (no shell), a time limit, and
 * errors that say whether the file is bad (reject it) or the tool is missing (fix the machine).
 * @module
 */
import { execFile } from 'node:child_process';
import { MediaRejected } from './errors.ts';
import { findTool, TOOL_INSTALL_HELP } from './tools.ts';

export class ToolMissingError extends Error {
  override name = 'ToolMissingError';
}

export interface Probe {
  durationSeconds: number | null;
  formatName: string;
  codecs: string[];
  hasAudio: boolean;
  hasVideo: boolean;
}

async function run(tool: 'ffprobe' | 'ffmpeg', args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string; code: number }> {
  const file = await findTool(tool);
  if (!file) throw new ToolMissingError(`${tool} is not installed; ${TOOL_INSTALL_HELP}`);
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const code = error && typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : error ? -1 : 0;
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        reject(new ToolMissingError(`${tool} is not installed; ${TOOL_INSTALL_HELP}`));
      } else if (error && (error as { killed?: boolean }).killed) {
        reject(new MediaRejected('unreadable', `${tool} took longer than ${timeoutMs / 1000} s`));
      } else {
        resolve({ stdout, stderr, code });
      }
    });
  });
}

export async function probe(file: string, timeoutMs = 30_000): Promise<Probe> {
  const { stdout, stderr, code } = await run(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration,format_name:stream=codec_type,codec_name', '-of', 'json', file],
    timeoutMs,
  );
  if (code !== 0) throw new MediaRejected('unreadable', `ffprobe cannot read the file: ${lastLine(stderr)}`);
  const info = JSON.parse(stdout) as { format?: { duration?: string; format_name?: string }; streams?: Array<{ codec_type?: string; codec_name?: string }> };
  const streams = info.streams ?? [];
  const duration = Number(info.format?.duration);
  return {
    durationSeconds: Number.isFinite(duration) ? duration : await lastPacketEnd(file, timeoutMs),
    formatName: info.format?.format_name ?? '',
    codecs: [...new Set(streams.map((s) => s.codec_name).filter((c): c is string => !!c))],
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
    hasVideo: streams.some((s) => s.codec_type === 'video'),
  };
}

/**
 * Where the last packet ends: the duration of a stream written without one in its header
 * (a browser's MediaRecorder WebM never goes back to fill it in). Null when there are no packets.
 */
async function lastPacketEnd(file: string, timeoutMs: number): Promise<number | null> {
  const { stdout, code } = await run('ffprobe', ['-v', 'error', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file], timeoutMs);
  if (code !== 0) return null;
  let end = 0;
  for (const line of stdout.split('\n')) {
    const [pts, dur] = line.split(',').map(Number);
    if (Number.isFinite(pts)) end = Math.max(end, pts! + (Number.isFinite(dur) ? dur! : 0));
  }
  return end > 0 ? end : null;
}

/**
 * The audio track as 16 kHz mono 16-bit WAV: what every speech-to-text server accepts
 * (whisper.cpp's server reads WAV only) and what speech models are trained on.
 */
export async function toSpeechWav(input: string, output: string, timeoutMs = 300_000): Promise<void> {
  const { stderr, code } = await run(
    'ffmpeg',
    [
      '-nostdin',
      '-v',
      'error',
      '-xerror',
      '-i',
      input,
      '-map_metadata',
      '-1',
      '-bitexact',
      '-vn',
      '-ac',
      '1',
      '-ar',
      '16000',
      '-c:a',
      'pcm_s16le',
      '-f',
      'wav',
      '-y',
      output,
    ],
    timeoutMs,
  );
  if (code !== 0) throw new MediaRejected('unreadable', `ffmpeg cannot decode the audio: ${lastLine(stderr)}`);
}

/** Decodes the whole file and throws MediaRejected when it cannot (a valid header over garbage passes ffprobe). */
export async function checkDecodes(file: string, timeoutMs = 60_000): Promise<void> {
  const { stderr, code } = await run('ffmpeg', ['-nostdin', '-v', 'error', '-xerror', '-i', file, '-f', 'null', '-'], timeoutMs);
  if (code !== 0 || stderr.trim() !== '') throw new MediaRejected('unreadable', `ffmpeg cannot decode the file: ${lastLine(stderr)}`);
}

function lastLine(s: string): string {
  return s.trim().split('\n').pop()?.slice(0, 200) ?? '';
}
