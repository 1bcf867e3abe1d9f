/**
 * Reads a channel's inbound content as an engine input: commands, keywords, button labels.
 *
 * Language-dependent matching lives here (not in the pure engine) because it needs the
 * locale files: "توقف" is STOP in Arabic, "ja" is yes in Dutch, and a typed option label
 * counts as tapping that option.
 * @module
 */
import type { TFunction } from 'i18next';
import { decodeButton, yesNoOf } from '../../surveys/engine/buttons.ts';
import { cleanText } from '../../surveys/engine/text.ts';
import { COMMANDS, type Command, type Message, type RespondentInput } from '../../surveys/engine/types.ts';
import type { InboundContent } from '../channels/port.ts';
import type { RenderedMessage } from './render.ts';

/** Lower-cases and strips punctuation at the ends so "Stop!" and "/stop" match "stop". */
function fold(s: string): string {
  // Lower-casing Turkish İ leaves a combining dot (U+0307); drop it so "SİL" matches "sil".
  return cleanText(s)
    .toLowerCase()
    .replace(/\u0307/g, '')
    .replace(/^[\s/!¡¿?.,،؟。]+|[\s!?.,،؟。]+$/gu, '');
}

function keywordList(t: TFunction, tEn: TFunction, key: string): string[] {
  const own = t(`keywords.${key}`, { ns: 'bot', defaultValue: '' });
  const en = tEn(`keywords.${key}`, { ns: 'bot', defaultValue: '' });
  return `${own}|${en}`.split('|').map(fold).filter(Boolean);
}

export interface InterpretContext {
  /** Translator in the respondent's language (or the hint / default before a language is chosen). */
  t: TFunction;
  tEn: TFunction;
  /** The prompt currently shown, rendered, so typed labels and yes/no words map to its buttons. */
  prompt: RenderedMessage | null;
  /** The unrendered prompt, to find yes/no buttons by their data. */
  promptMessage: Message | null;
}

export function interpret(content: InboundContent, ctx: InterpretContext): RespondentInput {
  switch (content.kind) {
    case 'button':
      return { kind: 'button', data: content.data };
    case 'media':
      return { kind: 'media', media: content.media, caption: content.caption };
    case 'unsupported':
      return { kind: 'unsupported', what: content.what };
    case 'command': {
      const c = content.command.toLowerCase();
      return { kind: 'command', command: (COMMANDS as readonly string[]).includes(c) ? (c as Command) : 'unknown', arg: content.arg };
    }
    case 'text':
      break;
  }
  const text = content.text;
  const folded = fold(text);
  if (folded === '') return { kind: 'text', text };
  if (cleanText(text).startsWith('/')) {
    const [cmd, ...rest] = cleanText(text).slice(1).split(/\s+/);
    const c = (cmd ?? '').toLowerCase();
    return { kind: 'command', command: (COMMANDS as readonly string[]).includes(c) ? (c as Command) : 'unknown', arg: rest.join(' ') || undefined };
  }
  for (const command of COMMANDS) {
    if (command === 'unknown') continue;
    if (keywordList(ctx.t, ctx.tEn, command).includes(folded)) return { kind: 'command', command };
  }
  const buttons = (ctx.prompt?.buttons ?? []).flat();
  const byLabel = buttons.find((b) => fold(b.label) === folded || fold(b.label.replace(/^✓\s*/, '')) === folded);
  if (byLabel) return { kind: 'button', data: byLabel.data };
  for (const answer of ['yes', 'no'] as const) {
    if (!keywordList(ctx.t, ctx.tEn, answer).includes(folded)) continue;
    const b = buttons.find((x) => {
      const d = decodeButton(x.data);
      return d !== null && yesNoOf(d) === answer;
    });
    if (b) return { kind: 'button', data: b.data };
  }
  return { kind: 'text', text };
}
