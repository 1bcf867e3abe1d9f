/**
 * Writing locale namespaces and their review status (`locales/review.json`).
 *
 * Commands that create texts (survey new, XLSForm import, translation import and machine
 * drafts) go through here, so every file they write is pretty-printed the same way and every
 * namespace gets a review status (`stemmen check locales` demands one).
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './usage-error.ts';

export type ReviewStatus = 'reviewed' | 'machine-draft';
export interface NamespaceReview {
  status: ReviewStatus;
  unreviewedKeys?: string[];
}
export type ReviewFile = Record<string, Record<string, NamespaceReview> | string>;

export function namespaceFile(localesDir: string, lng: string, ns: string): string {
  return join(localesDir, lng, `${ns}.json`);
}

export function readReview(localesDir: string): ReviewFile {
  const file = join(localesDir, 'review.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ReviewFile;
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message}); fix the syntax or restore it from git`);
  }
}

export function writeReview(localesDir: string, review: ReviewFile): void {
  writeFileSync(join(localesDir, 'review.json'), `${JSON.stringify(review, null, 2)}\n`);
}

/** The review entry of one namespace, or undefined. */
export function reviewOf(review: ReviewFile, lng: string, ns: string): NamespaceReview | undefined {
  const byNs = review[lng];
  return typeof byNs === 'object' ? byNs[ns] : undefined;
}

export function setReview(review: ReviewFile, lng: string, ns: string, entry: NamespaceReview): void {
  const byNs = review[lng];
  if (typeof byNs === 'object') byNs[ns] = entry;
  else review[lng] = { [ns]: entry };
}

export function writeNamespace(localesDir: string, lng: string, ns: string, texts: unknown): string {
  mkdirSync(join(localesDir, lng), { recursive: true });
  const file = namespaceFile(localesDir, lng, ns);
  writeFileSync(file, `${JSON.stringify(texts, null, 2)}\n`);
  return file;
}
