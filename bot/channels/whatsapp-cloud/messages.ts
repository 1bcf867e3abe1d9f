/**
 * Rendered messages → Cloud API message bodies, in pure functions: up to 3 options as reply
 * buttons (titles ≤ 20), up to 10 as a list (rows ≤ 24; also fewer whose labels are too long
 * for buttons), beyond that (or with longer labels)
 * the numbered text the Baileys channel sends, whose numbers the engine accepts. A template
 * replaces the message outside the 24-hour window.
 * @module
 */
import type { RenderedButton, RenderedMessage } from '../../conversation/render.ts';
import { withNumberedOptions } from '../whatsapp/outbound.ts';
import type { TemplateRef } from './config.ts';

/** Meta's documented limits. */
export const LIMITS = { buttons: 3, buttonTitle: 20, rows: 10, rowTitle: 24, buttonBody: 1024, listBody: 4096, id: 200, caption: 1024, text: 4096 } as const;

export type CloudBody = Record<string, unknown>;

export interface Words {
  /** The localized SKIP keyword, for the numbered fallback. */
  skipWord: string;
  /** The label of the button that opens a list (≤ 20 characters). */
  listButton: string;
}

const chars = (s: string) => [...s].length;

/** The message's text and options as one WhatsApp message body (without `to`). */
export function interactiveOrText(message: RenderedMessage, words: Words): CloudBody {
  const options = (message.buttons ?? []).flat();
  const fits = (max: number) => options.every((b) => chars(b.label) <= max && b.data.length <= LIMITS.id && b.label.trim() !== '');
  const unique = new Set(options.map((b) => b.data)).size === options.length;
  const text = message.text.trim() === '' ? '…' : message.text;
  if (options.length > 0 && unique && options.length <= LIMITS.buttons && fits(LIMITS.buttonTitle) && chars(text) <= LIMITS.buttonBody) {
    return {
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text },
        action: { buttons: options.map((b: RenderedButton) => ({ type: 'reply', reply: { id: b.data, title: b.label } })) },
      },
    };
  }
  if (options.length > 0 && unique && options.length <= LIMITS.rows && fits(LIMITS.rowTitle) && chars(text) <= LIMITS.listBody) {
    return {
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text },
        action: {
          button: [...words.listButton].slice(0, LIMITS.buttonTitle).join(''),
          sections: [{ rows: options.map((b) => ({ id: b.data, title: b.label })) }],
        },
      },
    };
  }
  const body = options.length ? withNumberedOptions(message, words.skipWord) : message.text;
  return { type: 'text', text: { body: [...body].slice(0, LIMITS.text).join(''), preview_url: false } };
}

/** Template parameters may hold no newlines, tabs or runs of spaces (Meta refuses them). */
export function templateText(text: string): string {
  return [...text.replace(/\s*\n\s*/g, ' · ').replace(/[\t ]{2,}/g, ' ')].slice(0, LIMITS.caption).join('');
}

export function templateBody(t: TemplateRef, message: RenderedMessage): CloudBody {
  return {
    type: 'template',
    template: {
      name: t.name,
      language: { code: t.language },
      ...(t.withText ? { components: [{ type: 'body', parameters: [{ type: 'text', text: templateText(message.text) }] }] } : {}),
    },
  };
}

/** A recorded prompt by its uploaded media id: a voice note, or a video. */
export function promptBody(form: 'audio' | 'video', mediaId: string): CloudBody {
  return form === 'audio' ? { type: 'audio', audio: { id: mediaId } } : { type: 'video', video: { id: mediaId } };
}
