/**
 * The WhatsApp connection: one Baileys socket, paired by QR code or pairing code, kept
 * alive across disconnects, feeding the inbound handler.
 *
 * What happens on each disconnect reason (DisconnectReason in Baileys):
 * - loggedOut (401): the phone removed this device. Forget the keys and start a fresh socket,
 *   which shows a new QR code (or asks for a pairing code): pairing again needs no restart.
 * - connectionReplaced (440), forbidden (403), client too old (405), multidevice mismatch
 *   (411), bad session (500): stop, with a status and a log line that say what to do.
 *   Reconnecting would only repeat the refusal (or, for 440, make two sessions flap).
 * - restartRequired (515, normal right after pairing): reconnect at once.
 * - anything else (lost, closed, timed out, unavailable): reconnect with exponential backoff
 *   and jitter.
 * Messages that arrived while we were offline come as `append` upserts; they are answered
 * like new ones (the inbox drops what was already handled). A message is marked read only
 * after its answer was committed.
 * @module
 */
import {
  DisconnectReason,
  type AuthenticationState,
  type BaileysEventMap,
  type ConnectionState,
  type proto,
  type WAMessage,
  type WAMessageKey,
  type WAVersion,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { Pseudonymizer } from '../../../storage/pseudonym.ts';
import type { Store } from '../../../storage/store.ts';
import type { InboundReceiver } from '../boundary.ts';
import { ChannelError } from '../errors.ts';
import { toStoreError } from '../../../storage/errors.ts';
import type { Delivery } from '../../delivery/outbox.ts';
import type { BaileysLogger } from './baileys-log.ts';
import { toInbound } from './inbound.ts';
import type { WhatsAppSender } from './outbound.ts';
import type { VersionSource } from './version.ts';

/** The part of a Baileys socket we use; `makeWASocket` returns a superset. */
export interface WhatsAppSocket extends WhatsAppSender {
  ev: { on<E extends keyof BaileysEventMap>(event: E, listener: (arg: BaileysEventMap[E]) => void): void };
  requestPairingCode(phoneNumber: string): Promise<string>;
  /** Sends read receipts (blue ticks). */
  readMessages(keys: WAMessageKey[]): Promise<void>;
  end(error: Error | undefined): void | Promise<void>;
}

/** What the connection adds to the socket config besides the auth state. */
export interface SocketOptions {
  /** Baileys asks it for a message we sent when the recipient's phone requests a retry. */
  getMessage: (key: WAMessageKey) => Promise<proto.IMessage | undefined>;
  /** The WhatsApp Web version to announce; undefined: Baileys' built-in one. */
  version: WAVersion | undefined;
  /** Baileys' own logger, addresses masked. */
  logger: BaileysLogger;
}

export interface AuthStore {
  state: AuthenticationState;
  saveCreds: () => Promise<void>;
  clear: () => Promise<void>;
}

export type WhatsAppStatus =
  | 'connecting'
  | 'waiting_for_pairing'
  | 'open'
  | 'reconnecting'
  | 'logged_out'
  | 'replaced'
  | 'forbidden'
  | 'client_too_old'
  | 'multidevice_mismatch'
  | 'bad_session'
  | 'stopped';

/** Disconnects after which reconnecting cannot help: the status to show and what the operator should do. */
const STOPPING: Record<number, { status: WhatsAppStatus; problem: string }> = {
  [DisconnectReason.connectionReplaced]: {
    status: 'replaced',
    problem: 'another session took over this account (connection replaced, 440). Not reconnecting; stop the other stemmen or WhatsApp Web session and restart.',
  },
  [DisconnectReason.forbidden]: { status: 'forbidden', problem: 'the account was refused (forbidden, 403). Check the phone for a ban or block notice.' },
  405: {
    status: 'client_too_old',
    problem:
      'WhatsApp refused this client version (405). Not reconnecting; leave WHATSAPP_FETCH_VERSION=1 (the default) so stemmen asks web.whatsapp.com for the current version, make sure this server can reach it, or update stemmen (Baileys); then restart.',
  },
  [DisconnectReason.multideviceMismatch]: {
    status: 'multidevice_mismatch',
    problem:
      'WhatsApp reports a multi-device mismatch (411). Not reconnecting; on the phone remove this device (WhatsApp → Linked devices), then restart stemmen and pair again.',
  },
  [DisconnectReason.badSession]: {
    status: 'bad_session',
    problem:
      'the stored WhatsApp session is unusable (bad session, 500). Not reconnecting; on the phone remove this device (WhatsApp → Linked devices), which logs it out here, or restart stemmen; if it repeats, pair again.',
  },
};

export interface ConnectionDeps {
  /** Builds a socket on the given auth state (the composition root passes makeWASocket). */
  makeSocket: (auth: AuthenticationState, options: SocketOptions) => WhatsAppSocket;
  auth: AuthStore;
  /** A fresh login state after a logout (the old one is stale once cleared); without it, pairing again needs a restart. */
  reloadAuth?: () => Promise<AuthStore>;
  /** Baileys' `getMessage`: what we sent, by message id. */
  getMessage?: SocketOptions['getMessage'];
  /** The WhatsApp Web version for each new socket; without it, Baileys' built-in one. */
  version?: VersionSource;
  baileysLog?: BaileysLogger;
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
  /** What the operator must do after a disconnect that stopped the connection; null otherwise. */
  problem: string | null = null;
  /** The latest QR code while waiting for pairing. */
  qr: string | null = null;
  private sock: WhatsAppSocket | null = null;
  private auth: AuthStore;
  private open = false;
  private attempts = 0;
  private stopped = false;
  private pairingRequested = false;
  private inbound: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ConnectionDeps) {
    this.auth = deps.auth;
  }

  /** The socket to send with while connected, else null (replies then wait in the outbox). */
  sender(): WhatsAppSender | null {
    return this.open ? this.sock : null;
  }

  start(): void {
    this.stopped = false;
    this.problem = null;
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
    const { version } = this.deps;
    this.status = this.auth.state.creds.registered ? 'connecting' : 'waiting_for_pairing';
    // Without a version source the socket is made at once (tests drive it synchronously).
    if (!version) return this.openSocket(undefined);
    void version().then((v) => {
      if (!this.stopped) this.openSocket(v);
    });
  }

  private openSocket(version: WAVersion | undefined): void {
    const auth = this.auth;
    const sock = this.deps.makeSocket(auth.state, {
      getMessage: this.deps.getMessage ?? (async () => undefined),
      version,
      logger: this.deps.baileysLog ?? this.deps.log,
    });
    this.sock = sock;
    sock.ev.on('creds.update', () => {
      // A late event of a logged-out socket must not write its creds back.
      if (sock !== this.sock) return;
      void auth.saveCreds().catch((e: Error) => this.deps.log.error({ err: e.message }, 'could not save WhatsApp credentials'));
    });
    sock.ev.on('connection.update', (u) =>
      // A failed flush, pairing-code request or logout cleanup is logged, never an unhandled rejection.
      this.onConnectionUpdate(sock, u).catch((e: Error) => this.deps.log.error({ err: e.message }, 'whatsapp: handling a connection change failed')),
    );
    sock.ev.on('messages.upsert', ({ messages, type }) => {
      // 'notify': new messages; 'append': ones that arrived while we were offline (with
      // syncFullHistory off, no old history comes this way). Our own sends are skipped by toInbound.
      if (type !== 'notify' && type !== 'append') return;
      // One at a time, in arrival order, so one person's messages keep their order.
      for (const m of messages) this.inbound = this.inbound.then(() => this.onMessage(sock, m));
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
      this.problem = null;
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
    if (code === DisconnectReason.loggedOut) return this.afterLogout(sock);
    const stop = code === undefined ? undefined : STOPPING[code];
    if (stop) {
      this.status = stop.status;
      this.problem = stop.problem;
      log.error({ code }, `whatsapp: ${stop.problem}`);
      return;
    }
    this.status = 'reconnecting';
    const delay = code === DisconnectReason.restartRequired ? 0 : this.backoffMs();
    log.warn({ code, delayMs: delay }, 'whatsapp disconnected; reconnecting');
    await (this.deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms))))(delay);
    if (!this.stopped) this.connect();
  }

  /** The phone removed this device: forget its keys and pair again on a fresh socket. */
  private async afterLogout(sock: WhatsAppSocket): Promise<void> {
    const log = this.deps.log;
    this.status = 'logged_out';
    this.sock = null; // its late events (creds.update) are ignored from now on
    await sock.end(undefined);
    await this.auth.clear();
    if (!this.deps.reloadAuth) {
      this.problem = 'this device was logged out from the phone. Restart stemmen and pair again.';
      log.error(`whatsapp: ${this.problem}`);
      return;
    }
    log.error('whatsapp: this device was logged out from the phone. Scan the new QR code (or use WHATSAPP_PAIRING_NUMBER) to pair again.');
    this.auth = await this.deps.reloadAuth();
    this.pairingRequested = false;
    this.attempts = 0;
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

  private async onMessage(sock: WhatsAppSocket, m: WAMessage): Promise<void> {
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
      const outcome = await this.deps.inbound.receive(msg, { delivery: 'background' });
      // Read receipts only for what is committed ('duplicate': committed before); a parked
      // message stays unread.
      if (outcome !== 'parked') await this.markRead(sock, m.key);
    } catch (e) {
      // Identity links or the boundary's own writes failed: the store is gone. WhatsApp does not redeliver.
      const code = toStoreError(e)?.code ?? 'unexpected';
      this.deps.log.fatal({ layer: 'store', code, err: (e as Error).message }, 'whatsapp message lost: neither stored nor parked');
    }
  }

  private async markRead(sock: WhatsAppSocket, key: WAMessageKey): Promise<void> {
    try {
      await sock.readMessages([key]);
    } catch (e) {
      // A closed socket cannot send receipts; the answer is stored, which is what counts.
      this.deps.log.debug({ err: (e as Error).message }, 'whatsapp: could not mark a message read');
    }
  }
}
