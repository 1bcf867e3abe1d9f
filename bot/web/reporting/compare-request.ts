/**
 * What a comparison request asks for and whether the caller may have it: the query
 * (`pilots=a,b` or repeated `pilot=`, `pooled`, `outcomes`, and the map's filters) and the
 * pilots resolved against what the caller may see. Errors are data with a code, so the
 * dashboard words them in its language and the API in English.
 *
 * A code the caller may not see is refused the same way whether it exists or not (403), as
 * access.ts does for single pilots; only a caller who sees every pilot (an admin) is told a
 * code is unknown (400).
 * @module
 */
import { z } from 'zod';
import type { PilotRecord } from '../../../storage/pilots.ts';
import type { Survey } from '../../../surveys/model.ts';
import type { ComparedPilot } from './compare.ts';
import { filterQuery } from './traffic-map.ts';

const flag = z
  .enum(['', '0', '1', 'true', 'false', 'on'])
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'on');

export const compareQuery = filterQuery.omit({ split: true, group: true }).extend({
  pilots: z.string().max(2000).optional(),
  pilot: z.union([z.string().max(64), z.array(z.string().max(64)).max(50)]).optional(),
  pooled: flag,
  outcomes: flag,
});
export type CompareQuery = z.output<typeof compareQuery>;

/** The codes asked for, in order, each once. */
export function requestedCodes(q: CompareQuery): string[] {
  const raw = [...(q.pilots ?? '').split(','), ...[q.pilot ?? []].flat()].map((c) => c.trim()).filter((c) => c !== '');
  return [...new Set(raw)];
}

export const MAX_COMPARED = 12;
const CODE = /^[a-z0-9][a-z0-9-]{0,63}$/;

export type CompareRefusal =
  | { status: 400; code: 'need_two_pilots'; pilot?: undefined }
  | { status: 400; code: 'over_limit'; pilot?: undefined }
  | { status: 400; code: 'bad_code'; pilot: string }
  | { status: 400; code: 'unknown'; pilot: string }
  | { status: 403; code: 'not_allowed'; pilot: string }
  | { status: 400; code: 'no_survey'; pilot: string };

export type Resolved = { ok: true; pilots: ComparedPilot[] } | { ok: false; refusal: CompareRefusal };

export function resolvePilots(
  codes: readonly string[],
  all: readonly PilotRecord[],
  surveyOf: (p: PilotRecord) => Survey | undefined,
  may: { see: (p: PilotRecord) => boolean; seesAll: boolean },
): Resolved {
  const refuse = (refusal: CompareRefusal): Resolved => ({ ok: false, refusal });
  if (codes.length < 2) return refuse({ status: 400, code: 'need_two_pilots' });
  if (codes.length > MAX_COMPARED) return refuse({ status: 400, code: 'over_limit' });
  const pilots: ComparedPilot[] = [];
  for (const code of codes) {
    if (!CODE.test(code)) return refuse({ status: 400, code: 'bad_code', pilot: code.slice(0, 64) });
    const p = all.find((x) => x.code === code);
    if (!p) return refuse(may.seesAll ? { status: 400, code: 'unknown', pilot: code } : { status: 403, code: 'not_allowed', pilot: code });
    if (!may.see(p)) return refuse({ status: 403, code: 'not_allowed', pilot: code });
    const survey = surveyOf(p);
    if (!survey) return refuse({ status: 400, code: 'no_survey', pilot: code });
    pilots.push({ code: p.code, name: p.name, organisationId: p.organisationId, municipality: p.municipality, survey });
  }
  return { ok: true, pilots };
}

/** The API's English wording of a refusal. */
export function refusalText(r: CompareRefusal, scope: string): string {
  switch (r.code) {
    case 'need_two_pilots':
      return 'pilots: name at least two pilots to compare, e.g. ?pilots=a,b';
    case 'over_limit':
      return `pilots: at most ${MAX_COMPARED} pilots at a time`;
    case 'bad_code':
      return `pilots: "${r.pilot}" is not a pilot code (lower-case letters, digits and -)`;
    case 'unknown':
      return `pilots: there is no pilot "${r.pilot}"`;
    case 'not_allowed':
      return `pilots: "${r.pilot}" is not a pilot you may see (${scope})`;
    case 'no_survey':
      return `pilots: the survey of pilot "${r.pilot}" is not loaded on this server; check its survey file and restart`;
  }
}
