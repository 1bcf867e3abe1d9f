/**
 * Translating one typed answer into the researchers' languages (MT_TARGETS), a job on the
 * speech queue beside the transcripts' (workers/runtime.ts). Transient failures (server down,
 * garbage answers) throw so BullMQ retries with backoff; after the last attempt the answer is
 * marked `failed`. The original is never touched.
 * @module
 */
import type { TextTranslationRepo } from '../../storage/text-translations.ts';
import type { Translator } from '../clients/libretranslate.ts';
import { forTranslation, hasWords, translateLong } from './text.ts';

export interface TypedTranslationDeps {
  texts: TextTranslationRepo;
  mt: { translator: Translator; targets: readonly string[]; region?: string | undefined } | null;
}

export type TypedOutcome = 'done' | 'stale';

export async function translateTyped(deps: TypedTranslationDeps, answerId: string, revision: number, final: boolean): Promise<TypedOutcome> {
  const a = await deps.texts.load(answerId);
  if (!a || a.revision !== revision || a.status !== 'pending') return 'stale';
  const mt = deps.mt;
  if (!mt) {
    await deps.texts.settle(a.id, revision, null, 'off');
    return 'done';
  }
  const prepared = forTranslation(a.text, mt.region);
  const targets = mt.targets.filter((t) => t !== a.language);
  if (!hasWords(prepared) || targets.length === 0) {
    await deps.texts.settle(a.id, revision, null, 'skipped');
    return 'done';
  }
  try {
    const out: Record<string, string> = {};
    for (const to of targets) out[to] = await translateLong(mt.translator, prepared, a.language, to, mt.region);
    await deps.texts.settle(a.id, revision, out, 'ready');
  } catch (e) {
    if (!final) throw e;
    await deps.texts.settle(a.id, revision, null, 'failed');
  }
  return 'done';
}
