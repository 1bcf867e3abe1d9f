/**
 * Media files on disk, content-addressed: `originals/ab/<sha256>.<ext>` and derived
 * `speech/ab/<sha256>.wav`. Every name is one we generate from a hash; nothing a sender or a
 * channel supplies (file names, paths) ever becomes part of a path, and every path is checked
 * to stay inside MEDIA_DIR.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SHA256 = /^[0-9a-f]{64}$/;

export class MediaFiles {
  readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
    mkdirSync(join(this.root, 'tmp'), { recursive: true });
  }

  /** A fresh temporary path for a download in progress (same file system, so rename is atomic). */
  tempPath(): string {
    return join(this.root, 'tmp', randomUUID());
  }

  originalPath(sha256: string, ext: string): string {
    return this.inside(join('originals', sha256.slice(0, 2), `${checkSha(sha256)}.${ext}`));
  }

  speechPath(sha256: string): string {
    return this.inside(join('speech', sha256.slice(0, 2), `${checkSha(sha256)}.wav`));
  }

  /** Moves a finished download to its content address; an identical file already there wins. Returns the path relative to the root. */
  async commit(tempPath: string, sha256: string, ext: string): Promise<string> {
    const target = this.originalPath(sha256, ext);
    mkdirSync(dirname(target), { recursive: true });
    if (await exists(target)) await rm(tempPath, { force: true });
    else await rename(tempPath, target);
    return relative(this.root, target);
  }

  /** Absolute path of a stored relative path; throws if it would leave the root. */
  absolute(rel: string): string {
    return this.inside(rel);
  }

  async remove(rel: string): Promise<void> {
    await rm(this.inside(rel), { force: true });
  }

  /** Removes the original and its derived speech audio. */
  async removeAll(rel: string, sha256: string): Promise<void> {
    await this.remove(rel);
    await rm(this.speechPath(sha256), { force: true });
  }

  private inside(rel: string): string {
    const abs = resolve(this.root, rel);
    if (abs !== this.root && !abs.startsWith(this.root + sep)) throw new Error(`refusing a media path outside MEDIA_DIR: ${rel}`);
    return abs;
  }
}

function checkSha(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return sha256;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
