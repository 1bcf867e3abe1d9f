/**
 * Recordings sent from the try-it page wait here until the media worker fetches them, the
 * way a Telegram voice note waits on the Bot API server: `MEDIA_DIR/inbox/tryit/<id>`, an id
 * we generate (never a name the browser gave). The bot process writes, the worker reads,
 * so both need the same MEDIA_DIR (they have it: one data folder, or a shared volume).
 * @module
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MediaRef } from '../../surveys/engine/types.ts';
import { MediaRejected } from './errors.ts';
import { intoTempFile, type Fetched } from './sink.ts';

const ID = /^[0-9a-f-]{36}$/;

export const inboxDir = (mediaDir: string): string => join(resolve(mediaDir), 'inbox', 'tryit');

/** Keeps the bytes under a fresh id (written whole, then renamed: the worker never sees half a file). */
export async function putTryitUpload(mediaDir: string, bytes: Uint8Array): Promise<string> {
  const dir = inboxDir(mediaDir);
  await mkdir(dir, { recursive: true });
  const id = randomUUID();
  const partial = join(dir, `${id}.partial`);
  await writeFile(partial, bytes, { mode: 0o600 });
  await rename(partial, join(dir, id));
  return id;
}

function pathOf(mediaDir: string, id: string): string {
  if (!ID.test(id)) throw new MediaRejected('bad_source', `not a try-it upload id: ${JSON.stringify(id)}`);
  return join(inboxDir(mediaDir), id);
}

/** Copies the upload into the pipeline's temporary file (hashed and sniffed on the way). */
export async function fetchTryitFile(ref: MediaRef, mediaDir: string, opts: { maxBytes: number; tempPath: string }): Promise<Fetched> {
  const file = pathOf(mediaDir, ref.fileRef);
  const size = (await stat(file).catch(() => null))?.size;
  if (size === undefined) throw new MediaRejected('gone', 'the try-it upload is no longer in the inbox');
  if (size > opts.maxBytes) throw new MediaRejected('too_large', `try-it ${ref.kind}: ${size} bytes, over the limit of ${opts.maxBytes}`);
  return intoTempFile(opts.tempPath, async (write) => {
    for await (const chunk of createReadStream(file)) await write(chunk as Buffer);
  });
}

/** Forgets an upload once its answer is stored or refused for good. */
export async function discardTryitUpload(mediaDir: string, id: string): Promise<void> {
  if (ID.test(id)) await rm(join(inboxDir(mediaDir), id), { force: true });
}

/** How long an upload may wait for its answer to be committed before the sweep may take it. */
export const INBOX_GRACE_MS = 10 * 60_000;

/**
 * Removes uploads no waiting answer points at: the respondent was erased before the worker
 * got to it, the message was a redelivery, or the engine did not take it as an answer. Run by
 * the media sweep; returns how many it removed.
 */
export async function sweepTryitInbox(mediaDir: string, pending: ReadonlySet<string>, now: Date, graceMs = INBOX_GRACE_MS): Promise<number> {
  const dir = inboxDir(mediaDir);
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const id = name.replace(/\.partial$/, '');
    if (!ID.test(id) || pending.has(id)) continue;
    const mtime = (await stat(join(dir, name)).catch(() => null))?.mtimeMs;
    if (mtime === undefined || now.getTime() - mtime < graceMs) continue;
    await rm(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}
