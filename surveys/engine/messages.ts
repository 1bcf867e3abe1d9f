/**
 * Builders for the messages the engine emits. Untranslated: texts are keys, rendered later.
 * @module
 */
import type { PromptForm, Question, Survey } from '../model.ts';
import { endonym } from '../languages.ts';
import { encodeButton as enc, type YesNo } from './buttons.ts';
import type { Button, Literal, Message, SessionState, Text } from './types.ts';

export const bot = (key: string, params?: Text['params']): Text => (params ? { ns: 'bot', key, params } : { ns: 'bot', key });
/** A survey text key; `bot:` / `indicators:` prefixes point into those namespaces instead. */
export const surveyText = (key: string, params?: Text['params']): Text => {
  const m = key.match(/^(bot|indicators):(.*)$/);
  const ns = (m ? m[1] : 'survey') as Text['ns'];
  return params ? { ns, key: m ? m[2]! : key, params } : { ns, key: m ? m[2]! : key };
};
export const indicatorName = (id: string): Text => ({ ns: 'indicators', key: `${id}.name` });
const lit = (literal: string): Literal => ({ literal });
const msg = (parts: Message['parts'], buttons?: Button[][]): Message => (buttons ? { parts, buttons } : { parts });
const yesNo = (data: (answer: YesNo) => string): Button[][] => [
  [
    { label: bot('common.yes'), data: data('yes') },
    { label: bot('common.no'), data: data('no') },
  ],
];

/** Splits buttons into rows of at most `width`. */
function rows(buttons: Button[], width: number): Button[][] {
  const out: Button[][] = [];
  for (let i = 0; i < buttons.length; i += width) out.push(buttons.slice(i, i + width));
  return out;
}

export function languageMessage(survey: Survey, suggested: string | null): Message {
  const ordered = suggested ? [suggested, ...survey.languages.filter((l) => l !== suggested)] : survey.languages;
  const buttons = ordered.map((l) => ({ label: lit(endonym(l)), data: enc({ kind: 'language', lng: l }) }));
  return { parts: [bot('language.choose')], buttons: rows(buttons, 2), language: suggested ?? survey.defaultLanguage };
}

/** Consent to take part; someone who consented to an older version gets "the terms changed" instead of the intro. */
export function consentMessage(survey: Survey, state?: SessionState): Message {
  const again = state !== undefined && state.consentVersion !== null && state.consentVersion < survey.consent.version;
  return msg(
    [again ? bot('consent.updated') : surveyText('intro'), surveyText(survey.consent.textKey)],
    [
      [{ label: bot('consent.yes'), data: enc({ kind: 'consent', answer: 'yes' }) }],
      [{ label: bot('consent.no'), data: enc({ kind: 'consent', answer: 'no' }) }],
    ],
  );
}

export function formMessage(forms: PromptForm[]): Message {
  return msg([bot('form.choose')], [forms.map((f) => ({ label: bot(`form.${f}`), data: enc({ kind: 'form', form: f }) }))]);
}

const TYPE_HINT: Record<string, string | null> = {
  scale: null,
  single: null,
  yesno: null,
  multi: 'hint.multi',
  number: 'hint.number',
  date: 'hint.date',
  text: 'hint.text',
  media: 'hint.media',
  note: null,
};

/** The prompt for question `q`; `draft` marks selected options of a multi-choice question. */
export function questionMessage(survey: Survey, q: Question, state: SessionState, form: PromptForm): Message {
  const parts: Message['parts'] = [];
  if (q.type !== 'note' && q.parent === null) parts.push(bot('progress', { current: q.ordinal, total: survey.topLevelCount }));
  parts.push(surveyText(q.textKey));
  if (q.hintKey) parts.push(surveyText(q.hintKey));
  if (q.type === 'scale') {
    parts.push(bot('hint.scale', { min: q.min, max: q.max, minLabel: surveyText(q.minLabelKey), maxLabel: surveyText(q.maxLabelKey) }));
  }
  const hintKey = q.type === 'text' && !q.acceptMedia ? 'hint.text_only' : TYPE_HINT[q.type];
  if (hintKey) parts.push(bot(hintKey, q.type === 'number' ? { min: q.min ?? '', max: q.max ?? '' } : undefined));

  let buttons: Button[][] = [];
  if (q.type === 'scale') {
    const values: Button[] = [];
    for (let v = q.min; v <= q.max; v++) values.push({ label: lit(String(v)), data: enc({ kind: 'answer', question: q.id, value: String(v) }) });
    // 0–10 fits in two rows (6 + 5); wider scales wrap at 6.
    buttons = rows(values, 6);
  } else if (q.type === 'single' || q.type === 'yesno') {
    buttons = rows(
      q.choices.map((c) => ({ label: surveyText(c.textKey), data: enc({ kind: 'answer', question: q.id, value: c.id }) })),
      q.type === 'yesno' ? 2 : 1,
    );
  } else if (q.type === 'multi') {
    const draft = state.multiDraft ?? [];
    buttons = q.choices.map((c) => [
      {
        label: draft.includes(c.id) ? bot('common.selected', { label: surveyText(c.textKey) }) : surveyText(c.textKey),
        data: enc({ kind: 'toggle', question: q.id, choice: c.id }),
      },
    ]);
    buttons.push([{ label: bot('common.done'), data: enc({ kind: 'done', question: q.id }) }]);
  }
  if (!q.required && q.type !== 'note') buttons.push([{ label: bot('common.skip'), data: enc({ kind: 'skip', question: q.id }) }]);

  const message: Message = buttons.length ? { parts, buttons } : { parts };
  if (form !== 'text' && state.language) {
    const file = q.prompts[form][state.language];
    if (file) message.media = { form, file };
  }
  return message;
}

export function recontactRedMessage(theme: string): Message {
  return msg(
    [bot('recontact.red', { theme: indicatorName(theme) })],
    yesNo((answer) => enc({ kind: 'recontact_theme', theme, answer })),
  );
}

export function recontactMessage(): Message {
  return msg(
    [bot('recontact.ask')],
    yesNo((answer) => enc({ kind: 'recontact', answer })),
  );
}

export function themesMessage(themes: string[], draft: string[]): Message {
  const buttons: Button[][] = themes.map((t) => [
    { label: draft.includes(t) ? bot('common.selected', { label: indicatorName(t) }) : indicatorName(t), data: enc({ kind: 'theme', theme: t }) },
  ]);
  buttons.push([{ label: bot('common.done'), data: enc({ kind: 'themes_done' }) }]);
  return msg([bot('recontact.themes')], buttons);
}

export function expertpoolMessage(): Message {
  return msg(
    [bot('expertpool.ask')],
    yesNo((answer) => enc({ kind: 'expertpool', answer })),
  );
}

/** After declining a new consent version: nothing new is stored; delete the earlier answers too? */
export function declinedUpdateMessage(): Message {
  return { ...eraseConfirmMessage(), parts: [bot('consent.update_declined')] };
}

export function eraseConfirmMessage(): Message {
  return msg(
    [bot('erase.confirm')],
    [
      [
        { label: bot('erase.yes'), data: enc({ kind: 'erase', answer: 'yes' }) },
        { label: bot('erase.no'), data: enc({ kind: 'erase', answer: 'no' }) },
      ],
    ],
  );
}

export const say = (key: string, params?: Text['params']): Message => msg([bot(key, params)]);
