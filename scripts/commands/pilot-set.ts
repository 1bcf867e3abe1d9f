/**
 * `stemmen pilot set <code> --municipality X | --clear-municipality`: changes a pilot's
 * details after `pilot create` (today: where it runs).
 * @module
 */
import type { Config } from '../../bot/config.ts';
import { PilotRepository } from '../../storage/pilots.ts';
import { UsageError } from '../errors.ts';
import { checkMunicipality, openDb, unknownPilot } from './pilot.ts';

export async function runPilotSet(config: Config, code: string, o: { municipality?: string; clearMunicipality?: boolean }): Promise<number> {
  if (o.municipality !== undefined && o.clearMunicipality) throw new UsageError('give either --municipality <name> or --clear-municipality, not both');
  if (o.municipality === undefined && !o.clearMunicipality)
    throw new UsageError(`nothing to set; e.g. \`stemmen pilot set ${code} --municipality Utrecht\` (or --clear-municipality)`);
  const municipality = o.municipality === undefined ? null : checkMunicipality(o.municipality);
  const db = await openDb(config);
  try {
    const repo = new PilotRepository(db);
    if (!(await repo.setMunicipality(code, municipality))) throw new UsageError(await unknownPilot(repo, code));
    process.stderr.write(municipality === null ? `pilot ${code}: municipality cleared\n` : `pilot ${code}: municipality ${municipality}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}
