/**
 * Real Baileys protocol objects for tests, and a socket whose events the test drives.
 */
import { EventEmitter } from 'node:events';
import { generateWAMessage, generateWAMessageFromContent, proto, type AuthenticationState, type WAMessage, type WAMessageKey } from '@whiskeysockets/baileys';
import type { SocketOptions, WhatsAppSocket } from '../../bot/channels/whatsapp/connection.ts';

let seq = 0;

/** A message as it comes off the wire: built with protobuf, encoded and decoded again. */
export function waMessage(jid: string, message: proto.IMessage, key: { id?: string; fromMe?: boolean; remoteJidAlt?: string } = {}): WAMessage {
  const created = proto.WebMessageInfo.create({
    key: { remoteJid: jid, id: key.id ?? `3A${String(++seq).padStart(16, '0')}`, fromMe: key.fromMe ?? false },
    message,
    messageTimestamp: 1_767_600_000 + seq,
  });
  const decoded = proto.WebMessageInfo.decode(proto.WebMessageInfo.encode(created).finish()) as WAMessage;
  // remoteJidAlt is not a protobuf field; Baileys adds it to the key when it knows the other form.
  if (key.remoteJidAlt) decoded.key = { ...decoded.key, remoteJidAlt: key.remoteJidAlt };
  return decoded;
}

export const text = (jid: string, t: string, key?: Parameters<typeof waMessage>[2]) => waMessage(jid, { conversation: t }, key);

export class FakeSocket implements WhatsAppSocket {
  readonly events = new EventEmitter();
  readonly ev = { on: (event: string, listener: (arg: unknown) => void) => void this.events.on(event, listener) } as unknown as WhatsAppSocket['ev'];
  readonly sent: Array<{ jid: string; content: Record<string, unknown>; options: Record<string, unknown> | undefined }> = [];
  /** Keys the connection sent read receipts for, in order. */
  readonly read: WAMessageKey[] = [];
  ended = false;
  failing = false;
  constructor(
    readonly auth: AuthenticationState,
    /** What the connection configured the socket with (getMessage, version, logger), as makeWASocket gets it. */
    readonly options?: SocketOptions,
  ) {}

  /** Answers what Baileys' sendMessage answers: the full WAMessage built by Baileys' own generator. */
  async sendMessage(jid: string, content: object, options?: object): Promise<WAMessage | undefined> {
    if (this.failing) throw new Error('Connection Closed');
    this.sent.push({ jid, content: content as Record<string, unknown>, options: options as Record<string, unknown> | undefined });
    const messageId = (options as { messageId?: string } | undefined)?.messageId;
    const userJid = '31600000000:1@s.whatsapp.net';
    const c = content as Record<string, unknown>;
    if (typeof c.text === 'string') {
      return generateWAMessage(jid, { text: c.text }, { userJid, ...(messageId ? { messageId } : {}), upload: async () => ({ mediaUrl: '', directPath: '' }) });
    }
    // Media: what the upload would have produced (a CDN reference and keys), plus the thumbnail Baileys embeds.
    const media = {
      url: 'https://mmg.whatsapp.net/v/t62.7117-24/x.enc',
      directPath: '/v/t62.7117-24/x.enc',
      mediaKey: new Uint8Array(32).fill(9),
      jpegThumbnail: new Uint8Array(64).fill(1),
    };
    const message: proto.IMessage = c.audio
      ? { audioMessage: { ...media, ptt: true, mimetype: 'audio/ogg; codecs=opus' } }
      : { videoMessage: { ...media, mimetype: 'video/mp4' } };
    return generateWAMessageFromContent(jid, message, { userJid, ...(messageId ? { messageId } : {}) });
  }
  async readMessages(keys: WAMessageKey[]): Promise<void> {
    if (this.failing) throw new Error('Connection Closed');
    this.read.push(...keys);
  }
  async requestPairingCode(): Promise<string> {
    return 'ABCD1234';
  }
  end(): void {
    this.ended = true;
  }
  emit(event: string, arg: unknown): void {
    this.events.emit(event, arg);
  }
  /** Delivers messages as Baileys does for new incoming ones. */
  receive(...messages: WAMessage[]): void {
    this.emit('messages.upsert', { type: 'notify', messages });
  }
  /** Delivers messages as Baileys does for ones that arrived while we were offline. */
  receiveOffline(...messages: WAMessage[]): void {
    this.emit('messages.upsert', { type: 'append', messages });
  }
  texts(jid?: string): string[] {
    return this.sent.filter((s) => !jid || s.jid === jid).map((s) => String(s.content.text ?? ''));
  }
}

export const closeWith = (statusCode: number) => ({
  connection: 'close',
  lastDisconnect: { error: Object.assign(new Error('closed'), { output: { statusCode } }), date: new Date() },
});
