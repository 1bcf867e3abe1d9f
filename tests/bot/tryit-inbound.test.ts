import { describe, expect, it } from 'vitest';
import { mediaToInbound, parseTryitBody, parseTryitMediaQuery, toInbound, type TryitBody } from '../../bot/channels/tryit/inbound.ts';
import { INBOUND_CASES } from '../fixtures/inbound-cases.ts';

const token = 'tok_0123456789abcdef';
const req = (extra: Partial<TryitBody>): TryitBody => ({ token, messageId: 'c-1', languageHint: 'ar', ...extra });

/**
 * The try-it body for each contract case. The page has a text box, the question's buttons and a
 * command toolbar; stickers, groups and bots cannot come from it (`unsendable`). Its voice
 * recordings and videos come as uploads (a raw body), mapped by `mediaToInbound` (below); the
 * table's media cases carry another channel's handle and metadata, so they are unsendable here.
 */
const NATIVE: Record<string, TryitBody | 'unsendable'> = {
  'plain text': req({ text: 'Ik werk twee dagen' }),
  'Arabic text with digits': req({ text: '٧' }),
  'start command with pilot code': req({ command: '/start amsterdam-2026' }),
  'stop command': req({ command: 'stop' }),
  'voice note': 'unsendable',
  'round video note': 'unsendable',
  'video with caption': 'unsendable',
  'audio file': 'unsendable',
  photo: 'unsendable',
  document: 'unsendable',
  sticker: 'unsendable',
  location: 'unsendable',
  contact: 'unsendable',
  poll: 'unsendable',
  'edited message': 'unsendable',
  'group message': 'unsendable',
  'message from a bot': 'unsendable',
};

describe('try-it request body → InboundMessage', () => {
  for (const c of INBOUND_CASES) {
    it(c.name, () => {
      const native = NATIVE[c.name];
      expect(native, `no try-it fixture for "${c.name}"`).toBeDefined();
      if (native === 'unsendable') return expect(c.expected === null || c.expected.kind === 'media' || c.expected.kind === 'unsupported').toBe(true);
      const got = toInbound(native!, '2026-12-02T10:00:00.000Z');
      expect(got.content).toEqual(c.expected);
      expect(got).toMatchObject({ channel: 'tryit', address: token, messageId: 'c-1', languageHint: 'ar', receivedAt: '2026-12-02T10:00:00.000Z' });
    });
  }

  it('maps a button tap to its data, and a body with neither text nor button to empty text', () => {
    expect(toInbound(req({ button: 'a:q1:3' }), '2026-12-02T10:00:00.000Z').content).toEqual({ kind: 'button', data: 'a:q1:3' });
    expect(toInbound(req({}), '2026-12-02T10:00:00.000Z').content).toEqual({ kind: 'text', text: '' });
  });

  it('says which field is wrong in a bad body', () => {
    expect(parseTryitBody({ token: 'short', messageId: '' })).toEqual({
      ok: false,
      error: 'token: token must be 16–64 letters, digits, _ or -; messageId: Too small: expected string to have >=1 characters',
    });
    expect(parseTryitBody({ token, messageId: 'm', text: 'hi' })).toEqual({ ok: true, body: { token, messageId: 'm', text: 'hi' } });
  });
});

describe('try-it upload → InboundMessage', () => {
  it('maps a recording kept in the inbox to a media answer, like a Telegram voice note', () => {
    const q = parseTryitMediaQuery({ token, messageId: 'rec-1', kind: 'voice', languageHint: 'ar' });
    expect(q.ok).toBe(true);
    if (!q.ok) return;
    const got = mediaToInbound(q.query, { id: '0b5c2c43-8c2e-4e43-9d0b-5d1f8e9f3a11', bytes: 15_000, mimeType: 'audio/webm' }, '2026-12-02T10:00:00.000Z');
    expect(got).toEqual({
      channel: 'tryit',
      address: token,
      messageId: 'rec-1',
      receivedAt: '2026-12-02T10:00:00.000Z',
      languageHint: 'ar',
      content: { kind: 'media', media: { kind: 'voice', fileRef: '0b5c2c43-8c2e-4e43-9d0b-5d1f8e9f3a11', size: 15_000, mimeType: 'audio/webm' } },
    });
  });

  it('takes only voice and video, with a token and a message id', () => {
    expect(parseTryitMediaQuery({ token, messageId: 'x', kind: 'video' }).ok).toBe(true);
    const bad = parseTryitMediaQuery({ token: 'short', messageId: '', kind: 'image' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^token: .*; messageId: .*; kind: /);
  });
});
