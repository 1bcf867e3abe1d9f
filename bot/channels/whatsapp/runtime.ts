/**
 * Wiring the WhatsApp channel: the real Baileys socket on our stored auth state, the QR
 * code in the terminal and on a local page, the paced sender.
 * @module
 */
import makeWASocket, { Browsers, makeCacheableSignalKeyStore, type AuthenticationState, type UserFacingSocketConfig } from '@whiskeysockets/baileys';
import type { FastifyInstance } from 'fastify';
import type { i18n as I18n } from 'i18next';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import type { Db } from '../../../storage/database.ts';
import type { Pseudonymizer } from '../../../storage/pseudonym.ts';
import type { Store } from '../../../storage/store.ts';
import { useStoreAuthState } from '../../../storage/whatsapp-auth.ts';
import type { InboundHandler } from '../../conversation/handler.ts';
import type { InboundReceiver } from '../boundary.ts';
import type { Delivery } from '../../delivery/outbox.ts';
import { WhatsAppConnection, type SocketOptions, type WhatsAppSocket } from './connection.ts';
import { WhatsAppChannel } from './outbound.ts';
import { Pacer, type SendPacer } from '../pacer.ts';
import { maskedBaileysLogger } from './baileys-log.ts';
import { SentLog } from './sent.ts';
import { latestVersion, type VersionSource } from './version.ts';

export interface WhatsAppConfig {
  session: string;
  pairingNumber: string | null;
  chatGapMs: number;
  perMinute: number;
  /** Ask web.whatsapp.com for the current WhatsApp Web version (else Baileys' built-in one). */
  fetchVersion: boolean;
  logLevel: string;
}

export interface WhatsAppRuntime {
  connection: WhatsAppConnection;
  channel: WhatsAppChannel;
}

/** What makeWASocket gets: our auth state, getMessage, version and masked logger. */
export function socketConfig(state: AuthenticationState, options: SocketOptions): UserFacingSocketConfig {
  return {
    auth: { creds: state.creds, keys: makeCacheableSignalKeyStore(state.keys, options.logger) },
    browser: Browsers.ubuntu('stemmen'),
    markOnlineOnConnect: false,
    // Only messages from now on: a survey bot answers what comes in and has no use for old chats.
    syncFullHistory: false,
    getMessage: options.getMessage,
    ...(options.version ? { version: options.version } : {}),
    logger: options.logger,
  };
}

export async function createWhatsApp(
  config: WhatsAppConfig,
  deps: {
    db: Db;
    store: Store;
    handler: InboundHandler;
    inbound: InboundReceiver;
    delivery: Delivery;
    pseudonyms: Pseudonymizer;
    i18n: I18n;
    log: Logger;
    makeSocket?: (auth: AuthenticationState, options: SocketOptions) => WhatsAppSocket;
    /** Where the WhatsApp Web version comes from; null: Baileys' built-in one. */
    version?: VersionSource | null;
    /** The sending budget (bot/app.ts: shared by all processes in Redis); default: this process's own pacer. */
    pacer?: SendPacer;
  },
): Promise<WhatsAppRuntime> {
  const auth = await useStoreAuthState(deps.db, config.session);
  const baileysLog = maskedBaileysLogger(deps.log.child({ module: 'baileys' }, { level: config.logLevel }));
  const sent = new SentLog(deps.store.sentMessages, deps.log);
  const makeSocket =
    deps.makeSocket ?? ((state: AuthenticationState, options: SocketOptions) => makeWASocket(socketConfig(state, options)) as unknown as WhatsAppSocket);
  // The version matters only to a real socket: an injected one (tests) never triggers a lookup.
  const version = deps.version !== undefined ? deps.version : config.fetchVersion && !deps.makeSocket ? latestVersion(deps.log) : null;
  const connection = new WhatsAppConnection({
    makeSocket,
    auth,
    reloadAuth: () => useStoreAuthState(deps.db, config.session),
    getMessage: sent.getMessage,
    ...(version ? { version } : {}),
    baileysLog,
    inbound: deps.inbound,
    delivery: deps.delivery,
    store: deps.store,
    pseudonyms: deps.pseudonyms,
    log: deps.log,
    pairingNumber: config.pairingNumber,
    onQr: (qr) => {
      void QRCode.toString(qr, { type: 'terminal', small: true }).then((art) =>
        process.stdout.write(
          `\nWhatsApp: scan this code with the phone (WhatsApp → Linked devices → Link a device),\nor open /admin/whatsapp on this server:\n${art}\n`,
        ),
      );
    },
    onPairingCode: (code) =>
      process.stdout.write(`\nWhatsApp pairing code: ${code}\nOn the phone: WhatsApp → Linked devices → Link with phone number → enter this code.\n\n`),
  });
  const pacer = deps.pacer ?? new Pacer({ perChatGapMs: config.chatGapMs, perMinute: config.perMinute });
  return { connection, channel: new WhatsAppChannel(connection, pacer, deps.i18n, sent) };
}

/**
 * A local page with the pairing status and QR code. Only answered for requests from this
 * machine: pairing gives full access to the WhatsApp account.
 */
export function mountWhatsAppAdmin(server: FastifyInstance, connection: WhatsAppConnection): void {
  server.get('/admin/whatsapp', async (req, reply) => {
    if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.ip)) return reply.code(403).send({ error: 'only from this machine' });
    const qr = connection.qr ? await QRCode.toDataURL(connection.qr, { margin: 1, width: 320 }) : null;
    const body = qr
      ? `<p>Scan with the phone: WhatsApp → Linked devices → Link a device.</p><img alt="QR code" src="${qr}"><p>The code changes every few seconds; this page reloads itself.</p>`
      : `<p>Status: <b>${connection.status.replaceAll('_', ' ')}</b></p>${connection.problem ? `<p>${escapeHtml(connection.problem)}</p>` : ''}`;
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>stemmen · WhatsApp</title><body><h1>WhatsApp</h1>${body}</body>`,
      );
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
