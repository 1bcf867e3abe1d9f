/**
 * A pilot's export: answers (CSV or JSON Lines) read page by page from answers_v2, the
 * codebook and datapackage.json — written to a folder (CLI) or streamed (dashboard).
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
}

/**
 * Writes answers.<csv|jsonl>, codebook.csv and datapackage.json into `dir`, honouring
 * back-pressure so memory stays flat however large the pilot. `progress` gets the total first, then row counts.
 */
export async function exportPilot(opts: {
  db: Db;
  i18n: I18n;
  survey: Survey;
  pilot: string;
  format: ExportFormat;
  dir: string;
  now: Date;
  progress?: { start(total: number): void; add(n: number): void; stop(): void };
}): Promise<ExportResult> {
  const { db, pilot, format, dir } = opts;
  mkdirSync(dir, { recursive: true });
  const total = await countAnswers(db, pilot);
  opts.progress?.start(total);
  const answersFile = join(dir, `answers.${format}`);
  const out = createWriteStream(answersFile);
  const closed = once(out, 'close');
  try {
    for await (const chunk of answerChunks(db, pilot, format, (n) => opts.progress?.add(n))) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await closed;
    opts.progress?.stop();
  }
  const codebook = join(dir, 'codebook.csv');
  writeFileSync(codebook, codebookCsv(opts.survey, opts.i18n));
  const pkg = join(dir, 'datapackage.json');
  writeFileSync(pkg, `${JSON.stringify(dataPackage({ pilot, survey: opts.survey, format, created: opts.now.toISOString() }), null, 2)}\n`);
  return { files: [answersFile, codebook, pkg], rows: total };
}
