/**
 * The measured process of the split-map bench (breakdown.ts): opens the database named by
 * DATABASE_FILE or DATABASE_URL, times the split by residence status five times each, and
 * prints the medians as JSON.
 */
import { splitIndicatorMap, type SplitGroups } from '../../bot/web/reporting/breakdown.ts';
import { openDatabase } from '../../storage/database.ts';
import { SplitReports } from '../../storage/split-reports.ts';
import { DEFAULT_AGGREGATE_RULE } from '../../surveys/aggregate.ts';

// The bench survey (the default pilot's) has no background question: this is the one breakdown.ts wrote.
const sq: SplitGroups = {
  split: { question: 'residence_status', values: ['asylum', 'temporary_protection', 'permit'] },
  groups: ['asylum', 'temporary_protection', 'permit', 'not_answered'],
};

const db = openDatabase({ databaseFile: process.env.DATABASE_FILE ?? '', databaseUrl: process.env.DATABASE_URL ?? null });
const reports = new SplitReports(db);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(fn: () => Promise<unknown>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}
try {
  const lightsQueryMs = await time(() => reports.peopleLights('indicator', 'bench', {}, sq.split));
  const sizesQueryMs = await time(() => reports.groupSizes('bench', {}, sq.split));
  const splitMapMs = await time(async () => {
    const m = await splitIndicatorMap(reports, 'bench', {}, sq, DEFAULT_AGGREGATE_RULE);
    if (m.rows.length !== 14 || m.groups.every((g) => !g.respondents)) throw new Error('the split map came back empty');
  });
  process.stdout.write(JSON.stringify({ lightsQueryMs, sizesQueryMs, splitMapMs }));
} finally {
  await db.destroy();
}
