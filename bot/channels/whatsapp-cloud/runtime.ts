/**
 * Wiring the WhatsApp Cloud API channel (WHATSAPP_MODE=cloud): the Graph API client, the
 * paced channel and the webhook route. Built by the composition root only.
 * @module
 */
import type { i18n as I18n } from 'i18next';
import type { Logger } from 'pino';
import type { Db } from '../../../storage/database.ts';
import type { Pseudonymizer } from '../../../storage/pseudonym.ts';
import type { Store } from '../../../storage/store.ts';
import { CloudWhatsAppStore } from '../../../storage/whatsapp-cloud.ts';
import type { InboundReceiver } from '../boundary.ts';
import type { SendPacer } from '../pacer.ts';
import type { WhatsAppCloudConfig } from './config.ts';
import { GraphClient } from './graph.ts';
import { CloudWhatsAppChannel, WINDOW_MS } from './outbound.ts';
import { mountCloudWebhook, type WebhookServer } from './webhook.ts';

export { CLOUD_WEBHOOK_PATH } from './webhook.ts';

export interface WhatsAppCloudRuntime {
  channel: CloudWhatsAppChannel;
  store: CloudWhatsAppStore;
  mount(server: WebhookServer): void;
  /** Forgets windows closed long ago (hourly, with the app's purge). */
  purge(now: Date): Promise<number>;
}

export function createWhatsAppCloud(
  config: WhatsAppCloudConfig,
  deps: {
    db: Db;
    store: Store;
    inbound: InboundReceiver;
    pseudonyms: Pseudonymizer;
    i18n: I18n;
    log: Logger;
    pacer: SendPacer;
    now?: () => Date;
    backoff?: { initialMs: number; retries: number };
  },
): WhatsAppCloudRuntime {
  const cloud = new CloudWhatsAppStore(deps.db);
  // Its own label: the window key matches no other hash of the number.
  const windowKey = (address: string) => deps.pseudonyms.aliasKey('whatsapp-window', address.replace(/@.*$/, ''));
  const graph = new GraphClient({ apiRoot: config.apiRoot, token: config.token, phoneNumberId: config.phoneNumberId });
  const channel = new CloudWhatsAppChannel({
    graph,
    pacer: deps.pacer,
    i18n: deps.i18n,
    store: cloud,
    templates: config.templates,
    windowKey,
    log: deps.log,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.backoff ? { backoff: deps.backoff } : {}),
  });
  return {
    channel,
    store: cloud,
    mount: (server) =>
      mountCloudWebhook(server, {
        appSecret: config.appSecret,
        verifyToken: config.verifyToken,
        phoneNumberId: config.phoneNumberId,
        inbound: deps.inbound,
        store: deps.store,
        cloud,
        pseudonyms: deps.pseudonyms,
        windowKey,
        log: deps.log,
        ...(deps.now ? { now: deps.now } : {}),
      }),
    purge: (now) => cloud.purgeWindows(new Date(now.getTime() - 2 * WINDOW_MS).toISOString()),
  };
}
