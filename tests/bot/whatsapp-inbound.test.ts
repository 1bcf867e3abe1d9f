import { proto } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { toInbound } from '../../bot/channels/whatsapp/inbound.ts';
import { decodeMediaHandle } from '../../bot/channels/whatsapp/media.ts';
import { withNumberedOptions } from '../../bot/channels/whatsapp/outbound.ts';
import { Pacer } from '../../bot/channels/pacer.ts';
import { INBOUND_CASES } from '../fixtures/inbound-cases.ts';
import { waMessage } from '../helpers/whatsapp.ts';

const PN = '31612345678@s.whatsapp.net';
const key = new Uint8Array(32).fill(7);
const media = (over: Record<string, unknown>) => ({
  url: 'https://mmg.whatsapp.net/x',
  mediaKey: key,
  fileSha256: new Uint8Array(32).fill(1),
  fileEncSha256: new Uint8Array(32).fill(2),
  ...over,
});

/** The WhatsApp message for each contract case. Commands arrive as typed text on WhatsApp. */
const NATIVE: Record<string, ReturnType<typeof waMessage>> = {
  'plain text': waMessage(PN, { conversation: 'Ik werk twee dagen' }),
  'Arabic text with digits': waMessage(PN, { extendedTextMessage: { text: '٧' } }),
  'start command with pilot code': waMessage(PN, { conversation: '/start amsterdam-2026' }),
  'stop command': waMessage(PN, { conversation: '/stop' }),
  'voice note': waMessage(PN, { audioMessage: media({ ptt: true, seconds: 3, mimetype: 'audio/ogg', fileLength: 15_000 }) }),
  'round video note': waMessage(PN, { ptvMessage: media({ seconds: 5, mimetype: 'video/mp4', fileLength: 90_000 }) }),
  'video with caption': waMessage(PN, { videoMessage: media({ seconds: 12, mimetype: 'video/mp4', fileLength: 500_000, caption: 'my street' }) }),
  'audio file': waMessage(PN, { audioMessage: media({ ptt: false, seconds: 20, mimetype: 'audio/mpeg', fileLength: 40_000 }) }),
  photo: waMessage(PN, { imageMessage: media({ mimetype: 'image/jpeg', fileLength: 80_000 }) }),
  document: waMessage(PN, {
    documentWithCaptionMessage: { message: { documentMessage: media({ mimetype: 'application/pdf', fileLength: 1_000, fileName: 'x.pdf' }) } },
  }),
  sticker: waMessage(PN, { stickerMessage: media({ mimetype: 'image/webp' }) }),
  location: waMessage(PN, { locationMessage: { degreesLatitude: 52.37, degreesLongitude: 4.89 } }),
  contact: waMessage(PN, { contactMessage: { displayName: 'B', vcard: 'BEGIN:VCARD\nTEL:+31612345679\nEND:VCARD' } }),
  poll: waMessage(PN, { pollCreationMessageV3: { name: 'q', options: [{ optionName: 'a' }] } }),
  'edited message': waMessage(PN, { protocolMessage: { type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT, editedMessage: { conversation: 'changed' } } }),
  'group message': waMessage('120363000000000000@g.us', { conversation: 'hi' }),
  'message from a bot': waMessage(PN, { conversation: 'our own echo' }, { fromMe: true }),
};
const COMMAND_AS_TEXT = new Set(['start command with pilot code', 'stop command']);

describe('WhatsApp message → InboundMessage (shared contract with Telegram)', () => {
  for (const c of INBOUND_CASES) {
    it(c.name, () => {
      const native = NATIVE[c.name];
      expect(native, `no WhatsApp fixture for "${c.name}"`).toBeDefined();
      const got = toInbound(native!);
      if (c.expected === null) return expect(got).toBeNull();
      expect(got).toMatchObject({ channel: 'whatsapp', address: PN, aliases: [PN] });
      const want = c.expected;
      if (COMMAND_AS_TEXT.has(c.name) && want.kind === 'command') {
        // No command entities on WhatsApp: the inbound handler reads "/stop" like any typed command.
        return expect(got!.content).toEqual({ kind: 'text', text: `/${want.command}${want.arg ? ` ${want.arg}` : ''}` });
      }
      if (want.kind === 'media' && got!.content.kind === 'media') {
        const { fileRef, uniqueId, ...rest } = got!.content.media;
        const { fileRef: _f, uniqueId: _u, ...wanted } = want.media;
        expect(rest).toEqual(wanted);
        expect(got!.content.caption).toEqual(want.caption);
        const handle = decodeMediaHandle(fileRef);
        expect(handle.mediaKey).toBe(Buffer.from(key).toString('base64'));
        expect(fileRef).not.toContain('31612345678');
        expect(uniqueId).toBe(Buffer.from(new Uint8Array(32).fill(1)).toString('base64'));
        return;
      }
      expect(got!.content).toEqual(want);
    });
  }

  it('ignores status broadcasts, newsletters and revoked messages; unwraps view-once and ephemeral', () => {
    expect(toInbound(waMessage('status@broadcast', { conversation: 'story' }))).toBeNull();
    expect(toInbound(waMessage('1203630000@newsletter', { conversation: 'news' }))).toBeNull();
    expect(toInbound(waMessage(PN, { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE, key: { id: 'X' } } }))).toBeNull();
    expect(toInbound(waMessage(PN, { ephemeralMessage: { message: { extendedTextMessage: { text: 'hallo' } } } }))?.content).toEqual({
      kind: 'text',
      text: 'hallo',
    });
    const once = toInbound(waMessage(PN, { viewOnceMessageV2: { message: { imageMessage: media({ mimetype: 'image/jpeg' }) } } }));
    expect(once?.content).toMatchObject({ kind: 'media', media: { kind: 'image' } });
    expect(toInbound(waMessage(PN, { reactionMessage: { text: '👍', key: { id: 'Y' } } }))?.content).toEqual({ kind: 'unsupported', what: 'reaction' });
  });

  it('keeps both forms of the sender and replies to the one the message came from', () => {
    const lid = '123456789012345@lid';
    const got = toInbound(waMessage(lid, { conversation: 'x' }, { remoteJidAlt: PN }));
    expect(got).toMatchObject({ address: lid, aliases: [lid, PN] });
  });
});

describe('WhatsApp rendering', () => {
  const msg = (buttons: Array<Array<{ label: string; data: string }>>) => ({ text: 'Q?', language: 'ar', dir: 'rtl' as const, buttons });
  it('numbers choices in the order the engine reads them, and offers SKIP as a word', () => {
    expect(
      withNumberedOptions(
        msg([
          [
            { label: 'نعم', data: 'a:q:yes' },
            { label: 'لا', data: 'a:q:no' },
          ],
          [{ label: 'تخطي', data: 'skip:q' }],
        ]),
        'تخطي',
      ),
    ).toBe('Q?\n\n1. نعم\n2. لا\n\nتخطي: تخطي');
  });
  it('lists no numbers for a scale (the number is the answer) and no Done for multi-choice', () => {
    const scale = [[0, 1, 2].map((v) => ({ label: String(v), data: `a:s:${v}` }))];
    expect(withNumberedOptions(msg(scale), 'SKIP')).toBe('Q?');
    expect(withNumberedOptions(msg([[{ label: 'a', data: 'm:q:a' }], [{ label: 'b', data: 'm:q:b' }], [{ label: 'Done', data: 'md:q' }]]), 'SKIP')).toBe(
      'Q?\n\n1. a\n2. b',
    );
  });
});

describe('WhatsApp pacing', () => {
  it('spaces sends per chat and overall, without making other chats wait behind one', async () => {
    let now = 0;
    const slept: number[] = [];
    const pacer = new Pacer({
      perChatGapMs: 1500,
      perMinute: 60,
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    await pacer.wait('a'); // t=0
    await pacer.wait('a'); // per-chat gap: 1500
    await pacer.wait('b'); // global gap after a's 1500 → 2500
    now = 10_000;
    await pacer.wait('c'); // free again
    expect(slept).toEqual([1500, 2500]);
  });
});
