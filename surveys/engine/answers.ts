/**
 * Turning one input into an answer to one question: success, or an issue with a code.
 *
 * Never throws for bad input; the issue code is rendered in the respondent's language.
 * @module
 */
import type { ChoiceQuestion, NumberQuestion, Question, ScaleQuestion } from '../model.ts';
import type { AnswerIssue, AnswerValue, Modality, RespondentInput } from './types.ts';
import { cleanText, compareDates, hasNoWords, parseDate, parseNumber, parseNumberList } from './text.ts';

export interface ParsedAnswer {
  value: AnswerValue;
  modality: Modality;
}

export type ParseResult = { ok: true; answer: ParsedAnswer } | { ok: false; issue: AnswerIssue };

const ok = (value: AnswerValue, modality: Modality): ParseResult => ({ ok: true, answer: { value, modality } });
const fail = (code: AnswerIssue['code'], params?: AnswerIssue['params']): ParseResult =>
  params ? { ok: false, issue: { code, params } } : { ok: false, issue: { code } };

function numeric(q: ScaleQuestion | NumberQuestion, n: number, modality: Modality): ParseResult {
  const integer = q.type === 'scale' || q.integer;
  if (integer && !Number.isInteger(n)) return fail('not_integer');
  if ((q.min !== null && n < q.min) || (q.max !== null && n > q.max)) {
    return fail('out_of_range', { min: q.min ?? '−∞', max: q.max ?? '∞' });
  }
  return ok({ kind: 'number', number: n }, modality);
}

function choiceByNumber(q: ChoiceQuestion, n: number): string | null {
  return Number.isInteger(n) && n >= 1 && n <= q.choices.length ? q.choices[n - 1]!.id : null;
}

/** Parses `input` as an answer to `q`. A button tap arrives as the value it stands for (see ./buttons.ts). */
export function parseAnswer(q: Question, input: RespondentInput): ParseResult {
  if (input.kind === 'media') {
    if ((q.type === 'text' && q.acceptMedia) || q.type === 'media') {
      if (q.accept.includes(input.media.kind)) {
        return ok({ kind: 'media', media: input.media, caption: input.caption ? cleanText(input.caption) : null }, input.media.kind);
      }
      return fail('media_not_accepted');
    }
    return fail('media_not_expected');
  }
  if (input.kind === 'unsupported') return fail('unsupported', { what: input.what });
  if (input.kind === 'command') return fail('unsupported', { what: 'command' });

  const fromButton = input.kind === 'button';
  const raw = fromButton ? input.data : cleanText(input.text);
  const modality: Modality = fromButton ? 'button' : 'text';
  if (raw === '') return fail('empty');

  switch (q.type) {
    case 'scale':
    case 'number': {
      const n = parseNumber(raw);
      if (n === null) return fail('not_a_number', { min: q.min ?? '', max: q.max ?? '' });
      return numeric(q, n, modality);
    }
    case 'single':
    case 'yesno': {
      const byId = q.choices.find((c) => c.id === raw);
      if (byId) return ok({ kind: 'choices', choices: [byId.id] }, modality);
      const n = parseNumber(raw);
      const id = n === null ? null : choiceByNumber(q, n);
      return id ? ok({ kind: 'choices', choices: [id] }, modality) : fail('not_a_choice', { count: q.choices.length });
    }
    case 'multi': {
      const nums = parseNumberList(raw);
      const ids = nums ? nums.map((n) => choiceByNumber(q, n)) : raw.split(',').map((s) => q.choices.find((c) => c.id === s.trim())?.id ?? null);
      if (ids.some((x) => x === null)) return fail('not_a_choice', { count: q.choices.length });
      const unique = [...new Set(ids as string[])];
      if (unique.length < q.minSelected) return fail('select_more', { min: q.minSelected });
      if (q.maxSelected !== null && unique.length > q.maxSelected) return fail('select_fewer', { max: q.maxSelected });
      return ok({ kind: 'choices', choices: unique }, modality);
    }
    case 'date': {
      const d = parseDate(raw);
      if (d === null) return fail('not_a_date');
      if ((q.min && compareDates(d, q.min) < 0) || (q.max && compareDates(d, q.max) > 0)) {
        return fail('date_out_of_range', { min: q.min ?? '', max: q.max ?? '' });
      }
      return ok({ kind: 'date', date: d }, modality);
    }
    case 'text': {
      if (raw.length > q.maxLength) return fail('too_long', { max: q.maxLength, length: raw.length });
      return ok({ kind: 'text', text: raw }, modality);
    }
    case 'media': {
      if (!q.allowText) return fail('expects_media');
      if (hasNoWords(raw)) return fail('expects_media');
      if (raw.length > q.maxLength) return fail('too_long', { max: q.maxLength, length: raw.length });
      return ok({ kind: 'text', text: raw }, modality);
    }
    case 'note':
      // Never asked (notes are shown and passed), so never recorded; kept for a total switch.
      return ok({ kind: 'skipped' }, 'none');
  }
}
