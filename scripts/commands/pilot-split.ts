/**
 * `stemmen pilot stats <code> --split <question>` (and `--group <question>:<value>`): the map
 * per group of a background question, one table per group with its n. Unlike the plain
 * funnel this output is protected like the dashboard (a group below MAP_MIN_RESPONDENTS shows
 * "too few", and so does the cell that would give it away by subtraction): it is made to be
 * passed on.
 * @module
 */
import type { Config } from '../../bot/config.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { readLocales } from '../../bot/i18n.ts';
import {
  describeSplitIssue,
  groupIndicatorMap,
  resolveGroup,
  resolveSplit,
  splitFunnel,
  splitIndicatorMap,
  type SplitQuestion,
} from '../../bot/web/reporting/breakdown.ts';
import { PilotRepository } from '../../storage/pilots.ts';
import { SplitReports } from '../../storage/split-reports.ts';
import type { AggregateRule } from '../../surveys/aggregate.ts';
import type { LightSummary } from '../../bot/web/reporting/traffic-map.ts';
import { UsageError } from '../errors.ts';
import { unknownPilot } from './pilot.ts';
import { openMigrated } from '../../storage/database.ts';

export interface SplitOptions {
  split?: string | undefined;
  group?: string | undefined;
  json: boolean;
}

interface Column {
  group: string;
  respondents: number | null;
  started: number | null;
  completed: number | null;
  indicators: LightSummary[];
}

export async function runPilotSplitStats(config: Config, code: string, o: SplitOptions): Promise<number> {
  // SQLite or PostgreSQL (DATABASE_URL), as the app.
  const db = await openMigrated(config);
  try {
    const repo = new PilotRepository(db);
    const pilot = await repo.find(code);
    if (!pilot) throw new UsageError(await unknownPilot(repo, code));
    const file = pilot.surveyFile ?? config.surveyFile;
    const { survey } = loadSurveyFile(file, readLocales(config.localesDir));
    if (survey.id !== pilot.surveyId)
      throw new UsageError(`pilot "${code}" uses survey "${pilot.surveyId}", but ${file} holds "${survey.id}"; set SURVEY_FILE to the pilot's survey file`);
    const rule: AggregateRule = {
      redShare: config.dashboard.redShare,
      greenShare: config.dashboard.greenShare,
      minRespondents: config.dashboard.minRespondents,
    };
    const reports = new SplitReports(db);
    let columns: Column[];
    let sq: SplitQuestion;
    if (o.split !== undefined) {
      const s = resolveSplit(survey, o.split);
      if (!s.ok) throw new UsageError(`--split: ${describeSplitIssue(s.issue, survey.id)}`);
      sq = s.value;
      const map = await splitIndicatorMap(reports, code, {}, sq, rule);
      const funnel = await splitFunnel(reports, code, sq, rule);
      columns = map.groups.map((g) => ({
        group: g.id,
        respondents: g.respondents,
        started: funnel.find((f) => f.group === g.id)?.started ?? null,
        completed: funnel.find((f) => f.group === g.id)?.completed ?? null,
        indicators: map.rows.map((r) => r.cells.find((c) => c.group === g.id)!.summary),
      }));
      if (o.group !== undefined) columns = columns.filter((c) => `${sq.question.id}:${c.group}` === o.group);
    } else {
      const [question = '', value = ''] = (o.group ?? '').split(':');
      const g = resolveGroup(survey, { question, value });
      if (!g.ok) throw new UsageError(`--group: ${describeSplitIssue(g.issue, survey.id)} (write it as <question>:<value>)`);
      sq = g.value;
      const map = await splitIndicatorMap(reports, code, {}, sq, rule);
      const funnel = (await splitFunnel(reports, code, sq, rule)).find((f) => f.group === value)!;
      columns = [
        {
          group: value,
          respondents: map.groups.find((x) => x.id === value)!.respondents,
          started: funnel.started,
          completed: funnel.completed,
          indicators: await groupIndicatorMap(reports, code, {}, g.value, rule),
        },
      ];
    }
    const note = `protected like the dashboard: groups and cells from fewer than ${rule.minRespondents} people (MAP_MIN_RESPONDENTS), or that would give one away by subtraction, show "too few"; a person with several answers counts in each of their groups`;
    if (o.json) {
      process.stdout.write(
        `${JSON.stringify({ pilot: { code, name: pilot.name, surveyId: pilot.surveyId }, split: sq.question.id, note, groups: columns }, null, 2)}\n`,
      );
      return 0;
    }
    process.stdout.write(`pilot ${code} "${pilot.name}" (survey ${pilot.surveyId} v${pilot.surveyVersion}), split by ${sq.question.id}\n${note}\n`);
    for (const c of columns) {
      const n = c.respondents === null ? 'too few' : `n = ${c.respondents}`;
      const started = c.started === null ? 'too few' : `${c.started} started, ${c.completed} completed`;
      process.stdout.write(`\n${sq.question.id} = ${c.group} (${n}; ${started})\n`);
      process.stdout.write(`${'indicator'.padEnd(12)} ${'light'.padEnd(12)} ${'n'.padStart(6)}  shares\n`);
      for (const s of c.indicators) {
        const shown = s.aggregate !== 'small_group';
        const shares = shown && s.shares ? `red ${s.shares.red}%, orange ${s.shares.orange}%, green ${s.shares.green}%` : '';
        const light = shown ? s.aggregate : 'too few';
        process.stdout.write(`${s.id.padEnd(12)} ${light.padEnd(12)} ${(shown ? String(s.respondents) : '—').padStart(6)}  ${shares}\n`);
      }
    }
    return 0;
  } finally {
    await db.destroy();
  }
}
