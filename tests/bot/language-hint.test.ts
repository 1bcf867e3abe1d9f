import { describe, expect, it } from 'vitest';
import { jidDigits, languagesForJids, languagesForNumber } from '../../bot/channels/language-hint.ts';
import { toInbound } from '../../bot/channels/whatsapp/inbound.ts';
import { text } from '../helpers/whatsapp.ts';

const ALL = ['en', 'nl', 'ar', 'fa', 'prs', 'ps', 'ckb', 'kmr', 'uk', 'ru', 'pl', 'ti', 'so', 'tr'];

describe('languages from a phone number', () => {
  it.each([
    ['+93701234567', ['prs', 'ps', 'fa']],
    ['+989121234567', ['fa']],
    ['+963944123456', ['ar', 'kmr']],
    ['+9647701234567', ['ar', 'ckb', 'kmr']],
    ['+380501234567', ['uk', 'ru']],
    ['+2917123456', ['ti', 'ar']],
    ['+252612345678', ['so']],
    ['+905321234567', ['tr', 'kmr']],
    ['+48512345678', ['pl']],
    ['+79161234567', ['ru']],
  ])('%s suggests %j', (number, want) => {
    expect(languagesForNumber(number, ALL)).toEqual(want);
  });

  it("keeps only the survey's languages, Dari falling back to Farsi", () => {
    expect(languagesForNumber('+93701234567', ['en', 'nl', 'ar', 'fa'])).toEqual(['fa']);
    expect(languagesForNumber('+9647701234567', ['en', 'ckb'])).toEqual(['ckb']);
  });

  it('suggests nothing for a host-country number, a LID or nonsense', () => {
    expect(languagesForNumber('+31612345678', ALL)).toEqual([]);
    expect(languagesForJids(['198765432109876@lid'], ALL)).toEqual([]);
    expect(languagesForNumber('12', ALL)).toEqual([]);
    expect(jidDigits('93701234567:4@s.whatsapp.net')).toBe('93701234567');
  });

  it('a Baileys message from +93 carries Dari and Pashto as hints, and not the number', () => {
    const m = toInbound(text('93701234567@s.whatsapp.net', 'سلام'))!;
    expect(m.languageHints).toEqual(['prs', 'ps', 'fa']);
    const lid = toInbound(text('198765432109876@lid', 'سلام', { remoteJidAlt: '93701234567@s.whatsapp.net' }))!;
    expect(lid.languageHints).toEqual(['prs', 'ps', 'fa']);
    expect(JSON.stringify(m.languageHints)).not.toContain('937');
  });
});
