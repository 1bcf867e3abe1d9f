/**
 * A pilot draft of the browser builder: the survey YAML and its texts written where
 * `stemmen survey new --out <DATA_DIR>/pilots/<code>/survey.yaml` would write them, plus a
 * small `draft.json` (name, organisation, channels). Files rather than a table, so the draft
 * is a survey a researcher can also open, validate and create with the CLI, and validation is
 * literally the CLI's: loadSurveyFile on that file.
 * @module
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadSurveyFile, SurveyFileError, type LoadedSurvey } from '../../../../conversation/index.ts';
import type { LocaleBundle } from '../../../../i18n.ts';
import { BANK_FILE } from '../../../../survey-assembly.ts';
import type { SpecIssue } from '../../../../../surveys/spec/load.ts';

type Raw = Record<string, unknown>;
export interface DraftMeta {
  name: string;
  organisationId: string;
  channels: string[];
}
export type ScaleAsk = 'off' | 'low' | 'all';
export const SCALE_PARTS = ['why', 'works', 'stepUp'] as const;

export const draftDir = (dataDir: string, code: string): string => join(dataDir, 'pilots', code);
export const draftFile = (dataDir: string, code: string): string => join(draftDir(dataDir, code), 'survey.yaml');
const metaFile = (dataDir: string, code: string): string => join(draftDir(dataDir, code), 'draft.json');

export function readMeta(dataDir: string, code: string): DraftMeta | null {
  const f = metaFile(dataDir, code);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as DraftMeta) : null;
}
/** Every draft folder under DATA_DIR/pilots with its meta, by code. */
export function listDrafts(dataDir: string): Array<{ code: string; meta: DraftMeta }> {
  const dir = join(dataDir, 'pilots');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((code) => {
      const meta = readMeta(dataDir, code);
      return meta ? [{ code, meta }] : [];
    });
}
export const writeMeta = (dataDir: string, code: string, meta: DraftMeta): void => writeFileSync(metaFile(dataDir, code), `${JSON.stringify(meta, null, 2)}\n`);

export function readSpec(dataDir: string, code: string): Raw {
  return parse(readFileSync(draftFile(dataDir, code), 'utf8')) as Raw;
}
export function writeSpec(dataDir: string, code: string, spec: Raw): void {
  writeFileSync(
    draftFile(dataDir, code),
    `# Built in the dashboard's pilot builder; \`stemmen survey validate\` reads it too.\n${stringify(spec, { lineWidth: 0 })}`,
  );
}

/** The bank's questions (parsed once per call: the file is small and may be edited). */
export function bankQuestions(): Raw[] {
  const bank = parse(readFileSync(BANK_FILE, 'utf8')) as Raw;
  return (bank.questions as Raw[]).filter((q) => typeof q === 'object' && q !== null);
}

export type Edit =
  | { op: 'up' | 'down' | 'remove'; id: string }
  | { op: 'add'; id: string }
  | { op: 'scale'; id: string; part: (typeof SCALE_PARTS)[number]; ask: ScaleAsk }
  | { op: 'settings'; languages: string[]; channels: string[]; name: string };

/** Applies one builder edit to the spec; returns false when it names no question of the draft. */
export function applyEdit(spec: Raw, meta: DraftMeta, e: Edit): boolean {
  const qs = spec.questions as Raw[];
  if (e.op === 'settings') {
    spec.languages = e.languages;
    spec.defaultLanguage = e.languages[0] ?? spec.defaultLanguage;
    meta.channels = e.channels;
    if (e.name.trim() !== '') meta.name = e.name.trim();
    return true;
  }
  if (e.op === 'add') {
    if (qs.some((q) => q.id === e.id)) return true;
    const q = bankQuestions().find((b) => b.id === e.id);
    if (!q) return false;
    qs.push(structuredClone(q));
    return true;
  }
  const i = qs.findIndex((q) => q.id === e.id);
  if (i < 0) return false;
  if (e.op === 'remove') qs.splice(i, 1);
  else if (e.op === 'up' && i > 0) [qs[i - 1], qs[i]] = [qs[i]!, qs[i - 1]!];
  else if (e.op === 'down' && i < qs.length - 1) [qs[i + 1], qs[i]] = [qs[i]!, qs[i + 1]!];
  else if (e.op === 'scale') {
    const q = qs[i]!;
    const method = { ...((q.scaleMethod as Raw | undefined) ?? {}) };
    if (e.ask === 'off') delete method[e.part];
    else method[e.part] = e.ask;
    if (Object.keys(method).length === 0) delete q.scaleMethod;
    else q.scaleMethod = method;
  }
  return true;
}

export type Checked = { ok: true; loaded: LoadedSurvey } | { ok: false; issues: SpecIssue[] };

/** The CLI's validation of the draft's file (`stemmen survey validate`), errors as data. */
export function checkDraft(dataDir: string, code: string, locales: LocaleBundle): Checked {
  try {
    return { ok: true, loaded: loadSurveyFile(draftFile(dataDir, code), locales) };
  } catch (e) {
    if (e instanceof SurveyFileError) return { ok: false, issues: e.issues };
    throw e;
  }
}

/** The question an issue is about (`questions[2].followUps[0].id` → the id of questions[2]), for a file-less place. */
export function issueQuestion(spec: Raw, path: string): string | null {
  const m = /^questions\[(\d+)\]/.exec(path);
  const q = m ? (spec.questions as Raw[])[Number(m[1])] : undefined;
  return q ? String(q.id) : null;
}
