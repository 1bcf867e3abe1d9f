/**
 * Creating a pilot row for a validated survey file: the code (given or drawn), and the two
 * clashes the database can tell (the survey id already used with another file, the code
 * taken). Shared by `stemmen pilot create` and the dashboard's pilot builder; problems come
 * back as data so each can word them for its own reader.
 * @module
 */
import { randomInt } from 'node:crypto';
import type { Db } from '../storage/database.ts';
import { PilotRepository } from '../storage/pilots.ts';
import type { Survey } from '../surveys/model.ts';

export const PILOT_CHANNELS = ['telegram', 'whatsapp'] as const;
export const PILOT_CODE = /^[a-z0-9][a-z0-9-]{2,31}$/;
// No 0/o, 1/l/i: codes are read off posters and typed by hand.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A fresh six-character code none of `taken` has. */
export function drawPilotCode(taken: (code: string) => boolean): string {
  let code: string;
  do code = Array.from({ length: 6 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  while (taken(code));
  return code;
}

export interface NewPilot {
  name: string;
  survey: Survey;
  surveyFile: string;
  channels: string[];
  code?: string | undefined;
  organisationId?: string | undefined;
  municipality?: string | undefined;
}

export type CreatePilotResult =
  | { ok: true; code: string }
  | { ok: false; problem: 'survey_id_used'; otherCode: string; otherFile: string }
  | { ok: false; problem: 'code_taken'; otherName: string };

export async function createPilot(db: Db, p: NewPilot, now: string): Promise<CreatePilotResult> {
  const repo = new PilotRepository(db);
  const pilots = await repo.list();
  const clash = pilots.find((x) => x.surveyId === p.survey.id && x.surveyFile !== null && x.surveyFile !== p.surveyFile);
  if (clash) return { ok: false, problem: 'survey_id_used', otherCode: clash.code, otherFile: clash.surveyFile! };
  const same = p.code !== undefined ? pilots.find((x) => x.code === p.code) : undefined;
  if (same) return { ok: false, problem: 'code_taken', otherName: same.name };
  const code = p.code ?? drawPilotCode((c) => pilots.some((x) => x.code === c));
  await repo.create(
    {
      code,
      name: p.name,
      surveyId: p.survey.id,
      surveyVersion: p.survey.version,
      surveyFile: p.surveyFile,
      channels: p.channels,
      ...(p.organisationId !== undefined ? { organisationId: p.organisationId } : {}),
      ...(p.municipality !== undefined ? { municipality: p.municipality } : {}),
    },
    now,
  );
  return { ok: true, code };
}
