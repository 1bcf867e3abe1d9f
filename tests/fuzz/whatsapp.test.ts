/**
 * Fuzzing the WhatsApp inbound path: messages of every kind as real Baileys protobufs
 * (encoded and decoded as on the wire), with any text, any media fields, wrappers
 * (ephemeral, view-once, document-with-caption), protocol chatter and every kind of JID,
 * delivered through the app's WhatsApp connection.
 */
import type { AuthenticationState, WAMessage } from '@whiskeysockets/baileys';
import { proto } from '@whiskeysockets/baileys';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLocales } from '../../bot/i18n.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { toInbound } from '../../bot/channels/whatsapp/inbound.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { CaptureChannel } from '../helpers/capture.ts';
import { bareKey, scriptProblem } from '../helpers/language.ts';
import { captureLogs } from '../helpers/privacy.ts';
import { FakeSocket, waMessage } from '../helpers/whatsapp.ts';
import { nastyText } from './telegram-updates.ts';

interface Person {
  jid: string;
  lang: string | null;
}
/** Two people per language in the survey (phone-number JIDs and LIDs), and two who never chose. */
const LANGS = ['en', 'nl', 'ar', 'fa', 'uk', 'ti', 'so', 'tr'];
const people: Person[] = [
  ...LANGS.map((lang, i) => ({ jid: `3161234560${i}@s.whatsapp.net`, lang })),
  ...LANGS.map((lang, i) => ({ jid: `19876543210987${i}@lid`, lang })),
  { jid: '31612345690@s.whatsapp.net', lang: null },
  { jid: '198765432109890@lid', lang: null },
];

/** Where a fuzz run sends messages and finds replies. */
interface Wire {
  app: TestApp;
  logs: string[];
  deliver(m: WAMessage): Promise<void>;
  sent(): Array<{ jid: string; text: string }>;
}

/** The session language for a JID (via the contacts table: the only place the address is kept). */
async function sessionLanguage(app: TestApp, jid: string): Promise<string | null> {
  // By address while the contact is kept; a stopped or completed session has released it, so then by pseudonym.
  const row =
    (await app.db
      .selectFrom('contacts')
      .innerJoin('sessions', 'sessions.respondent_id', 'contacts.respondent_id')
      .select(['sessions.language', 'sessions.state'])
      .where('contacts.channel', '=', 'whatsapp')
      .where('contacts.address', '=', jid)
      .executeTakeFirst()) ??
    (await app.db
      .selectFrom('sessions')
      .select(['language', 'state'])
      .where('respondent_id', '=', app.handler.respondentIdFor('whatsapp', jid))
      .executeTakeFirst());
  if (!row) return null;
  return row.language ?? (JSON.parse(row.state) as { languageHint: string | null }).languageHint ?? 'en';
}

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const mediaFields = fc.record(
  {
    url: fc.option(fc.constant('https://mmg.whatsapp.net/v/x')),
    directPath: fc.option(fc.constant('/v/t62/x')),
    mediaKey: fc.oneof(bytes(32), bytes(31), fc.constant(null)),
    fileSha256: fc.option(bytes(32)),
    fileEncSha256: fc.option(bytes(32)),
    fileLength: fc.option(fc.nat(50_000_000)),
    mimetype: fc.option(fc.constantFrom('audio/ogg; codecs=opus', 'video/mp4', 'image/jpeg', 'application/pdf', '', 'x/y')),
    seconds: fc.option(fc.nat(3600)),
  },
  { requiredKeys: [] },
);

type Kind = { message: proto.IMessage | null; due: boolean; what: string };
const { Type } = proto.Message.ProtocolMessage;
const content: fc.Arbitrary<Kind> = fc.oneof(
  nastyText.map((t) => ({ message: { conversation: t }, due: true, what: 'conversation' })),
  nastyText.map((t) => ({
    message: { extendedTextMessage: { text: t, contextInfo: { stanzaId: 'x', participant: '31600000000@s.whatsapp.net' } } },
    due: true,
    what: 'extendedText',
  })),
  fc.tuple(mediaFields, fc.boolean()).map(([m, ptt]) => ({ message: { audioMessage: { ...m, ptt } }, due: true, what: ptt ? 'voice' : 'audio' })),
  fc.tuple(mediaFields, fc.option(nastyText)).map(([m, caption]) => ({ message: { videoMessage: { ...m, caption } }, due: true, what: 'video' })),
  mediaFields.map((m) => ({ message: { ptvMessage: m }, due: true, what: 'ptv' })),
  fc.tuple(mediaFields, fc.option(nastyText)).map(([m, caption]) => ({ message: { imageMessage: { ...m, caption } }, due: true, what: 'image' })),
  fc.tuple(mediaFields, fc.string()).map(([m, fileName]) => ({
    message: { documentWithCaptionMessage: { message: { documentMessage: { ...m, fileName } } } },
    due: true,
    what: 'documentWithCaption',
  })),
  mediaFields.map((m) => ({ message: { documentMessage: m }, due: true, what: 'document' })),
  fc.constantFrom<Kind>(
    { message: { stickerMessage: { mimetype: 'image/webp' } }, due: true, what: 'sticker' },
    { message: { locationMessage: { degreesLatitude: 52.37, degreesLongitude: 4.89 } }, due: true, what: 'location' },
    { message: { liveLocationMessage: { degreesLatitude: 1, degreesLongitude: 2 } }, due: true, what: 'liveLocation' },
    { message: { contactMessage: { displayName: 'B', vcard: 'BEGIN:VCARD\nTEL:+31699999999\nEND:VCARD' } }, due: true, what: 'contact' },
    { message: { contactsArrayMessage: { contacts: [{ displayName: 'B' }] } }, due: true, what: 'contactsArray' },
    { message: { reactionMessage: { key: { id: 'X' }, text: '👍' } }, due: true, what: 'reaction' },
    { message: { pollCreationMessageV3: { name: 'q', options: [{ optionName: 'a' }] } }, due: true, what: 'poll' },
    { message: { buttonsResponseMessage: { selectedButtonId: 'consent:yes' } }, due: true, what: 'buttonsResponse' },
    { message: { listResponseMessage: { title: 't' } }, due: true, what: 'listResponse' },
    { message: { protocolMessage: { type: Type.MESSAGE_EDIT, editedMessage: { conversation: 'changed' } } }, due: true, what: 'edit' },
    { message: { protocolMessage: { type: Type.REVOKE, key: { id: 'X' } } }, due: false, what: 'revoke' },
    { message: { senderKeyDistributionMessage: { groupId: 'g' } }, due: false, what: 'senderKeyDistribution' },
    { message: { pollUpdateMessage: { pollCreationMessageKey: { id: 'p' } } }, due: false, what: 'pollUpdate' },
    { message: {}, due: false, what: 'empty' },
    { message: null, due: false, what: 'no message' },
  ),
);
/** Wrappers WhatsApp puts around content (disappearing messages, view once). */
const wrapped: fc.Arbitrary<Kind> = fc
  .tuple(content, fc.constantFrom('none', 'ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2'))
  .map(([k, w]) => (w === 'none' || k.message === null ? k : { ...k, message: { [w]: { message: k.message } }, what: `${w}(${k.what})` }));

interface WaCase {
  jid: string;
  person: Person | undefined;
  message: proto.IMessage | null;
  fromMe: boolean;
  emptyId: boolean;
  due: boolean;
  what: string;
}
const waCase: fc.Arbitrary<WaCase> = fc
  .tuple(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...people).map((p) => p.jid) },
      { weight: 1, arbitrary: fc.constantFrom('120363000000000000@g.us', 'status@broadcast', '120363999999999999@newsletter', '0@s.whatsapp.net@x', '') },
    ),
    wrapped,
    fc.nat(20),
  )
  .map(([jid, k, roll]) => {
    const person = people.find((p) => p.jid === jid);
    const fromMe = roll === 0;
    const emptyId = roll === 1;
    return {
      jid,
      person,
      message: k.message,
      fromMe,
      emptyId,
      due: k.due && !!person && !fromMe && !emptyId,
      what: `${k.what} from ${jid}${fromMe ? ' (fromMe)' : ''}${emptyId ? ' (no id)' : ''}`,
    };
  });

/**
 * Onboards everyone (language by its number, consent for some), then feeds generated
 * messages and checks: nothing logged as an error, a reply to every person who is due one,
 * each in the session's language, none to anyone else.
 */
async function fuzz(w: Wire, numRuns: number, seed: number): Promise<void> {
  const { app } = w;
  const order = loadSurveyFile(app.config.surveyFile, readLocales(app.config.localesDir)).survey.languages;
  for (const p of people) {
    await w.deliver(waMessage(p.jid, { conversation: 'hi' }));
    if (!p.lang) continue;
    await w.deliver(waMessage(p.jid, { conversation: String(order.indexOf(p.lang) + 1) }));
    expect(await sessionLanguage(app, p.jid)).toBe(p.lang);
    if (!p.jid.endsWith('@lid')) await w.deliver(waMessage(p.jid, { conversation: '1' })); // LIDs stay at the consent question
  }
  const replied = new Set<string>();
  await fc.assert(
    fc.asyncProperty(waCase, async (c) => {
      const before = w.sent().length;
      const logged = w.logs.length;
      const lang0 = await sessionLanguage(app, c.jid);
      const m = waMessage(c.jid || 'x@s.whatsapp.net', c.message ?? {}, { fromMe: c.fromMe, ...(c.emptyId ? { id: '' } : {}) });
      if (c.message === null) delete (m as { message?: unknown }).message;
      if (!c.jid) m.key.remoteJid = '';
      await w.deliver(m);
      const errors = w.logs.slice(logged).filter((l) => (JSON.parse(l) as { level: number }).level >= 50);
      expect(errors, c.what).toEqual([]);
      const replies = w.sent().slice(before);
      if (!c.due) {
        expect(
          replies.filter((r) => r.jid === c.jid),
          c.what,
        ).toEqual([]);
        return;
      }
      // One input, one message (bot/conversation/turn.ts; the default pilot has no recorded prompts).
      expect(replies.length, `replies to ${c.what}`).toBe(1);
      const lang = (await sessionLanguage(app, c.jid)) ?? lang0 ?? 'en';
      for (const r of replies) {
        expect(r.jid).toBe(c.jid);
        expect(scriptProblem(r.text, lang), c.what).toBeNull();
        expect(bareKey(r.text), c.what).toBeNull();
      }
      replied.add(lang);
    }),
    { numRuns, seed },
  );
  // Not vacuous: people of every language got replies.
  expect([...replied].sort()).toEqual([...LANGS].sort());
}

describe('WhatsApp messages of every kind through toInbound and the inbound handler (real SQLite)', () => {
  let app: TestApp;
  let channel: CaptureChannel;
  let logs: string[];
  beforeEach(async () => {
    channel = new CaptureChannel('whatsapp');
    const captured = captureLogs('debug');
    logs = captured.lines;
    app = await startTestApp({ TRYIT_ENABLED: '0' }, { logger: captured.logger, channels: [channel] });
  });
  afterEach(async () => {
    await app.dispose();
  });

  it('never fails a message, and answers every person in their language', async () => {
    await fuzz(
      {
        app,
        logs,
        async deliver(m) {
          const msg = toInbound(m);
          if (msg) await app.handler.handle(msg);
        },
        sent: () => channel.sent.map((s) => ({ jid: s.address, text: s.message.text })),
      },
      400,
      20261126,
    );
  });
});

describe("WhatsApp messages of every kind through the app's Baileys connection", () => {
  let app: TestApp;
  let sockets: FakeSocket[];
  let logs: string[];
  beforeEach(async () => {
    sockets = [];
    const captured = captureLogs('debug');
    logs = captured.lines;
    app = await startTestApp(
      // The pacer's fastest allowed rate (600/min) bounds this run's length.
      { WHATSAPP_ENABLED: '1', TRYIT_ENABLED: '0', WHATSAPP_CHAT_GAP_MS: '0', WHATSAPP_PER_MINUTE: '600' },
      {
        logger: captured.logger,
        makeWhatsAppSocket: (auth: AuthenticationState) => {
          const s = new FakeSocket(auth);
          sockets.push(s);
          return s;
        },
      },
    );
    sockets.at(-1)!.emit('connection.update', { connection: 'open' });
  });
  afterEach(async () => {
    await app.dispose();
  });

  it('never fails a message, and answers every person in their language', async () => {
    const sock = sockets.at(-1)!;
    await fuzz(
      {
        app,
        logs,
        async deliver(m) {
          sock.receive(m);
          await app.whatsapp!.connection.idle();
          await app.handler.idle();
        },
        sent: () => sock.sent.map((s) => ({ jid: s.jid, text: String(s.content.text ?? s.content.caption ?? '') })),
      },
      40,
      20261127,
    );
  }, 60_000);
});
