import { join } from 'node:path';
import type { AuthenticationState } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../bot/channels/pacer.ts';
import { WhatsAppChannel } from '../../bot/channels/whatsapp/outbound.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { ROOT } from '../helpers/app.ts';
import { FakeSocket } from '../helpers/whatsapp.ts';

const i18n = createI18n(readLocales(join(ROOT, 'locales')));
const JID = '31612345678@s.whatsapp.net';

function channel(): { sock: FakeSocket; wa: WhatsAppChannel } {
  const sock = new FakeSocket({} as AuthenticationState);
  return { sock, wa: new WhatsAppChannel({ sender: () => sock }, new Pacer({ perChatGapMs: 0, perMinute: 60_000 }), i18n) };
}
const question = { text: 'Question 3 of 10\n\nHow is your home?', language: 'en', dir: 'ltr' as const, buttons: [[{ label: 'Good', data: 'a:q3:good' }]] };

describe('WhatsApp outbound: one message per turn where WhatsApp allows', () => {
  it('sends a video prompt with the question (and its numbered options) as the caption', async () => {
    const { sock, wa } = channel();
    await wa.send(JID, { ...question, media: { form: 'video', file: '/prompts/en/q3.mp4' } }, { id: 'row-1' });
    expect(sock.sent).toHaveLength(1);
    expect(sock.sent[0]!.content).toMatchObject({ video: { url: '/prompts/en/q3.mp4' }, caption: 'Question 3 of 10\n\nHow is your home?\n\n1. Good' });
  });

  it('sends the question after a voice note, a round video, or a video whose caption would be too long', async () => {
    const { sock, wa } = channel();
    await wa.send(JID, { ...question, media: { form: 'audio', file: '/p/q3.ogg' } }, { id: 'row-2' });
    await wa.send(JID, { ...question, media: { form: 'video', file: '/p/q3.round.mp4' } }, { id: 'row-3' });
    await wa.send(JID, { ...question, text: 'x'.repeat(1100), media: { form: 'video', file: '/p/q3.mp4' } }, { id: 'row-4' });
    expect(sock.sent.map((s) => Object.keys(s.content).find((k) => ['audio', 'video', 'text'].includes(k)))).toEqual([
      'audio',
      'text',
      'video',
      'text',
      'video',
      'text',
    ]);
    expect(sock.sent[2]!.content).toMatchObject({ ptv: true });
    expect(sock.sent.every((s) => s.content.caption === undefined)).toBe(true);
  });
});
