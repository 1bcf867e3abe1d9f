/**
 * What a translator records for a survey's spoken path: one line per text and language —
 * the pickers, intro, consent, recontact, expertpool, thanks and every question — with the
 * text as the respondent would read it (buttons numbered) and the file name to save it as.
 * @module
 */
import type { Renderer } from '../../bot/conversation/render.ts';
import { direction } from '../../surveys/languages.ts';
import type { PromptForm, Survey } from '../../surveys/model.ts';
import { SPOKEN_KEYS, type SpokenKey } from '../../surveys/spec/schema.ts';
import * as m from '../../surveys/engine/messages.ts';
import type { Message, SessionState } from '../../surveys/engine/types.ts';
import { start } from '../../surveys/engine/engine.ts';

export interface SheetLine {
  /** `prompts.<key>` for the survey's own texts, `q.<question id>` for a question. */
  key: string;
  language: string;
  dir: 'ltr' | 'rtl';
  text: string;
  /** Where to save the recording, relative to the prompts folder: `<lng>/<key>.ogg`. */
  file: string;
}

/** File extension a recording of each form is saved with (ogg/opus: what voice notes are). */
export const EXTENSION: Readonly<Record<Exclude<PromptForm, 'text'>, string>> = { audio: 'ogg', video: 'mp4' };

export function fileFor(key: string, lng: string, form: Exclude<PromptForm, 'text'>): string {
  return `${lng}/${key}.${EXTENSION[form]}`;
}

/** The survey's own spoken texts, as the engine builds them (recordings left out). */
function spokenMessage(survey: Survey, key: SpokenKey, s: SessionState): Message {
  switch (key) {
    case 'language':
      return m.languageMessage(survey, s.language);
    case 'form':
      return m.formMessage(['text', 'audio', 'video']);
    case 'intro':
      return { parts: [m.surveyText('intro')] };
    case 'consent':
      return { ...m.consentMessage(survey), parts: [m.surveyText(survey.consent.textKey)] };
    case 'recontact':
      return m.recontactMessage();
    case 'expertpool':
      return m.expertpoolMessage();
    case 'completion':
      return { parts: [m.surveyText(survey.completionKey)] };
  }
}

/** Every text to record, per language: survey texts first (in asking order), then questions. */
export function recordList(survey: Survey, renderer: Renderer, languages: readonly string[], form: Exclude<PromptForm, 'text'>): SheetLine[] {
  const base = start(survey, {}, { now: '2026-01-01T00:00:00.000Z', newId: () => 'x', messageId: 'x' }).state;
  const lines: SheetLine[] = [];
  for (const lng of languages) {
    const s: SessionState = { ...base, language: lng, phase: 'question' };
    const say = (key: string, message: Message) => {
      const r = renderer.render({ ...message, language: lng, media: undefined }, lng, survey.namespace);
      const options = (r.buttons ?? []).flat().map((b, i) => `${i + 1}. ${b.label}`);
      lines.push({ key, language: lng, dir: direction(lng), text: [r.text, ...options].join('\n'), file: fileFor(key, lng, form) });
    };
    for (const key of SPOKEN_KEYS) {
      if (key === 'recontact' && !survey.recontact.atEnd) continue;
      if (key === 'expertpool' && !survey.recontact.expertpool) continue;
      say(`prompts.${key}`, spokenMessage(survey, key, s));
    }
    for (const q of survey.questions) say(`q.${q.id}`, m.questionMessage(survey, q, s, 'text'));
  }
  return lines;
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** CSV with a header: key, language, file, text (UTF-8; the text keeps its line breaks, quoted). */
export function toCsv(lines: readonly SheetLine[]): string {
  const rows = [['key', 'language', 'file', 'text'], ...lines.map((l) => [l.key, l.language, l.file, l.text])];
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A printable Markdown sheet: a section per language, right-to-left texts marked `dir="rtl"`. */
export function toMarkdown(survey: Survey, lines: readonly SheetLine[], form: Exclude<PromptForm, 'text'>): string {
  const out = [
    `# Recording sheet: ${survey.id} v${survey.version} (${form})`,
    '',
    'Read each text aloud as written, calmly, including the numbered options. Save each recording under the file name shown, then run `stemmen prompts import <folder>`.',
    '',
  ];
  for (const lng of [...new Set(lines.map((l) => l.language))]) {
    out.push(`## ${lng}`, '');
    for (const l of lines.filter((x) => x.language === lng)) {
      out.push(`### ${l.key} → \`${l.file}\``, '', `<div dir="${l.dir}" lang="${lng}">`, '', html(l.text).replace(/\n/g, '<br>\n'), '', '</div>', '');
    }
  }
  return out.join('\n');
}
