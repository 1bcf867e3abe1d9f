/**
 * The WhatsApp connection: one Baileys socket, paired by QR code or pairing code, kept
 * alive across disconnects, feeding the inbound handler.
 *
 * What happens on each disconnect reason (DisconnectReason in Baileys):
 * - loggedOut (401): the phone removed this device. Stop, forget the keys, say how to pair again.
 * - connectionReplaced (440): another client took over this account. Stop; fighting it
 *   would make both sessions flap.
 * - forbidden (403): the account is banned or blocked. Stop and say so.
 * - restartRequired (515, normal right after pairing): reconnect at once.
 * - anything else (lost, closed, timed out, bad session, unavailable): reconnect with
 *   exponential backoff and jitter.
 * @module
 */
import { DisconnectReason, type AuthenticationState, type BaileysEventMap, type ConnectionState, type WAMessage } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { Pseudonymizer } from '../../../storage/pseudonym.ts';
import type { Store } from '../../../storage/store.ts';
import type { InboundReceiver } from '../boundary.ts';
import { ChannelError } from '../errors.ts';
import { toStoreError } from '../../../storage/errors.ts';
import type { Delivery } from '../../delivery/outbox.ts';
import { toInbound } from './inbound.ts';
import type { WhatsAppSender } from './outbound.ts';

/** The part of a Baileys socket we use; `makeWASocket` returns a superset. */
export interface WhatsAppSocket extends WhatsAppSender {
  ev: { on<E extends keyof BaileysEventMap>(event: E, listener: (arg: BaileysEventMap[E]) => void): void };
  requestPairingCode(phoneNumber: string): Promise<string>;
  end(error: Error | undefined): void | Promise<void>;
}

export interface AuthStore {
  state: AuthenticationState;
  saveCreds: () => Promise<void>;
  clear: () => Promise<void>;
}

export type WhatsAppStatus = 'connecting' | 'waiting_for_pairing' | 'open' | 'reconnecting' | 'logged_out' | 'replaced' | 'forbidden' | 'stopped';

export interface ConnectionDeps {
  /** Builds a socket on the given auth state (the composition root passes makeWASocket). */
  makeSocket: (auth: AuthenticationState) => WhatsAppSocket;
  auth: AuthStore;
  /** The inbound boundary (retries, dead letters) every received message goes through. */
  inbound: InboundReceiver;
  /** Replies queued while offline go out through it on reconnect. */
  delivery: Pick<Delivery, 'flushAll'>;
  store: Store;
  pseudonyms: Pseudonymizer;
  log: Logger;
  /** Phone number (digits with country code) to pair by code instead of QR. */
  pairingNumber?: string | null;
  /** Called with each new QR code (terminal printing, admin page). */
  onQr?: (qr: string) => void;
  /** Called with a pairing code to type on the phone. */
  onPairingCode?: (code: string) => void;
  backoff?: { initialMs: number; maxMs: number };
  sleep?: (ms: number) => Promise<void>;
}

export class WhatsAppConnection {
  status: WhatsAppStatus = 'stopped';
  /** The latest QR code while waiting for pairing. */
  qr: string | null = null;
  private sock: WhatsAppSocket | null = null;
  private open = false;
  private attempts = 0;
  private stopped = false;
  private pairingRequested = false;
  private inbound: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ConnectionDeps) {}

  /** The socket to send with while connected, else null (replies then wait in the outbox). */
  sender(): WhatsAppSender | null {
    return this.open ? this.sock : null;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Resolves when every received message has been handed to the handler (tests, shutdown). */
  idle(): Promise<void> {
    return this.inbound;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.inbound;
    this.open = false;
    this.status = 'stopped';
    await this.sock?.end(undefined);
    this.sock = null;
  }

  private connect(): void {
    const sock = this.deps.makeSocket(this.deps.auth.state);
    this.sock = sock;
    this.status = this.deps.auth.state.creds.registered ? 'connecting' : 'waiting_for_pairing';
    sock.ev.on(
      'creds.update',
      () => void this.deps.auth.saveCreds().catch((e: Error) => this.deps.log.error({ err: e.message }, 'could not save WhatsApp credentials')),
    );
    sock.ev.on('connection.update', (u) => void this.onConnectionUpdate(sock, u));
    sock.ev.on('messages.upsert', ({ messages, type }) => {
      // 'append' is history sync from the phone, not new messages to answer.
      if (type !== 'notify') return;
      // One at a time, in arrival order, so one person's messages keep their order.
      for (const m of messages) this.inbound = this.inbound.then(() => this.onMessage(m));
    });
    sock.ev.on('lid-mapping.update', (mapping) => void this.link([mapping.pn, mapping.lid]));
  }

  private async onConnectionUpdate(sock: WhatsAppSocket, u: Partial<ConnectionState>): Promise<void> {
    if (sock !== this.sock) return; // an old socket's late event
    const log = this.deps.log;
    if (u.qr) {
      this.qr = u.qr;
      this.status = 'waiting_for_pairing';
      if (this.deps.pairingNumber && !this.pairingRequested) {
        this.pairingRequested = true;
        const code = await sock.requestPairingCode(this.deps.pairingNumber);
        this.deps.onPairingCode?.(code);
      } else {
        this.deps.onQr?.(u.qr);
      }
    }
    if (u.connection === 'open') {
      this.open = true;
      this.qr = null;
      this.attempts = 0;
      this.status = 'open';
      log.info('whatsapp connected');
      // Replies queued while we were offline go out now, in order.
      await this.deps.delivery.flushAll();
    }
    if (u.connection !== 'close') return;
    this.open = false;
    if (this.stopped) return;
    // Baileys closes with a Boom error whose output.statusCode is the DisconnectReason.
    const code = (u.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
    if (code === DisconnectReason.loggedOut) {
      this.status = 'logged_out';
      await this.deps.auth.clear();
      log.error(
        'whatsapp: this device was logged out from the phone. Restart stemmen and scan the new QR code (or set WHATSAPP_PAIRING_NUMBER) to pair again.',
      );
      return;
    }
    if (code === DisconnectReason.connectionReplaced) {
      this.status = 'replaced';
      log.error(
        'whatsapp: another session took over this account (connection replaced). Not reconnecting; stop the other stemmen or WhatsApp Web session and restart.',
      );
      return;
    }
    if (code === DisconnectReason.forbidden) {
      this.status = 'forbidden';
      log.error('whatsapp: the account was refused (forbidden). Check the phone for a ban or block notice.');
      return;
    }
    this.status = 'reconnecting';
    const delay = code === DisconnectReason.restartRequired ? 0 : this.backoffMs();
    log.warn({ code, delayMs: delay }, 'whatsapp disconnected; reconnecting');
    await (this.deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms))))(delay);
    if (!this.stopped) this.connect();
  }

  private backoffMs(): number {
    const { initialMs, maxMs } = this.deps.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    const base = Math.min(maxMs, initialMs * 2 ** this.attempts++);
    return Math.round(base / 2 + Math.random() * (base / 2));
  }

  /** Records that these JIDs are one person, so either maps to the same respondent. */
  private async link(jids: string[]): Promise<string> {
    const { pseudonyms, store } = this.deps;
    const keys = jids.map((j) => pseudonyms.aliasKey('whatsapp', j));
    return store.resolveIdentity('whatsapp', keys, (c) => pseudonyms.respondentId('whatsapp', c), new Date().toISOString());
  }

  private async onMessage(m: WAMessage): Promise<void> {
    let msg: ReturnType<typeof toInbound>;
    try {
      msg = toInbound(m);
    } catch (e) {
      const err = new ChannelError('unreadable', `whatsapp message could not be read: ${(e as Error).message}`, { cause: e });
      this.deps.log.error({ layer: err.layer, code: err.code, err: err.message }, 'whatsapp message dropped');
      return;
    }
    if (!msg) return;
    try {
      msg.identity = await this.link(msg.aliases ?? [msg.address]);
      await this.deps.inbound.receive(msg, { delivery: 'background' });
    } catch (e) {
      // Identity links or the boundary's own writes failed: the store is gone. WhatsApp does not redeliver.
      const code = toStoreError(e)?.code ?? 'unexpected';
      this.deps.log.fatal({ layer: 'store', code, err: (e as Error).message }, 'whatsapp message lost: neither stored nor parked');
    }
  }
}
