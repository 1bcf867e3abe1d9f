/**
 * The wide export of a large pilot: seeds N respondents (default 100,000) who answered every
 * question of the default survey into a SQLite file, then writes wide.csv and wide.sps in a
 * process of its own (wide-export-child.ts) and reports its time and peak RSS.
 * Alone: `npx tsx scripts/bench/wide-export.ts 100000`; in `npm run bench` unless BENCH_WIDE_EXPORT=off.
 * @module
 */
import { measuredChild } from './measured-child.ts';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLocales } from '../../bot/i18n.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { openMigrated } from '../../storage/database.ts';
import { PilotRepository } from '../../storage/pilots.ts';
import { seedAnswers } from './dashboard.ts';

const ROOT = join(import.meta.dirname, '../..');

export interface WideExportFigures {
  respondents: number;
  answers: number;
  columns: number;
  seedMs: number;
  exportMs: number;
  maxRssMb: number;
  csvMb: number;
}

async function runChild(file: string, outDir: string): Promise<{ ms: number; maxRssMb: number; columns: number; rows: number }> {
  const r = await measuredChild('wide export', ['--import', 'tsx', join(ROOT, 'scripts/bench/wide-export-child.ts'), file, outDir], { LOG_LEVEL: 'silent' });
  return { ms: r.ms, maxRssMb: r.maxRssMb, ...(JSON.parse(r.stdout) as { columns: number; rows: number }) };
}

export async function benchWideExport(respondents: number): Promise<WideExportFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-wide-'));
  try {
    const file = join(dir, 'bench.sqlite');
    const target = { kind: 'sqlite' as const, file };
    const db = await openMigrated({ databaseFile: file, databaseUrl: null });
    const { survey } = loadSurveyFile(join(ROOT, 'surveys/definitions/default-pilot.yaml'), readLocales(join(ROOT, 'locales')), { cwd: ROOT });
    await new PilotRepository(db).ensure('bench', 'bench', survey.id, survey.version, new Date().toISOString());
    await db.destroy();
    const questions = survey.questions.filter((q) => q.type !== 'note');
    const t0 = performance.now();
    const answers = await seedAnswers(target, questions, respondents * questions.length);
    const seedMs = performance.now() - t0;
    const out = join(dir, 'out');
    const r = await runChild(file, out);
    if (r.rows !== respondents) throw new Error(`wide export wrote ${r.rows} rows for ${respondents} respondents`);
    return {
      respondents,
      answers,
      columns: r.columns,
      seedMs,
      exportMs: r.ms,
      maxRssMb: r.maxRssMb,
      csvMb: Math.round(statSync(join(out, 'wide.csv')).size / 1e6),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) {
  const f = await benchWideExport(Number(process.argv[2] ?? 100_000));
  process.stdout.write(
    `wide export of ${f.respondents.toLocaleString('en')} respondents (${f.answers.toLocaleString('en')} answers, ${f.columns} columns): ${(f.exportMs / 1000).toFixed(1)} s, peak RSS ${f.maxRssMb} MB, ${f.csvMb} MB CSV (seeding ${(f.seedMs / 1000).toFixed(1)} s)\n${JSON.stringify(f)}\n`,
  );
}
