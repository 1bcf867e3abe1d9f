/**
 * Where a download lands: a temporary file under MEDIA_DIR, hashed as it is written, with
 * its first bytes kept for sniffing the type.
 * @module
 */
import { createHash } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { SNIFF_BYTES } from './sniff.ts';

export interface Fetched {
  tempPath: string;
  bytes: number;
  sha256: string;
  head: Uint8Array;
}

export class FileSink {
  private readonly hash = createHash('sha256');
  private head = Buffer.alloc(0);
  private bytes = 0;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
  ) {}

  static async open(path: string): Promise<FileSink> {
    return new FileSink(path, await open(path, 'wx', 0o600));
  }

  write = async (chunk: Uint8Array): Promise<void> => {
    this.hash.update(chunk);
    if (this.head.length < SNIFF_BYTES) this.head = Buffer.concat([this.head, Buffer.from(chunk.subarray(0, SNIFF_BYTES - this.head.length))]);
    this.bytes += chunk.byteLength;
    await this.file.write(chunk);
  };

  /** Flushes to disk and describes the file. */
  async finish(): Promise<Fetched> {
    await this.file.sync();
    await this.file.close();
    return { tempPath: this.path, bytes: this.bytes, sha256: this.hash.digest('hex'), head: this.head };
  }

  async discard(): Promise<void> {
    await this.file.close().catch(() => {});
    await rm(this.path, { force: true });
  }
}

/** Runs `fill` into a fresh sink; the temp file is removed if anything fails. */
export async function intoTempFile(path: string, fill: (write: (chunk: Uint8Array) => Promise<void>) => Promise<void>): Promise<Fetched> {
  const sink = await FileSink.open(path);
  try {
    await fill(sink.write);
    return await sink.finish();
  } catch (e) {
    await sink.discard();
    throw e;
  }
}
