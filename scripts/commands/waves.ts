/**
 * `stemmen pilot wave open` and `stemmen pilot wave list`: a pilot measures again. Opening
 * wave N+1 invites everyone who agreed to be contacted again, in their language, through the
 * campaign queue (paced, never during quiet hours, nobody on the do-not-contact list); their
 * reply starts a session in the new wave. `pilot wave resume` queues what an interrupted
 * `open` (Redis down) planned, and messages nobody twice.
 * @module
 */
import type { Config } from '../../bot/config.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { Renderer } from '../../bot/conversation/render.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { nextAllowed } from '../../surveys/engine/reminders.ts';
import type { Message } from '../../surveys/engine/types.ts';
import { CampaignRepository } from '../../storage/campaigns.ts';
import { loadOrCreateSecret, Pseudonymizer } from '../../storage/pseudonym.ts';
import { waveCampaignId, WaveRepository } from '../../storage/waves.ts';
import { UsageError } from '../errors.ts';
import { parseWindow, queueAndWatch, withPilot, type CampaignRunOptions } from './campaign.ts';

export interface WaveOpenOptions extends CampaignRunOptions {
  at: string;
  notes?: string | undefined;
}

/** `--at`: "now", a day (YYYY-MM-DD, its start in UTC) or an ISO date-time; never in the past. */
export function parseOpensAt(at: string, now: Date): Date {
  const s = at.trim();
  if (s === 'now') return now;
  const t = /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(s) ? Date.parse(s) : NaN;
  if (Number.isNaN(t)) throw new UsageError(`--at "${at}" is not a date; use a day such as 2027-03-01, a time such as 2027-03-01T10:00+01:00, or now`);
  // A minute's grace for "a few seconds ago", as typed.
  if (t < now.getTime() - 60_000)
    throw new UsageError(`--at "${at}" is in the past (it is ${now.toISOString().slice(0, 16)}Z now); give a later day, or --at now to open it at once`);
  return new Date(t);
}

export async function runWaveOpen(config: Config, code: string, o: WaveOpenOptions): Promise<number> {
  const windowMs = parseWindow(o.window);
  const now = new Date();
  const opensAt = parseOpensAt(o.at, now);
  return withPilot(config, code, async (db, pilot) => {
    const locales = readLocales(config.localesDir);
    const { survey, estimatedMinutes } = loadSurveyFile(pilot.surveyFile ?? config.surveyFile, locales);
    const pseudonyms = new Pseudonymizer(loadOrCreateSecret(config.secretFile));
    const campaigns = new CampaignRepository(db, (c, a) => pseudonyms.suppressionKey(c, a));
    const waves = new WaveRepository(db);
    const earlier = await waves.list(pilot.code);
    const pending = earlier.find((w) => Date.parse(w.opensAt) > now.getTime());
    if (pending)
      throw new UsageError(
        `pilot ${code}: wave ${pending.wave} opens only at ${pending.opensAt}; open the next wave after that (see \`stemmen pilot wave list ${code}\`)`,
      );
    const optedIn = await campaigns.optedIn(pilot.code, survey.defaultLanguage);
    if (optedIn.length === 0)
      throw new UsageError(
        `pilot ${code}: nobody agreed to be contacted again (recontact consent), so a new wave would reach no one; nothing was opened. Ask it in the survey (recontact: atEnd or afterRed) and open a wave once people said yes`,
      );
    const stopped = await campaigns.suppressedRespondents(
      pilot.code,
      optedIn.map((t) => t.targetKey),
    );
    const targets = optedIn.filter((t) => !stopped.has(t.targetKey));
    const wave = await waves.open(pilot.code, opensAt.toISOString(), now.toISOString(), process.env.USER ?? null, o.notes ?? null);
    const renderer = new Renderer(createI18n(locales));
    const invite = (lng: string): Message => ({
      parts: [{ ns: 'campaigns', key: 'wave.invite', params: { wave, minutes: Math.max(1, Math.round(estimatedMinutes)) } }],
      language: lng,
    });
    const campaignId = waveCampaignId(pilot.code, wave);
    const messages = Object.fromEntries(survey.languages.map((l) => [l, renderer.render(invite(l), l, survey.namespace)]));
    await campaigns.ensure(campaignId, pilot.code, 'wave', messages, now.toISOString());
    const n = targets.length;
    const quiet = config.reminders;
    const planned = await campaigns.planRespondents(
      campaignId,
      targets.map((t, i) => ({
        ...t,
        // Spread over the window from the opening, each moved out of the quiet hours.
        plannedAt: nextAllowed(new Date(opensAt.getTime() + (n > 1 ? (i * windowMs) / (n - 1) : 0)), quiet).toISOString(),
      })),
    );
    process.stdout.write(
      `wave ${wave} of pilot ${code} opens at ${opensAt.toISOString()}: ${planned.added.length} respondent(s) who agreed to be contacted again get an invitation over ${o.window} (outside quiet hours); ${stopped.size} not (on the do-not-contact list)\n`,
    );
    const p = await queueAndWatch(config, campaigns, campaignId, o.wait && opensAt.getTime() <= now.getTime() + windowMs).catch((e: Error) => {
      throw new UsageError(
        `${e.message.replace(/then run this again.*$/, '')}then run \`stemmen pilot wave resume ${code}\` (wave ${wave} is open; nobody gets a message twice)`,
      );
    });
    process.stdout.write(`${campaignId}: ${p.sent} sent, ${p.failed} failed, ${p.suppressed} not sent (said STOP meanwhile), ${p.planned} waiting\n`);
    return p.failed > 0 ? 1 : 0;
  });
}

/** Queues the still-planned invitations of the pilot's newest wave (after `open` could not reach Redis). */
export async function runWaveResume(config: Config, code: string, o: { wait: boolean }): Promise<number> {
  return withPilot(config, code, async (db, pilot) => {
    const last = (await new WaveRepository(db).list(pilot.code)).at(-1);
    if (!last) throw new UsageError(`pilot ${code} has no wave to resume; open one with \`stemmen pilot wave open ${code} --at <day>\``);
    const campaigns = new CampaignRepository(db, () => '');
    const campaignId = waveCampaignId(pilot.code, last.wave);
    const p = await queueAndWatch(config, campaigns, campaignId, o.wait);
    process.stdout.write(`${campaignId}: ${p.sent} sent, ${p.failed} failed, ${p.suppressed} not sent (said STOP meanwhile), ${p.planned} waiting\n`);
    return p.failed > 0 ? 1 : 0;
  });
}

export async function runWaveList(config: Config, code: string): Promise<number> {
  return withPilot(config, code, async (db, pilot) => {
    const waves = await new WaveRepository(db).list(pilot.code);
    const campaigns = new CampaignRepository(db, () => '');
    process.stdout.write(`wave 1: the first round (from the pilot's start, ${pilot.createdAt})\n`);
    for (const w of waves) {
      const p = await campaigns.progress(waveCampaignId(pilot.code, w.wave));
      process.stdout.write(
        `wave ${w.wave}: opens ${w.opensAt}; invitations ${p.sent} sent, ${p.planned} waiting, ${p.failed} failed, ${p.suppressed} not sent${w.notes ? `; ${w.notes}` : ''}\n`,
      );
    }
    return 0;
  });
}
