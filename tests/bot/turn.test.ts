import { describe, expect, it } from 'vitest';
import { foldTurn } from '../../bot/conversation/turn.ts';
import type { Message } from '../../surveys/engine/types.ts';

const say = (key: string, extra: Partial<Message> = {}): Message => ({ parts: [{ ns: 'bot', key }], ...extra });
const keys = (m: Message) => m.parts.map((p) => ('key' in p ? p.key : p.literal));
const buttons = [[{ label: { literal: '1' }, data: 'a:q1:1' }]];

describe('foldTurn: one input, one message', () => {
  it('folds an acknowledgement into the next question, keeping its buttons and prompt', () => {
    const q = say('q2', { buttons, media: { form: 'audio', file: 'en/q2.ogg' } });
    const [only, ...rest] = foldTurn([say('common.skipped'), q], 'en');
    expect(rest).toEqual([]);
    expect(keys(only!)).toEqual(['common.skipped', 'q2']);
    expect(only!.buttons).toEqual(buttons);
    expect(only!.media).toEqual({ form: 'audio', file: 'en/q2.ogg' });
  });

  it('folds several texts in a row (thanks, a note, the first question)', () => {
    const turn = foldTurn([say('consent.thanks'), say('note'), say('q1', { buttons })], 'en');
    expect(turn.map(keys)).toEqual([['consent.thanks', 'note', 'q1']]);
  });

  it('folds a closing text into the message before it, after its text', () => {
    const turn = foldTurn([say('q1', { buttons }), say('hint')], 'en');
    expect(turn.map(keys)).toEqual([['q1', 'hint']]);
    expect(turn[0]!.buttons).toEqual(buttons);
  });

  it('keeps two keyboards, two recorded prompts and two languages apart', () => {
    expect(foldTurn([say('a', { buttons }), say('b', { buttons })], 'en')).toHaveLength(2);
    const note = say('note', { media: { form: 'video', file: 'n.mp4' } });
    expect(foldTurn([note, say('q', { media: { form: 'video', file: 'q.mp4' } })], 'en')).toHaveLength(2);
    // The language prompt names its language; a text in the session's other language stays apart.
    expect(foldTurn([say('stale'), say('language.choose', { buttons, language: 'ar' })], 'en')).toHaveLength(2);
    expect(foldTurn([say('stale'), say('language.choose', { buttons, language: 'en' })], 'en')).toHaveLength(1);
  });

  it('keeps a redraw a redraw only when nothing joins it', () => {
    const redraw = say('q', { buttons, redraw: true });
    expect(foldTurn([redraw], 'en')).toEqual([redraw]);
    const [joined] = foldTurn([say('welcome_back'), redraw], 'en');
    expect(keys(joined!)).toEqual(['welcome_back', 'q']);
    expect(joined!.redraw).toBeUndefined();
    // A text after a redraw does not go into the edited message.
    expect(foldTurn([redraw, say('x')], 'en')).toEqual([redraw, say('x')]);
  });

  it('leaves a single message as it is, and an empty turn empty', () => {
    expect(foldTurn([say('stop.done')], 'en')).toEqual([say('stop.done')]);
    expect(foldTurn([], 'en')).toEqual([]);
  });
});
