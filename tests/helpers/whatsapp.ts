/**
 * Real Baileys protocol objects for tests, and a socket whose events the test drives.
 */
import { EventEmitter } from 'node:events';
import { proto, type AuthenticationState, type WAMessage } from '@whiskeysockets/baileys';
import type { WhatsAppSocket } from '../../bot/channels/whatsapp/connection.ts';

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
  ended = false;
  failing = false;
  constructor(readonly auth: AuthenticationState) {}

  async sendMessage(jid: string, content: object, options?: object): Promise<unknown> {
    if (this.failing) throw new Error('Connection Closed');
    this.sent.push({ jid, content: content as Record<string, unknown>, options: options as Record<string, unknown> | undefined });
    return {};
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
  texts(jid?: string): string[] {
    return this.sent.filter((s) => !jid || s.jid === jid).map((s) => String(s.content.text ?? ''));
  }
}

export const closeWith = (statusCode: number) => ({
  connection: 'close',
  lastDisconnect: { error: Object.assign(new Error('closed'), { output: { statusCode } }), date: new Date() },
});
