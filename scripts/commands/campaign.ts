/**
 * `stemmen pilot invite` and `stemmen pilot share-results`: plan a campaign (who gets which
 * message when), queue it, and show its progress while the running bot sends it. Running
 * either again resumes an interrupted run and never messages anyone twice.
 * @module
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import pino from 'pino';
import type { Config } from '../../bot/config.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { Renderer } from '../../bot/conversation/render.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { phoneRegion } from '../../bot/phone.ts';
import { CampaignRepository, type Progress } from '../../storage/campaigns.ts';
import { loadOrCreateSecret, Pseudonymizer } from '../../storage/pseudonym.ts';
import { PilotRepository, type PilotRecord } from '../../storage/pilots.ts';
import type { Db } from '../../storage/database.ts';
import { CampaignQueue } from '../../workers/campaigns.ts';
import { UsageError } from '../errors.ts';
import { readContactList } from '../../bot/contact-list.ts';
import { planInvitations, planResults, queuePlanned } from '../../bot/campaign-plans.ts';
import { openDb, unknownPilot } from './pilot.ts';

export interface CampaignRunOptions {
  window: string;
  wait: boolean;
}
export interface InviteOptions extends CampaignRunOptions {
  /** Country of numbers without a country code; default PHONE_DEFAULT_REGION. */
  region?: string | undefined;
}

/** "2h", "30m", "45s" → ms; at most 20 h (placeholder contacts are purged after 24 h). */
export function parseWindow(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s.trim());
  const ms = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms'] : NaN;
  if (!Number.isFinite(ms) || ms > 20 * 3_600_000) throw new UsageError(`--window "${s}" must be a duration up to 20h, like 90m or 2h`);
  return ms;
}

export async function withPilot<T>(config: Config, code: string, fn: (db: Db, pilot: PilotRecord) => Promise<T>): Promise<T> {
  const db = await openDb(config);
  try {
    const repo = new PilotRepository(db);
    const pilot = await repo.find(code);
    if (!pilot) throw new UsageError(await unknownPilot(repo, code));
    return await fn(db, pilot);
  } finally {
    await db.destroy();
  }
}

/** Queues every still-planned target at its planned time, then (with `wait`) shows progress until all went out. */
export async function queueAndWatch(config: Config, campaigns: CampaignRepository, campaignId: string, wait: boolean): Promise<Progress> {
  const queue = new CampaignQueue(config.redis, pino({ level: 'silent' }));
  try {
    await queuePlanned(queue, campaigns, campaignId, config.redis.url);
  } finally {
    await queue.close();
  }
  let p = await campaigns.progress(campaignId);
  if (!wait) return p;
  const tty = process.stderr.isTTY === true;
  let shown = '';
  for (;;) {
    p = await campaigns.progress(campaignId);
    const done = p.sent + p.failed;
    const width = 30;
    const filled = p.total === 0 ? width : Math.round((done / p.total) * width);
    const line = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${p.total} (${p.sent} sent, ${p.failed} failed)`;
    if (line !== shown) {
      process.stderr.write(tty ? `\r${line}` : `${line}\n`);
      shown = line;
    }
    if (p.planned === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  if (tty) process.stderr.write('\n');
  return p;
}

export async function runPilotInvite(config: Config, code: string, contactsFile: string, o: InviteOptions): Promise<number> {
  const windowMs = parseWindow(o.window);
  const region = phoneRegion(o.region ?? config.phoneDefaultRegion);
  if (!region)
    throw new UsageError(
      `${o.region !== undefined ? `--region "${o.region}"` : `PHONE_DEFAULT_REGION="${config.phoneDefaultRegion}"`} is not a country code libphonenumber knows; use two letters such as NL, BE or DE`,
    );
  return withPilot(config, code, async (db, pilot) => {
    if (!pilot.channels.includes('whatsapp'))
      throw new UsageError(`pilot ${code} has no WhatsApp channel (it has ${pilot.channels.join(', ')}); invitations go out through WhatsApp`);
    const locales = readLocales(config.localesDir);
    const { survey, estimatedMinutes } = loadSurveyFile(pilot.surveyFile ?? config.surveyFile, locales);
    const path = resolve(contactsFile);
    const shown = relative(process.cwd(), path) || path;
    let text: Buffer;
    try {
      text = readFileSync(path);
    } catch {
      throw new UsageError(`${shown}: file not found; check the path`);
    }
    const list = readContactList(text, shown, survey.languages, survey.defaultLanguage, region);
    for (const r of list.refused) process.stdout.write(`refused ${r.line}: ${r.why}\n`);

    const pseudonyms = new Pseudonymizer(loadOrCreateSecret(config.secretFile));
    const suppressionKey = (c: string, a: string) => pseudonyms.suppressionKey(c, a);
    const renderer = new Renderer(createI18n(locales));
    const plan = await planInvitations(
      { db, renderer, suppressionKey, inviteKey: (digits) => pseudonyms.respondentId('invite', digits), now: new Date() },
      pilot,
      survey,
      estimatedMinutes,
      list,
      windowMs,
    );
    // Whoever said STOP (to any pilot) is not invited; listed by line, never by number.
    for (const x of plan.suppressed) process.stdout.write(`refused ${x.line}: asked not to be contacted (do-not-contact list)\n`);
    process.stdout.write(
      `${plan.added} new invitation(s) over ${o.window}; ${plan.already} already invited before (not again); ${list.refused.length + plan.suppressed.length} refused (${plan.suppressed.length} on the do-not-contact list)\n`,
    );
    const campaigns = new CampaignRepository(db, suppressionKey);
    const campaignId = plan.campaignId;
    const p = await queueAndWatch(config, campaigns, campaignId, o.wait);
    process.stdout.write(
      `${campaignId}: ${p.sent} sent, ${p.failed} failed, ${p.suppressed} not sent (said STOP meanwhile), ${p.planned} waiting${p.planned > 0 ? ' (the running bot sends them; run this again to see progress)' : ''}\n`,
    );
    return p.failed > 0 ? 1 : 0;
  });
}

export async function runShareResults(config: Config, code: string, messageArgs: string[], o: CampaignRunOptions): Promise<number> {
  const windowMs = parseWindow(o.window);
  const files = new Map<string, string>();
  for (const a of messageArgs) {
    const m = /^([a-z]{2,3}(?:-[A-Za-z0-9]+)?)=(.+)$/.exec(a);
    if (!m) throw new UsageError(`--message "${a}" must be <language>=<file>, e.g. --message nl=results-nl.txt`);
    let text: string;
    try {
      text = readFileSync(resolve(m[2]!), 'utf8').trim();
    } catch {
      throw new UsageError(`--message ${a}: file not found; check the path`);
    }
    if (text === '') throw new UsageError(`--message ${a}: the file is empty`);
    files.set(m[1]!, text);
  }
  if (files.size === 0) throw new UsageError('give at least one --message <language>=<file>');
  return withPilot(config, code, async (db, pilot) => {
    const { survey, locales } = loadSurveyFile(pilot.surveyFile ?? config.surveyFile, readLocales(config.localesDir));
    const pseudonyms = new Pseudonymizer(loadOrCreateSecret(config.secretFile));
    const suppressionKey = (c: string, a: string) => pseudonyms.suppressionKey(c, a);
    const renderer = new Renderer(createI18n(locales));
    const plan = await planResults(
      { db, renderer, suppressionKey, inviteKey: (digits) => pseudonyms.respondentId('invite', digits), now: new Date() },
      pilot,
      survey,
      files,
      windowMs,
    );
    if (!plan.ok)
      throw new UsageError(
        `respondents who opted in use ${plan.missing.join(', ')} too; add --message ${plan.missing[0]}=<file> for ${plan.missing.length > 1 ? 'each of them' : 'it'} (nobody was messaged)`,
      );
    process.stdout.write(
      `${plan.added} respondent(s) who opted in get the results; ${plan.before} got them before (not again); ${plan.stopped} refused (on the do-not-contact list)\n`,
    );
    const campaigns = new CampaignRepository(db, suppressionKey);
    const campaignId = plan.campaignId;
    const p = await queueAndWatch(config, campaigns, campaignId, o.wait);
    process.stdout.write(`${campaignId}: ${p.sent} sent, ${p.failed} failed, ${p.suppressed} not sent (said STOP meanwhile), ${p.planned} waiting\n`);
    return p.failed > 0 ? 1 : 0;
  });
}
