/**
 * Where ffmpeg and ffprobe are: on the PATH (Debian's ffmpeg, the Docker image), or else the
 * static builds of the `@ffmpeg-installer/ffmpeg` and `@ffprobe-installer/ffprobe` packages.
 * Those are dev dependencies: after a full `npm ci` a laptop without ffmpeg still processes
 * voice notes; a production install (`npm ci --omit=dev`) relies on the PATH.
 * @module
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export type Tool = 'ffmpeg' | 'ffprobe';

export const TOOL_INSTALL_HELP =
  'install ffmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg), or run `npm ci` with dev dependencies';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `tool` on `path`, or null. */
export function onPath(tool: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir && executable(join(dir, tool))) return join(dir, tool);
  }
  return null;
}

/** The installer package's binary, or null when the package (or its platform binary) is absent. */
export async function fromNpm(tool: Tool): Promise<string | null> {
  try {
    // The installers throw a string when their platform package is missing.
    const mod = tool === 'ffmpeg' ? await import('@ffmpeg-installer/ffmpeg') : await import('@ffprobe-installer/ffprobe');
    const file = (mod.default ?? mod).path;
    return executable(file) ? file : null;
  } catch {
    return null;
  }
}

const found = new Map<Tool, Promise<string | null>>();

/** The tool to run, looked up once per process: PATH first, then the npm package. */
export function findTool(tool: Tool): Promise<string | null> {
  let f = found.get(tool);
  if (!f) {
    f = (async () => onPath(tool) ?? (await fromNpm(tool)))();
    found.set(tool, f);
  }
  return f;
}
