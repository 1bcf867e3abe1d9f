/**
 * One media answer through fetch → validate → probe → store → transcode; then (a separate
 * job) transcribe → translate. Each step either finishes, throws MediaRejected (permanent:
 * the answer is marked rejected and the respondent told), or throws anything else
 * (transient: BullMQ retries with backoff, and after the last attempt the answer is failed).
 * @module
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MediaRef } from '../../surveys/engine/types.ts';
import type { MediaAnswer, MediaRepo } from '../../storage/media.ts';
import { transcribe, SttRejectedError, type SttSettings } from '../clients/transcribe.ts';
import { MediaRejected, type RejectReason } from './errors.ts';
import { checkDecodes, probe, toSpeechWav } from './ffmpeg.ts';
import { fetchTelegramFile, type TelegramSource } from './fetch-telegram.ts';
import { fetchWhatsAppFile } from './fetch-whatsapp.ts';
import { exists, type MediaFiles } from './files.ts';
import type { Fetched } from './sink.ts';
import { ALLOWED, EXTENSION, isTimed, sniff } from './sniff.ts';
import { decodeMediaHandle } from './whatsapp-handle.ts';
import { decodeCloudHandle, isCloudHandle } from './cloud-handle.ts';
import { fetchCloudFile, type CloudMediaSource } from './fetch-cloud.ts';
import { forTranslation, translateLong } from '../translate/text.ts';
import { discardTryitUpload, fetchTryitFile } from './tryit-inbox.ts';

/** Translates texts from one language to another (LibreTranslate in production). */
export interface Translator {
  translate(texts: string[], from: string, to: string): Promise<string[]>;
}

/** Tells a respondent their media answer could not be used (the bot renders and sends it). */
export type RejectionNotifier = (answer: MediaAnswer, reason: RejectReason) => Promise<void>;

export interface PipelineDeps {
  repo: MediaRepo;
  files: MediaFiles;
  limits: { maxBytes: number; maxSeconds: number };
  telegram: TelegramSource | null;
  /** Hosts a WhatsApp handle's url may point at; default WhatsApp's media servers. */
  whatsappAllowHost?: (host: string) => boolean;
  /** The WhatsApp Cloud API (WHATSAPP_MODE=cloud), and the media hosts its URLs may point at (default Meta's). */
  whatsappCloud?: (CloudMediaSource & { allowHost?: (host: string) => boolean }) | null;
  stt: SttSettings | null;
  mt: { translator: Translator; targets: readonly string[]; region?: string | undefined } | null;
  notify: RejectionNotifier;
  now: () => Date;
}

export type MediaOutcome = 'stored' | 'stale' | 'rejected';

/** Runs the media stage. Returns 'stale' when the answer is gone, replaced, or already done. */
/** `speech`: the stored answer, when its audio now waits for transcription; null otherwise. */
export interface MediaResult {
  outcome: MediaOutcome;
  speech: MediaAnswer | null;
}

export async function processMedia(deps: PipelineDeps, answerId: string, revision: number): Promise<MediaResult> {
  const answer = await deps.repo.load(answerId);
  if (!answer || answer.revision !== revision || answer.status !== 'pending') return { outcome: 'stale', speech: null };
  try {
    const result = await storeAndProbe(deps, answer, revision);
    if (answer.channel === 'tryit') await discardTryitUpload(deps.files.root, answer.ref.fileRef);
    return result;
  } catch (e) {
    if (e instanceof MediaRejected) {
      if (await deps.repo.markUnusable(answer.id, revision, 'rejected', e.reason, deps.now().toISOString())) await deps.notify(answer, e.reason);
      if (answer.channel === 'tryit') await discardTryitUpload(deps.files.root, answer.ref.fileRef);
    }
    throw e;
  }
}

async function storeAndProbe(deps: PipelineDeps, answer: MediaAnswer, revision: number): Promise<MediaResult> {
  const tempPath = deps.files.tempPath();
  try {
    const fetched = await fetchFile(deps, answer.channel, answer.ref, tempPath);
    const container = validate(fetched, answer.ref);
    // Images are probed too: a PNG signature followed by garbage must not pass as a picture.
    const probed = await probe(tempPath);
    if (!isTimed(container)) await checkDecodes(tempPath);
    const info = isTimed(container) ? probed : null;
    if (info) checkTimed(info, answer.ref, deps.limits.maxSeconds);
    const codecs = probed.codecs;
    const file = await deps.files.commit(tempPath, fetched.sha256, EXTENSION[container]);
    const speechAudio = info?.hasAudio ?? false;
    if (speechAudio) {
      const speech = deps.files.speechPath(fetched.sha256);
      if (!(await exists(speech))) await makeSpeech(deps.files.absolute(file), speech);
    }
    const transcriptStatus = !speechAudio ? 'skipped' : deps.stt ? 'pending' : 'off';
    const translationStatus = !speechAudio ? 'skipped' : deps.mt ? 'pending' : 'off';
    const stored = await deps.repo.markStored(
      answer.id,
      revision,
      {
        file,
        sha256: fetched.sha256,
        bytes: fetched.bytes,
        type: container,
        durationSeconds: info?.durationSeconds ?? null,
        codecs,
        transcriptStatus,
        translationStatus,
      },
      deps.now().toISOString(),
    );
    // The answer was erased (or answered again) while we worked: keep no file nobody points at.
    if (!stored && !(await deps.repo.fileInUse(fetched.sha256, []))) await deps.files.removeAll(file, fetched.sha256);
    return { outcome: stored ? 'stored' : 'stale', speech: stored && transcriptStatus === 'pending' ? answer : null };
  } finally {
    // Nothing half-downloaded stays behind, whatever happened.
    await rm(tempPath, { force: true });
  }
}

/** After the last attempt of a transient failure. */
export async function giveUpMedia(deps: PipelineDeps, answerId: string, revision: number, error: Error): Promise<void> {
  await deps.repo.markUnusable(answerId, revision, 'failed', error.name === 'ToolMissingError' ? 'tool_missing' : 'fetch_failed', deps.now().toISOString());
}

async function fetchFile(deps: PipelineDeps, channel: string, ref: MediaRef, tempPath: string): Promise<Fetched> {
  const maxBytes = deps.limits.maxBytes;
  if (channel === 'telegram') {
    // A transient error: the token may be configured on the next start of the worker.
    if (!deps.telegram) throw new Error('a Telegram media answer, but TELEGRAM_BOT_TOKEN is not set for this worker');
    return fetchTelegramFile(ref, deps.telegram, { maxBytes, tempPath });
  }
  if (channel === 'whatsapp' && isCloudHandle(ref.fileRef)) {
    // A transient error: the Cloud API may be configured on the next start of the worker.
    if (!deps.whatsappCloud) throw new Error('a WhatsApp Cloud API media answer, but WHATSAPP_MODE=cloud is not set for this worker');
    let handle;
    try {
      handle = decodeCloudHandle(ref.fileRef);
    } catch (e) {
      throw new MediaRejected('bad_source', (e as Error).message);
    }
    const { allowHost, ...source } = deps.whatsappCloud;
    return fetchCloudFile(handle, source, { maxBytes, tempPath, ...(allowHost ? { allowHost } : {}) });
  }
  if (channel === 'whatsapp') {
    let handle;
    try {
      handle = decodeMediaHandle(ref.fileRef);
    } catch (e) {
      throw new MediaRejected('bad_source', (e as Error).message);
    }
    return fetchWhatsAppFile(handle, { maxBytes, tempPath, ...(deps.whatsappAllowHost ? { allowHost: deps.whatsappAllowHost } : {}) });
  }
  // The try-it page's uploads wait in MEDIA_DIR's inbox (written by the bot's route).
  if (channel === 'tryit') return fetchTryitFile(ref, deps.files.root, { maxBytes, tempPath });
  throw new MediaRejected('bad_source', `no way to fetch media from the ${channel} channel`);
}

function validate(f: Fetched, ref: MediaRef) {
  if (f.bytes === 0) throw new MediaRejected('empty', 'the file is empty');
  const container = sniff(f.head);
  if (!container)
    throw new MediaRejected(
      'wrong_type',
      `the bytes are no audio, video or image we accept (starts with ${Buffer.from(f.head.subarray(0, 4)).toString('hex')})`,
    );
  if (!ALLOWED[ref.kind].includes(container)) throw new MediaRejected('wrong_type', `a ${container} file is not accepted as ${ref.kind}`);
  return container;
}

function checkTimed(info: Awaited<ReturnType<typeof probe>>, ref: MediaRef, maxSeconds: number): void {
  const wantsVideo = ref.kind === 'video' || ref.kind === 'video_note';
  if (wantsVideo ? !info.hasVideo : !info.hasAudio) throw new MediaRejected('wrong_type', `no ${wantsVideo ? 'video' : 'audio'} stream in the file`);
  const d = info.durationSeconds;
  if (d === null || !(d > 0)) throw new MediaRejected('no_duration', 'the recording has no duration');
  if (d > maxSeconds) throw new MediaRejected('too_long', `${Math.round(d)} s, over the limit of ${maxSeconds} s`);
  // Much shorter than the channel announced: the file was cut off (a truncated upload decodes without error).
  const claimed = ref.durationSeconds;
  if (claimed !== undefined && claimed >= 2 && d < claimed * 0.5)
    throw new MediaRejected('unreadable', `only ${d.toFixed(1)} s of an announced ${claimed} s (truncated)`);
}

async function makeSpeech(original: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  try {
    await toSpeechWav(original, partial);
    await rename(partial, target);
  } finally {
    await rm(partial, { force: true });
  }
}

export type SpeechOutcome = 'done' | 'stale';

/** Transcribes the speech audio, then translates the transcript into the researchers' languages. */
export async function processSpeech(deps: PipelineDeps, answerId: string, revision: number, final: boolean): Promise<SpeechOutcome> {
  const answer = await deps.repo.load(answerId);
  if (!answer || answer.revision !== revision || answer.status !== 'ready' || !answer.sha256) return 'stale';
  const now = () => deps.now().toISOString();
  let text = answer.transcript;
  let language = answer.transcriptLanguage;
  if (answer.transcriptStatus === 'pending') {
    if (!deps.stt) {
      await deps.repo.setTranscript(answer.id, revision, { text: null, language: null, status: 'off', translationStatus: 'skipped' }, now());
      return 'done';
    }
    try {
      const t = await transcribe(deps.stt, deps.files.speechPath(answer.sha256), answer.language);
      text = t.text;
      language = t.language ?? answer.language;
    } catch (e) {
      if (e instanceof SttRejectedError || final) {
        await deps.repo.setTranscript(answer.id, revision, { text: null, language: null, status: 'failed', translationStatus: 'skipped' }, now());
        return 'done';
      }
      throw e;
    }
    const nothing = text.length === 0;
    await deps.repo.setTranscript(
      answer.id,
      revision,
      { text, language, status: 'ready', ...(nothing ? { translationStatus: 'skipped' as const } : {}) },
      now(),
    );
    if (nothing) return 'done';
  }
  if (answer.translationStatus !== 'pending' && answer.transcriptStatus !== 'pending') return 'done';
  if (!deps.mt || !text) {
    await deps.repo.setTranslations(answer.id, revision, null, deps.mt ? 'skipped' : 'off', now());
    return 'done';
  }
  const from = language ?? answer.language;
  const targets = deps.mt.targets.filter((t) => t !== from);
  if (targets.length === 0) {
    await deps.repo.setTranslations(answer.id, revision, null, 'skipped', now());
    return 'done';
  }
  try {
    const out: Record<string, string> = {};
    // Scrubbed before it leaves (personal details never reach the MT server), in chunks.
    const prepared = forTranslation(text, deps.mt.region);
    for (const to of targets) out[to] = await translateLong(deps.mt.translator, prepared, from, to, deps.mt.region);
    await deps.repo.setTranslations(answer.id, revision, out, 'ready', now());
  } catch (e) {
    if (!final) throw e;
    await deps.repo.setTranslations(answer.id, revision, null, 'failed', now());
  }
  return 'done';
}
