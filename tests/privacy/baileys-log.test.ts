/**
 * Baileys' own log lines carry JIDs and phone numbers (`jid`, `from`, `participant`, `key`,
 * `sender`, `author`, and inside messages like `getLIDForPN: … → …`). The app hands Baileys a
 * masked logger; here the connection is driven with Baileys' real receive path — its
 * decryption of message stanzas and its LID-mapping store, logging at trace level through
 * the logger the connection gave the socket — and everything written is scanned for any form
 * of the respondents' addresses.
 */
import {
  addTransactionCapability,
  decryptMessageNode,
  makeCacheableSignalKeyStore,
  proto,
  type AuthenticationState,
  type BinaryNode,
} from '@whiskeysockets/baileys';
import { makeLibSignalRepository } from '@whiskeysockets/baileys/lib/Signal/libsignal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocketOptions } from '../../bot/channels/whatsapp/connection.ts';
import { maskAddresses } from '../../bot/channels/whatsapp/baileys-log.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { addressForms, captureLogs, describeHits, scanLogLines } from '../helpers/privacy.ts';
import { FakeSocket } from '../helpers/whatsapp.ts';

const PN = '31612345678@s.whatsapp.net';
const LID = '198765432109876@lid';
const ME = '31600000000:1@s.whatsapp.net';
const ME_LID = '100000000000001:1@lid';

/** A socket that turns wire stanzas into messages with Baileys' own decryption code and logger. */
class WireSocket extends FakeSocket {
  private readonly repository = makeLibSignalRepository(
    // As makeWASocket wraps them: cached, with transactions.
    {
      creds: this.auth.creds,
      keys: addTransactionCapability(makeCacheableSignalKeyStore(this.auth.keys, this.options!.logger), this.options!.logger, {
        maxCommitRetries: 3,
        delayBetweenTriesMs: 10,
      }),
    },
    this.options!.logger,
    async () => undefined, // no USync lookups: nobody on the far side
  );
  async deliver(stanza: BinaryNode): Promise<void> {
    const { fullMessage, decrypt } = decryptMessageNode(stanza, ME, ME_LID, this.repository, this.options!.logger);
    await decrypt();
    this.receive(fullMessage);
  }
  get lidMapping() {
    return this.repository.lidMapping;
  }
}

let app: TestApp;
let sock: WireSocket;
let lines: string[];
let n = 0;
const stanza = (from: string, content: BinaryNode[], attrs: Record<string, string> = {}): BinaryNode => ({
  tag: 'message',
  attrs: { from, id: `3A${String(++n).padStart(18, '0')}`, t: '1767600000', type: 'text', notify: 'Amal', ...attrs },
  content,
});
const plaintext = (text: string): BinaryNode => ({ tag: 'plaintext', attrs: {}, content: proto.Message.encode({ conversation: text }).finish() });

beforeAll(async () => {
  const captured = captureLogs('trace');
  lines = captured.lines;
  app = await startTestApp(
    { WHATSAPP_ENABLED: '1', TRYIT_ENABLED: '0', WHATSAPP_CHAT_GAP_MS: '0', WHATSAPP_PER_MINUTE: '600', LOG_LEVEL: 'trace', WHATSAPP_LOG_LEVEL: 'trace' },
    { logger: captured.logger, makeWhatsAppSocket: (auth: AuthenticationState, options: SocketOptions) => (sock = new WireSocket(auth, options)) },
  );
  sock.emit('connection.update', { connection: 'open' });
  const settle = async () => {
    await app.whatsapp!.connection.idle();
    await app.handler.idle();
  };
  // Plain messages through Baileys' decoder, answered by the survey.
  for (const text of ['hallo', '1', '1']) {
    await sock.deliver(stanza(PN, [plaintext(text)]));
    await settle();
  }
  // A message that cannot be decrypted (no Signal session), with the LID in the envelope.
  await sock.deliver(stanza(PN, [{ tag: 'enc', attrs: { v: '2', type: 'msg' }, content: new Uint8Array(40).fill(7) }], { sender_lid: LID }));
  await settle();
  // Baileys' LID-mapping store logs both forms, in objects and inside messages.
  await sock.lidMapping.storeLIDPNMappings([
    { lid: LID, pn: PN },
    { lid: 'not-a-lid', pn: PN },
  ]);
  await sock.lidMapping.getLIDForPN(PN);
  await sock.lidMapping.getPNForLID(LID);
  await sock.lidMapping.getLIDForPN('31687654321@s.whatsapp.net');
  sock.options!.logger.child({ jid: PN }).warn({ attrs: { from: PN, participant: LID }, user: '31612345678' }, `sending to ${PN}`);
});
afterAll(async () => {
  await app?.dispose();
});

describe("Baileys' log lines", () => {
  it('were written (the scan has something to scan): decryption failures and LID mappings', () => {
    const baileys = lines.filter((l) => l.includes('"module":"baileys"'));
    expect(baileys.length).toBeGreaterThan(5);
    expect(baileys.some((l) => l.includes('failed to decrypt message'))).toBe(true);
    expect(baileys.some((l) => /LID mapping|pn mappings/.test(l))).toBe(true);
    expect(baileys.some((l) => l.includes('***@s.whatsapp.net'))).toBe(true);
    expect(baileys.some((l) => l.includes('***@lid'))).toBe(true);
    // The survey answered the decoded messages: the connection was really driven.
    expect(sock.texts(PN).join('\n')).toMatch(/take part|When did you/);
  });

  it('hold no form of any address, at trace level', () => {
    const needles = [...new Set([PN, LID, '31687654321@s.whatsapp.net'].flatMap(addressForms))];
    const hits = scanLogLines(lines, needles);
    expect(hits, describeHits(hits)).toEqual([]);
  });

  it('mask JIDs of every server and long digit runs, and leave the rest', () => {
    expect(maskAddresses('to 31612345678:12@s.whatsapp.net, 1203630@g.us and 198765432109876@lid')).toBe('to ***@s.whatsapp.net, ***@g.us and ***@lid');
    expect(maskAddresses('session 31612345678.0, retry 2 of 5')).toBe('session ***.0, retry 2 of 5');
  });
});
