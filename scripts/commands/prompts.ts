/**
 * `stemmen prompts record-list` (a translator's sheet of every text to record) and
 * `stemmen prompts import DIR` (checks each recording with ffprobe — there, readable, the
 * right codec, a sensible length — and writes the prompt map into the survey).
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { Config } from '../../bot/config.ts';
import { Renderer } from '../../bot/conversation/render.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import type { Survey } from '../../surveys/model.ts';
import { probe } from '../../workers/media/ffmpeg.ts';
import { UsageError } from '../errors.ts';
import { EXTENSION, recordList, type SheetLine, toCsv, toMarkdown } from './prompt-sheet.ts';

type Form = 'audio' | 'video';

export interface PromptsOptions {
  survey: string;
  languages?: string[] | undefined;
  form: string;
}

function prepare(config: Config, o: PromptsOptions): { survey: Survey; file: string; lines: SheetLine[]; form: Form } {
  if (o.form !== 'audio' && o.form !== 'video') throw new UsageError(`--form: "${o.form}" is not a prompt form; use audio or video`);
  const file = resolve(o.survey);
  if (!existsSync(file))
    throw new UsageError(`--survey: ${o.survey} does not exist; give the survey file, e.g. --survey surveys/definitions/default-pilot.yaml`);
  const locales = readLocales(config.localesDir);
  const { survey } = loadSurveyFile(file, locales, { maxMinutes: Number.POSITIVE_INFINITY });
  const unknown = (o.languages ?? []).filter((l) => !survey.languages.includes(l));
  if (unknown.length) {
    throw new UsageError(
      `--languages: ${unknown.join(', ')} not in ${o.survey} (it has ${survey.languages.join(', ')}); pick from those or add the language to the survey`,
    );
  }
  const languages = o.languages?.length ? o.languages : survey.languages;
  return { survey, file, lines: recordList(survey, new Renderer(createI18n(locales)), languages, o.form), form: o.form };
}

/** Writes `<out>/record-list.csv` and `record-list.md`, or prints the CSV when no --out is given. */
export function runRecordList(config: Config, o: PromptsOptions & { out?: string | undefined }): number {
  const { survey, lines, form } = prepare(config, o);
  if (!o.out) {
    process.stdout.write(toCsv(lines));
    return 0;
  }
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, 'record-list.csv'), toCsv(lines));
  writeFileSync(join(o.out, 'record-list.md'), toMarkdown(survey, lines, form));
  const langs = new Set(lines.map((l) => l.language)).size;
  process.stdout.write(
    `wrote ${join(o.out, 'record-list.csv')} and record-list.md: ${lines.length} texts to record (${lines.length / langs} per language, ${langs} languages)\n`,
  );
  return 0;
}

/** Limits a recording must keep: long enough to say something, short enough to listen to. */
export const MIN_SECONDS = 0.5;
export const MAX_SECONDS = 180;
const CODECS: Readonly<Record<Form, { codecs: string[]; fix: string }>> = {
  audio: { codecs: ['opus'], fix: 'convert it: ffmpeg -i IN -c:a libopus -b:a 32k OUT.ogg' },
  video: { codecs: ['h264'], fix: 'convert it: ffmpeg -i IN -c:v libx264 -c:a aac -movflags +faststart OUT.mp4' },
};

export interface ImportReport {
  ok: SheetLine[];
  missing: string[];
  bad: string[];
  /** Files in the folder no text asks for (a typo in the name, most often). */
  unexpected: string[];
}

/** Checks every expected recording in `dir`: present, readable, right codec, sensible length. */
export async function checkRecordings(dir: string, lines: readonly SheetLine[], form: Form): Promise<ImportReport> {
  const report: ImportReport = { ok: [], missing: [], bad: [], unexpected: [] };
  for (const l of lines) {
    const path = join(dir, l.file);
    if (!existsSync(path)) {
      report.missing.push(`${l.language} ${l.key}: no ${l.file} in ${dir}; record it (see record-list) and save it under that name`);
      continue;
    }
    let reason: string | null = null;
    try {
      const p = await probe(path);
      const need = CODECS[form];
      if (!p.hasAudio) reason = 'has no sound track; record it again';
      else if (form === 'video' && !p.hasVideo) reason = 'has no picture; record a video or import it as audio';
      else if (!p.codecs.some((c) => need.codecs.includes(c)))
        reason = `is ${p.codecs.join('+') || 'an unknown codec'}, not ${need.codecs.join('/')}; ${need.fix}`;
      else if (p.durationSeconds === null) reason = 'has no readable length; export it again';
      else if (p.durationSeconds < MIN_SECONDS) reason = `lasts ${p.durationSeconds.toFixed(1)} s, too short to hold the text; record it again`;
      else if (p.durationSeconds > MAX_SECONDS)
        reason = `lasts ${Math.round(p.durationSeconds)} s, longer than ${MAX_SECONDS} s; split the text or speak it more briefly`;
    } catch (e) {
      if ((e as Error).name === 'ToolMissingError') throw new UsageError((e as Error).message);
      reason = `cannot be read (${(e as Error).message}); export it again as .${EXTENSION[form]}`;
    }
    if (reason) report.bad.push(`${l.language} ${l.key}: ${path} ${reason}`);
    else report.ok.push(l);
  }
  const wanted = new Set(lines.map((l) => l.file));
  const languages = new Set(lines.map((l) => l.language));
  for (const lng of languages) {
    if (!existsSync(join(dir, lng))) continue;
    for (const f of readdirSync(join(dir, lng))) {
      if (!wanted.has(`${lng}/${f}`) && statSync(join(dir, lng, f)).isFile())
        report.unexpected.push(`${join(dir, lng, f)}: no text is recorded under this name; rename it after record-list or remove it`);
    }
  }
  return report;
}

/** The `prompts:` map and the question `audio:`/`video:` entries, keyed as the survey spells them. */
function promptMap(ok: readonly SheetLine[], form: Form, base: string, dir: string) {
  const spoken: Record<string, Record<string, Record<string, string>>> = {};
  const questions: Record<string, Record<string, string>> = {};
  for (const l of ok) {
    const rel = relative(base, join(dir, l.file)).split('\\').join('/');
    if (l.key.startsWith('prompts.')) ((spoken[l.key.slice(8)] ??= {})[form] ??= {})[l.language] = rel;
    else (questions[l.key.slice(2)] ??= {})[l.language] = rel;
  }
  return { spoken, questions };
}

/** `stemmen prompts import DIR`: report, then write the map into the survey (--write) or print it. */
export async function runImport(config: Config, dir: string, o: PromptsOptions & { write: boolean }): Promise<number> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`${dir}: not a folder; give the folder of recordings, laid out as <language>/<key>.ogg (see stemmen prompts record-list)`);
  const { survey, file, lines, form } = prepare(config, o);
  const r = await checkRecordings(resolve(dir), lines, form);
  for (const m of r.missing) process.stderr.write(`missing: ${m}\n`);
  for (const m of r.bad) process.stderr.write(`bad: ${m}\n`);
  for (const m of r.unexpected) process.stdout.write(`unused: ${m}\n`);
  const base = resolve(dirname(file), survey.mediaDir ?? '');
  const { spoken, questions } = promptMap(r.ok, form, base, resolve(dir));
  const errors = r.missing.length + r.bad.length;
  process.stdout.write(`${r.ok.length} of ${lines.length} recordings fit; ${r.missing.length} missing, ${r.bad.length} bad\n`);
  if (o.write && errors === 0) {
    writeFileSync(file, withPrompts(readFileSync(file, 'utf8'), spoken, questions, form));
    process.stdout.write(`wrote the prompt map into ${o.survey}\n`);
  } else {
    process.stdout.write(`# prompts to add to ${o.survey}${errors ? ' (the files that fit)' : ''}:\n`);
    process.stdout.write(
      `${JSON.stringify({ prompts: spoken, questions: Object.entries(questions).map(([id, files]) => ({ id, [form]: files })) }, null, 2)}\n`,
    );
  }
  return errors ? 1 : 0;
}

/** The survey YAML with the prompt map merged in, comments and layout kept. */
export function withPrompts(
  yamlText: string,
  spoken: Record<string, Record<string, Record<string, string>>>,
  questions: Record<string, Record<string, string>>,
  form: Form,
): string {
  const doc = parseDocument(yamlText);
  for (const [key, forms] of Object.entries(spoken)) for (const [lng, f] of Object.entries(forms[form] ?? {})) doc.setIn(['prompts', key, form, lng], f);
  const walk = (path: Array<string | number>) => {
    const list = doc.getIn(path) as { items?: unknown[] } | undefined;
    (list?.items ?? []).forEach((_, i) => {
      const id = doc.getIn([...path, i, 'id']);
      for (const [lng, f] of Object.entries(typeof id === 'string' ? (questions[id] ?? {}) : {})) doc.setIn([...path, i, form, lng], f);
      if (doc.getIn([...path, i, 'followUps'])) walk([...path, i, 'followUps']);
    });
  };
  walk(['questions']);
  return doc.toString();
}
