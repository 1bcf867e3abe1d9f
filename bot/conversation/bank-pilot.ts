/**
 * A pilot from a few indicators in one step (the workshop's "pilot from these indicators"):
 * the survey assembled from the bank exactly as `stemmen survey new` does (core questions,
 * every bank language), written under the data folder, validated, then the pilot created as
 * `stemmen pilot create` does, in the organisation, and its survey loaded into the running bot.
 * @module
 */
import { join } from 'node:path';
import type { PilotRecord } from '../../storage/pilots.ts';
import { newPilotCode, PilotRepository } from '../../storage/pilots.ts';
import type { Db } from '../../storage/database.ts';
import { writeBankSurvey } from './bank-survey.ts';

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

/** The channels a new pilot gets until someone narrows them (as `pilot create --channels` lists them). */
const CHANNELS = ['telegram', 'whatsapp'];

export async function createBankPilot(deps: BankPilotDeps, r: BankPilotRequest): Promise<PilotRecord> {
  const repo = new PilotRepository(deps.db);
  const code = newPilotCode(new Set((await repo.list()).map((p) => p.code)));
  const id = `workshop-${code}`;
  const written = writeBankSurvey({
    localesDir: deps.localesDir,
    indicators: r.indicators,
    out: join(deps.surveysDir, `${id}.yaml`),
    id,
    all: false,
    force: false,
    maxMinutes: deps.maxMinutes ?? Infinity,
  });
  const { survey } = written.loaded;
  const pilot = await repo.create(
    { code, name: r.name, surveyId: survey.id, surveyVersion: survey.version, surveyFile: written.file, channels: CHANNELS, organisationId: r.organisationId },
    r.now,
  );
  deps.register(pilot);
  return pilot;
}
