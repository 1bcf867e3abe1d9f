/**
 * ffmpeg and ffprobe for the media tests: the PATH's, or else the static builds from the
 * `@ffmpeg-installer/*` and `@ffprobe-installer/*` packages, put first on the PATH so test
 * files, the app's workers (workers/media/tools.ts) and spawned processes all run them.
 */
import { dirname } from 'node:path';
import { fromNpm, onPath } from '../../../workers/media/tools.ts';

export const FFMPEG_INSTALL =
  'ffmpeg/ffprobe are missing: install the dev dependencies (`npm ci`, which brings @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe) or `sudo apt-get install -y ffmpeg`';

/** Where the tools are, and the PATH to run the suite with; throws with the install line. */
export async function provideFfmpeg(useSystem: boolean, path = process.env.PATH ?? ''): Promise<{ ffmpeg: string; ffprobe: string; path: string }> {
  if (useSystem) {
    const ffmpeg = onPath('ffmpeg', path);
    const ffprobe = onPath('ffprobe', path);
    if (ffmpeg && ffprobe) return { ffmpeg, ffprobe, path };
  }
  const [ffmpeg, ffprobe] = await Promise.all([fromNpm('ffmpeg'), fromNpm('ffprobe')]);
  if (!ffmpeg || !ffprobe) throw new Error(FFMPEG_INSTALL);
  return { ffmpeg, ffprobe, path: [dirname(ffmpeg), dirname(ffprobe), path].join(':') };
}
