/**
 * Planning a pilot's invitations and results messages: who gets which rendered message when,
 * spread evenly over a window. Shared by `stemmen pilot invite` / `share-results` and the
 * dashboard's launch page; both then queue the planned targets on the campaign queue, where
 * the running bot sends them (workers/campaigns.ts), so a repeated plan never messages anyone twice.
 * @module
 */
import type { Db } from '../storage/database.ts';
import { CampaignRepository } from '../storage/campaigns.ts';
import type { PilotRecord } from '../storage/pilots.ts';
import type { Survey } from '../surveys/model.ts';
import type { Message } from '../surveys/engine/types.ts';
import type { CampaignQueue } from '../workers/campaigns.ts';
import { redactRedisUrl } from '../workers/redis.ts';
import type { ContactList, Invitee } from './contact-list.ts';
import type { Renderer } from './conversation/render.ts';
import { UsageError } from './usage-error.ts';

export interface PlanDeps {
  db: Db;
  renderer: Renderer;
  /** The keyed hash of an address on the do-not-contact list. */
  suppressionKey: (channel: string, address: string) => string;
  /** The pseudonymous key of an invited number (never the number itself). */
  inviteKey: (digits: string) => string;
  now: Date;
}

export const inviteCampaignId = (code: string): string => `invite-${code}`;
export const resultsCampaignId = (code: string): string => `results-${code}`;

const spread = (now: Date, windowMs: number, i: number, n: number): string => new Date(now.getTime() + (n > 1 ? (i * windowMs) / (n - 1) : 0)).toISOString();

export interface InvitePlan {
  campaignId: string;
  added: number;
  already: number;
  /** Rows on the do-not-contact list (by line, never by number). */
  suppressed: Invitee[];
}

/** Plans invitations for a read contact list; people on the do-not-contact list are left out. */
export async function planInvitations(
  d: PlanDeps,
  pilot: PilotRecord,
  survey: Survey,
  estimatedMinutes: number,
  list: ContactList,
  windowMs: number,
): Promise<InvitePlan> {
  if (!pilot.channels.includes('whatsapp'))
    throw new UsageError(`pilot ${pilot.code} has no WhatsApp channel (it has ${pilot.channels.join(', ')}); invitations go out through WhatsApp`);
  const invite = (lng: string): Message => ({
    parts: [{ ns: 'campaigns', key: 'invite', params: { minutes: Math.max(1, Math.round(estimatedMinutes)), code: pilot.code } }],
    language: lng,
  });
  const messages = Object.fromEntries(survey.languages.map((l) => [l, d.renderer.render(invite(l), l, survey.namespace)]));
  const campaigns = new CampaignRepository(d.db, d.suppressionKey);
  const campaignId = inviteCampaignId(pilot.code);
  await campaigns.ensure(campaignId, pilot.code, 'invite', messages, d.now.toISOString());
  const invitees: Invitee[] = [];
  const suppressed: Invitee[] = [];
  for (const x of list.invitees) ((await campaigns.isSuppressed('whatsapp', `${x.digits}@s.whatsapp.net`)) ? suppressed : invitees).push(x);
  const planned = await campaigns.planInvitations(
    campaignId,
    invitees.map((x, i) => ({
      targetKey: d.inviteKey(x.digits),
      address: `${x.digits}@s.whatsapp.net`,
      language: x.language,
      plannedAt: spread(d.now, windowMs, i, invitees.length),
    })),
    d.now.toISOString(),
  );
  return { campaignId, added: planned.added.length, already: planned.already, suppressed };
}

export type ResultsPlan = { ok: true; campaignId: string; added: number; before: number; stopped: number } | { ok: false; missing: string[] };

/**
 * Plans a results message (one text per language) to everyone who opted in to hear back;
 * nobody is planned when a language they use has no text (`missing`).
 */
export async function planResults(d: PlanDeps, pilot: PilotRecord, survey: Survey, texts: ReadonlyMap<string, string>, windowMs: number): Promise<ResultsPlan> {
  const campaigns = new CampaignRepository(d.db, d.suppressionKey);
  const campaignId = resultsCampaignId(pilot.code);
  const messages = Object.fromEntries(
    [...texts].map(([l, t]) => [
      l,
      d.renderer.render({ parts: [{ literal: t }, { ns: 'campaigns', key: 'results.footer' }], language: l }, l, survey.namespace),
    ]),
  );
  await campaigns.ensure(campaignId, pilot.code, 'results', messages, d.now.toISOString());
  const known = await campaigns.known(campaignId);
  const candidates = (await campaigns.optedIn(pilot.code, survey.defaultLanguage)).filter((t) => !known.has(t.targetKey));
  const stopped = await campaigns.suppressedRespondents(
    pilot.code,
    candidates.map((t) => t.targetKey),
  );
  const fresh = candidates.filter((t) => !stopped.has(t.targetKey));
  const missing = [...new Set(fresh.map((t) => t.language))].filter((l) => !texts.has(l));
  if (missing.length > 0) return { ok: false, missing };
  const planned = await campaigns.planRespondents(
    campaignId,
    fresh.map((t, i) => ({ ...t, plannedAt: spread(d.now, windowMs, i, fresh.length) })),
  );
  return { ok: true, campaignId, added: planned.added.length, before: known.size, stopped: stopped.size };
}

/** Queues every still-planned target of a campaign at its planned time; a Redis failure names the fix. */
export async function queuePlanned(queue: Pick<CampaignQueue, 'plan'>, campaigns: CampaignRepository, campaignId: string, redisUrl: string): Promise<void> {
  try {
    const now = Date.now();
    const pending = await campaigns.planned(campaignId);
    await queue.plan(pending.map((p) => ({ job: { campaignId, targetKey: p.targetKey }, delayMs: Date.parse(p.plannedAt) - now })));
  } catch (e) {
    throw new UsageError(
      `could not queue the messages in Redis at ${redactRedisUrl(redisUrl)} (${(e as Error).message}); start Redis (\`npm start\` does) or set REDIS_URL, then run this again: nobody gets a message twice`,
    );
  }
}
