/**
 * A pilot's export: answers (CSV or JSON Lines) read page by page from answers_v2, the
 * codebook, the wide table with its SPSS syntax, and datapackage.json — written to a folder
 * (CLI) or streamed (dashboard).
 * @module
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { i18n as I18n } from 'i18next';
import { allAnswers, countAnswers } from '../../../storage/answer-pages.ts';
import type { Db } from '../../../storage/database.ts';
import type { Survey } from '../../../surveys/model.ts';
import { codebookColumns, codebookRecord, codebookRows } from './codebook.ts';
import { dataPackage } from './datapackage.ts';
import { csvRows } from './csv.ts';
import { answerLines, answersHeader, type ExportFormat } from './format.ts';
import { spssSyntax } from './spss.ts';
import { wideChunks } from './wide.ts';
import { wideColumns } from './wide-columns.ts';

/** Texts of survey keys (and `bot:` keys such as yes/no) in one language, for labels; '' when missing. */
export function labelsIn(survey: Survey, i18n: I18n, language: string): (key: string) => string {
  const t = i18n.getFixedT(language);
  return (key) => String(t(key, { ns: survey.namespace, defaultValue: '' }));
}

/** The SPSS syntax for a pilot's wide.csv, labels in `language` (default: the survey's default language). */
export function wideSps(survey: Survey, i18n: I18n, language = survey.defaultLanguage, csvFile = 'wide.csv'): string {
  return spssSyntax({ survey, columns: wideColumns(survey), label: labelsIn(survey, i18n, language), language, csvFile, savFile: 'wide.sav' });
}

/** datapackage.json of an export: answers, codebook and the wide table. */
export function exportPackage(o: {
  pilot: string;
  survey: Survey;
  i18n: I18n;
  format: ExportFormat;
  created: string;
  language?: string;
}): Record<string, unknown> {
  const language = o.language ?? o.survey.defaultLanguage;
  return dataPackage({
    pilot: o.pilot,
    survey: o.survey,
    format: o.format,
    created: o.created,
    wide: { columns: wideColumns(o.survey), label: labelsIn(o.survey, o.i18n, language), language },
  });
}

async function writeChunks(file: string, chunks: AsyncIterable<string>): Promise<void> {
  const out = createWriteStream(file);
  const closed = once(out, 'close');
  try {
    for await (const chunk of chunks) if (!out.write(chunk)) await once(out, 'drain');
  } finally {
    out.end();
    await closed;
  }
}

export function codebookCsv(survey: Survey, i18n: I18n): string {
  return csvRows([codebookColumns(survey), ...codebookRows(survey, i18n).map((r) => codebookRecord(survey, r))]);
}

/** The answers file, chunk by chunk (one chunk per page of rows). */
export async function* answerChunks(db: Db, pilot: string, format: ExportFormat, onRows?: (n: number) => void): AsyncGenerator<string> {
  const header = answersHeader(format);
  if (header) yield header;
  for await (const page of allAnswers(db, pilot)) {
    yield answerLines(page, format);
    onRows?.(page.length);
  }
}

export interface ExportResult {
  files: string[];
  rows: number;
  /** Rows of the wide table: respondents × waves. */
  wideRows: number;
}

/**
 * Writes answers.<csv|jsonl>, codebook.csv, wide.csv, wide.sps and datapackage.json into
 * `dir`, honouring back-pressure so memory stays flat however large the pilot. `progress`
 * gets the total first, then row counts. Labels of wide.sps and the wide table's
 * description are in `language` (default: the survey's default language).
 */
export async function exportPilot(opts: {
  db: Db;
  i18n: I18n;
  survey: Survey;
  pilot: string;
  format: ExportFormat;
  dir: string;
  now: Date;
  language?: string;
  progress?: { start(total: number): void; add(n: number): void; stop(): void };
}): Promise<ExportResult> {
  const { db, pilot, format, dir } = opts;
  mkdirSync(dir, { recursive: true });
  const total = await countAnswers(db, pilot);
  opts.progress?.start(total);
  const answersFile = join(dir, `answers.${format}`);
  try {
    await writeChunks(
      answersFile,
      answerChunks(db, pilot, format, (n) => opts.progress?.add(n)),
    );
  } finally {
    opts.progress?.stop();
  }
  const codebook = join(dir, 'codebook.csv');
  writeFileSync(codebook, codebookCsv(opts.survey, opts.i18n));
  const wide = join(dir, 'wide.csv');
  let wideRows = 0;
  await writeChunks(
    wide,
    wideChunks(db, pilot, wideColumns(opts.survey), (n) => {
      wideRows += n;
    }),
  );
  const sps = join(dir, 'wide.sps');
  writeFileSync(sps, wideSps(opts.survey, opts.i18n, opts.language));
  const pkg = join(dir, 'datapackage.json');
  const described = exportPackage({
    pilot,
    survey: opts.survey,
    i18n: opts.i18n,
    format,
    created: opts.now.toISOString(),
    ...(opts.language ? { language: opts.language } : {}),
  });
  writeFileSync(pkg, `${JSON.stringify(described, null, 2)}\n`);
  return { files: [answersFile, codebook, wide, sps, pkg], rows: total, wideRows };
}
