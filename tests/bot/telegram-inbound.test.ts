import type { Message, Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { toInbound } from '../../bot/channels/telegram/inbound.ts';
import { INBOUND_CASES } from '../fixtures/inbound-cases.ts';

const from = { id: 4711, is_bot: false, first_name: 'A', language_code: 'ar' };
const chat = { id: 4711, type: 'private' as const, first_name: 'A' };
const base = { message_id: 7, date: 1_767_600_000, chat, from };
const msg = (extra: Partial<Message>): Update => ({ update_id: 1, message: { ...base, ...extra } as never });
const file = (id: string, size: number) => ({ file_id: id, file_unique_id: `U-${id}`, file_size: size });

const NATIVE: Record<string, Update> = {
  'plain text': msg({ text: 'Ik werk twee dagen' }),
  'Arabic text with digits': msg({ text: '٧' }),
  'start command with pilot code': msg({ text: '/start amsterdam-2026', entities: [{ type: 'bot_command', offset: 0, length: 6 }] }),
  'stop command': msg({ text: '/stop@stemmen_test_bot', entities: [{ type: 'bot_command', offset: 0, length: 22 }] }),
  'voice note': msg({ voice: { ...file('VOICE', 15_000), duration: 3, mime_type: 'audio/ogg' } }),
  'round video note': msg({ video_note: { ...file('NOTE', 90_000), length: 384, duration: 5 } }),
  'video with caption': msg({ video: { ...file('VIDEO', 500_000), width: 640, height: 360, duration: 12, mime_type: 'video/mp4' }, caption: 'my street' }),
  'audio file': msg({ audio: { ...file('AUDIO', 40_000), duration: 20, mime_type: 'audio/mpeg' } }),
  photo: msg({
    photo: [
      { ...file('PHOTO-S', 2_000), width: 90, height: 90 },
      { ...file('PHOTO-L', 80_000), width: 1280, height: 960 },
    ],
  }),
  document: msg({ document: { ...file('DOC', 1_000), mime_type: 'application/pdf', file_name: 'x.pdf' } }),
  sticker: msg({ sticker: { ...file('ST', 100), type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } }),
  location: msg({ location: { latitude: 52.37, longitude: 4.89 } }),
  contact: msg({ contact: { phone_number: '+31612345678', first_name: 'B' } }),
  poll: msg({
    poll: {
      id: 'p',
      question: 'q',
      options: [],
      total_voter_count: 0,
      is_closed: false,
      is_anonymous: true,
      type: 'regular',
      allows_multiple_answers: false,
    } as never,
  }),
  'edited message': { update_id: 1, edited_message: { ...base, text: 'changed', edit_date: 1_767_600_100 } as never },
  'group message': { update_id: 1, message: { ...base, chat: { id: -100, type: 'group', title: 'g' }, text: 'hi' } as never },
  'message from a bot': msg({ from: { ...from, is_bot: true }, text: 'beep' }),
};

describe('Telegram update → InboundMessage', () => {
  for (const c of INBOUND_CASES) {
    it(c.name, () => {
      const native = NATIVE[c.name];
      expect(native, `no Telegram fixture for "${c.name}"`).toBeDefined();
      const got = toInbound(native!);
      if (c.expected === null) return expect(got).toBeNull();
      expect(got?.content).toEqual(c.expected);
      expect(got).toMatchObject({ channel: 'telegram', address: '4711', languageHint: 'ar' });
    });
  }

  it('keys messages by chat message id (update ids may restart) and button taps by keyboard message and data', () => {
    expect(toInbound(msg({ text: 'x' }))?.messageId).toBe('m-7');
    const tap: Update = {
      update_id: 9,
      callback_query: { id: 'cbq-1', from, chat_instance: 'ci', data: 'a:q1:3', message: { ...base, message_id: 42, text: 'Q?' } as never },
    };
    expect(toInbound(tap)).toMatchObject({ messageId: 'kb-42-a:q1:3', content: { kind: 'button', data: 'a:q1:3' } });
  });

  it('ignores service messages and callbacks without data', () => {
    expect(toInbound(msg({ pinned_message: { ...base, text: 'x' } as never }))).toBeNull();
    expect(toInbound({ update_id: 3, callback_query: { id: 'c', from, chat_instance: 'ci', game_short_name: 'g' } })).toBeNull();
  });
});
