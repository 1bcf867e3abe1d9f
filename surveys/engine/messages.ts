/**
 * Builders for the messages the engine emits. Untranslated: texts are keys, rendered later.
 * @module
 */
import type { PromptForm, Question, Survey } from '../model.ts';
import type { SpokenKey } from '../spec/schema.ts';
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

/**
 * The language picker; `suggested` (the channel's hints, most likely first) go first. A
 * recording of the picker in the first suggestion goes with it: the form is not chosen yet,
 * and someone who cannot read still hears which button is theirs.
 */
export function languageMessage(survey: Survey, suggested: string | readonly string[] | null): Message {
  const first = typeof suggested === 'string' ? [suggested] : (suggested ?? []);
  const ordered = [...first.filter((l) => survey.languages.includes(l)), ...survey.languages.filter((l) => !first.includes(l))];
  const buttons = ordered.map((l) => ({ label: lit(endonym(l)), data: enc({ kind: 'language', lng: l }) }));
  const language = first[0] ?? survey.defaultLanguage;
  const message: Message = { parts: [bot('language.choose')], buttons: rows(buttons, 2), language };
  return first[0] ? withPickerMedia(message, survey, 'language', first[0]) : message;
}

/** The recording of the survey's spoken text `key` in `language` and `form`, if there is one. */
export function spokenMedia(survey: Survey, key: SpokenKey, language: string | null, form: PromptForm): Message['media'] {
  if (form === 'text' || !language) return undefined;
  const file = survey.spoken[key]?.[form][language];
  return file ? { form, file } : undefined;
}

/** `message` with the recording of `key` in the session's language and chosen form, when the survey has one. */
export function spoken(message: Message, survey: Survey, key: SpokenKey, s: Pick<SessionState, 'language' | 'form'>): Message {
  const media = spokenMedia(survey, key, s.language, s.form);
  return media ? { ...message, media } : message;
}

/** For the pickers, shown before the form is chosen: the audio recording, else the video. */
function withPickerMedia(message: Message, survey: Survey, key: SpokenKey, language: string | null): Message {
  const media = spokenMedia(survey, key, language, 'audio') ?? spokenMedia(survey, key, language, 'video');
  return media ? { ...message, media } : message;
}

/** The intro has its own recording in the session's form: it goes as a message of its own before the consent question. */
export function introApart(survey: Survey, s: Pick<SessionState, 'language' | 'form'>): boolean {
  return spokenMedia(survey, 'intro', s.language, s.form) !== undefined;
}

/** The intro alone, with its recording (see {@link introApart}). */
export function introMessage(survey: Survey, s: Pick<SessionState, 'language' | 'form'>): Message {
  return spoken({ parts: [surveyText('intro')] }, survey, 'intro', s);
}

/**
 * Consent to take part; someone who consented to an older version gets "the terms changed"
 * instead of the intro. In the chosen form (heard, watched) the recording goes with it, so
 * the person consents to what they heard.
 */
export function consentMessage(survey: Survey, state?: SessionState): Message {
  const again = state !== undefined && state.consentVersion !== null && state.consentVersion < survey.consent.version;
  const lead = again ? [bot('consent.updated')] : state && introApart(survey, state) ? [] : [surveyText('intro')];
  const message = msg(
    [...lead, surveyText(survey.consent.textKey)],
    [
      [{ label: bot('consent.yes'), data: enc({ kind: 'consent', answer: 'yes' }) }],
      [{ label: bot('consent.no'), data: enc({ kind: 'consent', answer: 'no' }) }],
    ],
  );
  return state ? spoken(message, survey, 'consent', state) : message;
}

/** Read, listen or watch; with the picker's recording in the session's language, since it comes before reading is known. */
export function formMessage(forms: PromptForm[], survey?: Survey, language?: string | null): Message {
  const message = msg([bot('form.choose')], [forms.map((f) => ({ label: bot(`form.${f}`), data: enc({ kind: 'form', form: f }) }))]);
  return survey ? withPickerMedia(message, survey, 'form', language ?? null) : message;
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
