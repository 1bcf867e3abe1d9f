/**
 * `stemmen pilot links <code>`: the Telegram deep link and the wa.me link of a pilot, each
 * as a QR code in PNG (posters, print) and SVG (any size); with `--per-language`, one set
 * per survey language with the language preselected (`<code>-<lng>`).
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pilotLinks, qrPng, qrSvg } from '../../bot/pilot-links.ts';
import type { Config } from '../../bot/config.ts';
import { readLocales } from '../../bot/i18n.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { PilotRepository } from '../../storage/pilots.ts';
import { phoneNumber, phoneRegion } from '../../bot/phone.ts';
import { UsageError } from '../errors.ts';
import { openDb, unknownPilot } from './pilot.ts';

export interface LinksOptions {
  out?: string | undefined;
  telegramBot?: string | undefined;
  whatsappNumber?: string | undefined;
  perLanguage: boolean;
}

/** The bot's username: the option, else asked from the Bot API with the configured token. */
async function botUsername(config: Config, given: string | undefined): Promise<string> {
  if (given !== undefined) {
    const name = given.replace(/^@/, '');
    if (!/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(name))
      throw new UsageError(`--telegram-bot "${given}" is not a bot username (letters, digits and _, like stemmen_bot)`);
    return name;
  }
  if (!config.telegram)
    throw new UsageError('the pilot uses Telegram: pass --telegram-bot <username> or set TELEGRAM_BOT_TOKEN so the username can be asked from Telegram');
  try {
    const res = await fetch(`${config.telegram.apiRoot}/bot${config.telegram.token}/getMe`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { ok: boolean; result?: { username?: string }; description?: string };
    if (!body.ok || !body.result?.username) throw new Error(body.description ?? `HTTP ${res.status}`);
    return body.result.username;
  } catch (e) {
    throw new UsageError(`could not ask Telegram for the bot's username (${(e as Error).message}); pass --telegram-bot <username>`);
  }
}

export async function runPilotLinks(config: Config, code: string, o: LinksOptions): Promise<number> {
  const db = await openDb(config);
  let pilot;
  try {
    const repo = new PilotRepository(db);
    pilot = await repo.find(code);
    if (!pilot) throw new UsageError(await unknownPilot(repo, code));
  } finally {
    await db.destroy();
  }
  const { survey } = loadSurveyFile(pilot.surveyFile ?? config.surveyFile, readLocales(config.localesDir));
  let telegramBot: string | undefined;
  let whatsappDigits: string | undefined;
  if (pilot.channels.includes('telegram')) telegramBot = await botUsername(config, o.telegramBot);
  if (pilot.channels.includes('whatsapp')) {
    if (!o.whatsappNumber) throw new UsageError("the pilot uses WhatsApp: pass --whatsapp-number with the bot's number, e.g. +31612345678");
    // A business number may be a landline; numbers without a country code are PHONE_DEFAULT_REGION's.
    const region = phoneRegion(config.phoneDefaultRegion);
    if (!region)
      throw new UsageError(
        `PHONE_DEFAULT_REGION="${config.phoneDefaultRegion}" is not a country code libphonenumber knows; use two letters such as NL, BE or DE`,
      );
    const phone = phoneNumber(o.whatsappNumber, region);
    if (!phone.ok) throw new UsageError(`--whatsapp-number: ${phone.reason}`);
    whatsappDigits = phone.e164.slice(1);
  }
  const links = pilotLinks(pilot, survey.languages, { perLanguage: o.perLanguage, telegramBot, whatsappDigits });
  const dir = resolve(o.out ?? join('pilots', pilot.code));
  mkdirSync(dir, { recursive: true });
  const shown = relative(process.cwd(), dir) || '.';
  for (const l of links) {
    writeFileSync(join(dir, `${l.file}.png`), await qrPng(l.url));
    writeFileSync(join(dir, `${l.file}.svg`), await qrSvg(l.url));
    process.stdout.write(`${l.file.padEnd(14)} ${l.url}  → ${shown}/${l.file}.png, .svg\n`);
  }
  writeFileSync(join(dir, 'links.txt'), `${links.map((l) => `${l.file}\t${l.url}`).join('\n')}\n`);
  return 0;
}
