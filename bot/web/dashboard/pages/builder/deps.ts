/**
 * What the pilot builder and launch pages need beyond the dashboard's own dependencies.
 * @module
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { Renderer } from '../../../../conversation/index.ts';
import type { Role } from '../../../../../storage/accounts.ts';

export interface BuilderDeps {
  dataDir: string;
  localesDir: string;
  /** Loads a new pilot's survey into the running app (PilotSurveys.load). */
  loadPilotSurvey: (pilot: { code: string; surveyId: string; surveyFile: string | null }) => unknown;
  /** Queues a campaign's planned targets on the campaign queue the app's worker drains. */
  queueCampaign: (campaignId: string) => Promise<void>;
  renderer: Renderer;
  inviteKey: (digits: string) => string;
  region: CountryCode;
  /** The Telegram bot's username (asked once from the Bot API), or null without Telegram. */
  telegramBot: () => Promise<string | null>;
  /** The WhatsApp number links point to (E.164 digits without +), or null. */
  whatsappDigits: string | null;
}

/** Who builds and launches: admins and researchers of the pilot's organisation; others read. */
export const BUILD_ROLES: readonly Role[] = ['admin', 'researcher'];
