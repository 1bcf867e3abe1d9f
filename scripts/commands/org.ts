/**
 * `stemmen org add|list|pilot`: organisations (a municipality, an NGO) that own pilots and
 * whose staff see only those pilots on the dashboard.
 */
import { UserInputError } from '../../bot/web/auth.ts';
import type { Config } from '../../bot/config.ts';
import { describeDatabase, openMigrated } from '../../storage/database.ts';
import { OrganisationExistsError, Organisations } from '../../storage/organisations.ts';

const ORG_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

export async function runOrgAdd(config: Config, id: string, name: string): Promise<number> {
  if (!ORG_ID.test(id)) throw new UserInputError(`"${id}" is not an organisation id: use lower-case letters, digits and - (e.g. gemeente-utrecht)`);
  if (name.trim() === '') throw new UserInputError('--name is empty: give the organisation\'s name, e.g. --name "Gemeente Utrecht"');
  const db = await openMigrated(config);
  try {
    await new Organisations(db).add({ id, name: name.trim(), now: new Date().toISOString() }).catch((e: unknown) => {
      throw e instanceof OrganisationExistsError ? new UserInputError(e.message) : e;
    });
    process.stdout.write(`added organisation ${id} (${name.trim()})\nadd its staff with: stemmen user add <email> --role viewer --org ${id}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

export async function runOrgList(config: Config): Promise<number> {
  const db = await openMigrated(config);
  try {
    for (const o of await new Organisations(db).list()) process.stdout.write(`${o.id}\t${o.name}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

/** Moves a pilot to an organisation: from then on only that organisation's staff (and admins) see it. */
export async function runOrgPilot(config: Config, org: string, pilot: string): Promise<number> {
  const db = await openMigrated(config);
  try {
    const orgs = new Organisations(db);
    if (!(await orgs.find(org))) throw new UserInputError(`there is no organisation "${org}": add it first with \`stemmen org add ${org} --name "…"\``);
    if (!(await orgs.assignPilot(pilot, org)))
      throw new UserInputError(`no pilot "${pilot}" in ${describeDatabase(config)}; see \`stemmen pilot stats\` or the dashboard's start page`);
    process.stdout.write(`pilot ${pilot} now belongs to ${org}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}
