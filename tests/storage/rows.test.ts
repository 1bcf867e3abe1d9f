import { describe, expect, it } from 'vitest';
import { answerValueFromRow, answerValueToRow, channelFromRow } from '../../storage/rows.ts';
import type { AnswerValue } from '../../surveys/engine/types.ts';

describe('row mappers', () => {
  it('puts each answer kind in its own columns and reads it back', () => {
    const media = { kind: 'voice' as const, fileRef: 'AgAD', mimeType: 'audio/ogg', durationSeconds: 4 };
    const cases: Array<[AnswerValue, Record<string, unknown>]> = [
      [{ kind: 'number', number: 7 }, { value_number: 7 }],
      [{ kind: 'choices', choices: ['sport', 'music'] }, { value_choices: '["sport","music"]' }],
      [{ kind: 'date', date: '2019-04' }, { value_date: '2019-04' }],
      [{ kind: 'text', text: 'سلام' }, { value_text: 'سلام' }],
      [
        { kind: 'media', media, caption: 'my flat' },
        { value_text: 'my flat', media_kind: 'voice', media_ref: JSON.stringify(media) },
      ],
      [{ kind: 'skipped' }, { skipped: 1 }],
    ];
    for (const [value, columns] of cases) {
      const row = answerValueToRow(value);
      expect(row).toEqual({
        value_number: null,
        value_choices: null,
        value_text: null,
        value_date: null,
        skipped: 0,
        media_kind: null,
        media_ref: null,
        ...columns,
      });
      expect(answerValueFromRow(row)).toEqual(value);
    }
  });

  it('names a corrupt row instead of guessing', () => {
    expect(() => answerValueFromRow({ ...answerValueToRow({ kind: 'number', number: 1 }), value_number: null })).toThrow('no value in any value column');
    expect(() => channelFromRow('sms')).toThrow('unknown channel "sms"');
    expect(channelFromRow('whatsapp')).toBe('whatsapp');
  });
});
