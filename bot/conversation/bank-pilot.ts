/**
 * A pilot from a few indicators in one step (the workshop's "pilot from these indicators"):
 * the survey assembled from the bank exactly as `stemmen survey new` does (core questions,
 * every bank language, until someone narrows them; bot/survey-assembly.ts), written under the data folder, validated, then
 * the pilot created as `stemmen pilot create` does (bot/pilot-create.ts), in the organisation,
 * and its survey loaded into the running bot.
 * @module
 */
import { join } from 'node:path';
import type { Db } from '../../storage/database.ts';
import { type PilotRecord, PilotRepository } from '../../storage/pilots.ts';
import { createPilot, drawPilotCode, PILOT_CHANNELS } from '../pilot-create.ts';
import { writeBankSurvey } from '../survey-assembly.ts';
import { UsageError } from '../usage-error.ts';
import { loadSurveyFile } from './survey-files.ts';

export interface BankPilotDeps {
  db: Db;
  localesDir: string;
  /** Where the assembled surveys go (`<DATA_DIR>/surveys`), each with its texts in `locales/` beside it. */
  surveysDir: string;
  /** Loads the new pilot's survey into the running bot (PilotSurveys.load). */
  register: (pilot: PilotRecord) => void;
  maxMinutes?: number;
}

export interface BankPilotRequest {
  organisationId: string;
  name: string;
  indicators: readonly string[];
  now: string;
}

export async function createBankPilot(deps: BankPilotDeps, r: BankPilotRequest): Promise<PilotRecord> {
  const repo = new PilotRepository(deps.db);
  const taken = new Set((await repo.list()).map((p) => p.code));
  const code = drawPilotCode((c) => taken.has(c));
  const id = `workshop-${code}`;
  const written = writeBankSurvey(deps.localesDir, {
    indicators: [...r.indicators],
    out: join(deps.surveysDir, `${id}.yaml`),
    id,
    all: false,
    force: false,
  });
  const { survey } = loadSurveyFile(written.out, written.projectLocales, { maxMinutes: deps.maxMinutes ?? Infinity });
  const made = await createPilot(
    deps.db,
    { code, name: r.name, survey, surveyFile: written.out, channels: [...PILOT_CHANNELS], organisationId: r.organisationId },
    r.now,
  );
  if (!made.ok)
    throw new UsageError(
      made.problem === 'code_taken' ? `pilot code ${code} was taken meanwhile; try again` : `survey id ${id} is already used by pilot ${made.otherCode}`,
    );
  const pilot = await repo.find(made.code);
  if (!pilot) throw new Error(`pilot ${made.code} not found right after it was created`);
  deps.register(pilot);
  return pilot;
}
