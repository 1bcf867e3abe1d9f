/**
 * `stemmen pilot create` and `stemmen pilot stats`.
 * @module
 */
import { relative, resolve } from 'node:path';
import type { Config } from '../../bot/config.ts';
import { readLocales } from '../../bot/i18n.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { migrateToLatest, openSqlite, type Db } from '../../storage/database.ts';
import { Organisations } from '../../storage/organisations.ts';
import { DEFAULT_ORGANISATION, PilotRepository, type FunnelRow } from '../../storage/pilots.ts';
import { UsageError } from '../errors.ts';
import { createPilot, PILOT_CHANNELS, PILOT_CODE } from '../../bot/pilot-create.ts';

/** Opens and migrates the database for a command; the caller destroys it. */
export async function openDb(config: Config): Promise<Db> {
  const db = openSqlite(config.databaseFile);
  const { error } = await migrateToLatest(db);
  if (error) {
    await db.destroy();
    throw new UsageError(`database migration failed on ${config.databaseFile}: ${(error as Error).message}; run \`stemmen migrate\` for details`);
  }
  return db;
}

export interface CreateOptions {
  survey: string;
  name: string;
  channels: string[];
  code?: string | undefined;
  org?: string | undefined;
  municipality?: string | undefined;
}

export async function runPilotCreate(config: Config, o: CreateOptions): Promise<number> {
  if (o.name.trim() === '') throw new UsageError('--name is empty; give the pilot a name researchers recognise, e.g. "Utrecht 2026"');
  const bad = o.channels.find((c) => !(PILOT_CHANNELS as readonly string[]).includes(c));
  if (bad !== undefined || o.channels.length === 0)
    throw new UsageError(`--channels: ${bad !== undefined ? `"${bad}" is not a channel` : 'none given'}; use one or more of ${PILOT_CHANNELS.join(', ')}`);
  if (o.code !== undefined && !PILOT_CODE.test(o.code))
    throw new UsageError(`--code "${o.code}" must be 3–32 lower-case letters, digits or -, starting with a letter or digit`);
  if (o.code === config.defaultPilot) throw new UsageError(`--code "${o.code}" is the default pilot's code (DEFAULT_PILOT); choose another`);
  const municipality = o.municipality === undefined ? undefined : checkMunicipality(o.municipality);
  const file = resolve(o.survey);
  const { survey, estimatedMinutes } = loadSurveyFile(file, readLocales(config.localesDir));

  const db = await openDb(config);
  try {
    if (o.org !== undefined && !(await new Organisations(db).find(o.org))) {
      throw new UsageError(`--org: there is no organisation "${o.org}"; add it first with \`stemmen org add ${o.org} --name "…"\` (see \`stemmen org list\`)`);
    }
    const created = await createPilot(
      db,
      {
        name: o.name.trim(),
        survey,
        surveyFile: file,
        channels: o.channels,
        code: o.code,
        organisationId: o.org,
        municipality,
      },
      new Date().toISOString(),
    );
    if (!created.ok && created.problem === 'survey_id_used')
      throw new UsageError(
        `survey id "${survey.id}" is already used by pilot "${created.otherCode}" with another file (${created.otherFile}); give this survey another id`,
      );
    if (!created.ok) throw new UsageError(`--code "${o.code}" is already used by pilot "${created.otherName}"; choose another or leave --code out`);
    const code = created.code;
    process.stdout.write(`${code}\n`);
    process.stderr.write(
      `created pilot "${o.name.trim()}" (${code}): survey ${survey.id} v${survey.version} from ${relative(process.cwd(), file) || file}, ${survey.languages.length} languages, about ${estimatedMinutes} minutes, channels ${o.channels.join(', ')}, organisation ${o.org ?? DEFAULT_ORGANISATION}${municipality ? `, municipality ${municipality}` : ''}.\nThe running bot picks it up on the first message; links and QR codes: stemmen pilot links ${code}\n`,
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

/**
 * Exact counts, not protected by the minimum group size: this is the operators' view on the
 * server (they can read the database anyway, and need exact numbers to check the dashboard and
 * report response rates). The output says so, so nobody pastes a small row into a report.
 */
export async function runPilotStats(config: Config, code: string, json: boolean): Promise<number> {
  const db = await openDb(config);
  try {
    const repo = new PilotRepository(db);
    const pilot = await repo.find(code);
    if (!pilot) throw new UsageError(await unknownPilot(repo, code));
    const rows = await repo.funnel(code);
    const declined = await repo.declines(code);
    const COUNTS = [
      'invited',
      'started',
      'consented',
      'declined',
      'stopped',
      'completed',
      'reminded',
      'completedAfterReminder',
      'expired',
      'unreachable',
    ] as const;
    const total: FunnelRow = {
      language: 'all',
      channel: 'all',
      invited: 0,
      started: 0,
      consented: 0,
      declined: 0,
      stopped: 0,
      completed: 0,
      reminded: 0,
      completedAfterReminder: 0,
      expired: 0,
      unreachable: 0,
    };
    for (const r of rows) for (const k of COUNTS) total[k] += r[k];
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ pilot: { code, name: pilot.name, surveyId: pilot.surveyId }, exact: true, note: exactNote(config), funnel: rows, total, declined }, null, 2)}\n`,
      );
      return 0;
    }
    const pct = (a: number, b: number) => (b === 0 ? '—' : `${Math.round((a / b) * 100)}%`);
    const line = (r: FunnelRow) =>
      `${r.language.padEnd(13)} ${r.channel.padEnd(9)} ${COUNTS.map((k) => String(r[k]).padStart(k.length)).join(' ')} ${pct(r.completed, r.started).padStart(10)}\n`;
    process.stdout.write(`pilot ${code} "${pilot.name}" (survey ${pilot.surveyId} v${pilot.surveyVersion})\n${exactNote(config)}\n`);
    process.stdout.write(`${'language'.padEnd(13)} ${'channel'.padEnd(9)} ${COUNTS.join(' ')} ${'completion'.padStart(10)}\n`);
    for (const r of rows) process.stdout.write(line(r));
    process.stdout.write(line(total));
    process.stdout.write(
      `consent rate: ${pct(total.consented, total.started)}; reminder effect (completed after a reminder ÷ reminded): ${pct(total.completedAfterReminder, total.reminded)}\n`,
    );
    process.stdout.write(`declined consent: ${declined} (only a count is kept)\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

function exactNote(config: Config): string {
  return `exact counts for operators: the dashboard and the read API hide groups of fewer than ${config.dashboard.minRespondents} people (MAP_MIN_RESPONDENTS); do not pass such rows on`;
}

/** A municipality as given on the command line: trimmed, not empty, one line, at most 100 characters. */
export function checkMunicipality(value: string): string {
  const m = value.trim();
  if (m === '' || m.length > 100 || /[\r\n]/.test(m))
    throw new UsageError(`--municipality "${value}" must be one line of 1–100 characters, e.g. --municipality Utrecht (use --clear-municipality to remove it)`);
  return m;
}

export async function unknownPilot(repo: PilotRepository, code: string): Promise<string> {
  const codes = (await repo.list()).map((p) => p.code);
  return `no pilot has code "${code}"${codes.length ? ` (known: ${codes.join(', ')})` : ''}; create one with \`stemmen pilot create\``;
}
