/**
 * Turns an engine {@link Message} into text and buttons in one language.
 *
 * Inserted values are wrapped in Unicode isolates (FSI…PDI) so a Latin word, a number or a
 * theme name inside an Arabic or Farsi sentence keeps its place (bidi practice, not i18next).
 * @module
 */
import type { i18n as I18n, TFunction } from 'i18next';
import type { Button, Literal, Message, Text } from '../../surveys/engine/types.ts';

export interface RenderedButton {
  label: string;
  data: string;
}

/** What a channel delivers: plain text, button rows, an optional recorded prompt. */
export interface RenderedMessage {
  text: string;
  buttons?: RenderedButton[][];
  media?: { form: 'audio' | 'video'; file: string };
  language: string;
  dir: 'ltr' | 'rtl';
  /**
   * The channel's id of a sent message this one redraws (the keyboard a choice was toggled
   * on). A channel that can edit updates that message; one that cannot sends this as new.
   */
  edit?: string;
  /**
   * Set on messages that start a conversation rather than answer one (a reminder, an
   * invitation, a results message): a channel that needs approved templates outside its
   * customer-service window (the WhatsApp Cloud API) picks the template by it.
   */
  purpose?: 'invitation' | 'reminder' | 'results';
}

const FSI = '\u2068';
const PDI = '\u2069';

export class Renderer {
  // Per language, made once: i18next builds both anew on every call, and every reply asks (issue 20).
  private readonly fixed = new Map<string, TFunction>();
  private readonly dirs = new Map<string, 'ltr' | 'rtl'>();
  /**
   * Rendered texts by language, namespace, key and parameters: every answer renders the next
   * prompt, and i18next's lookup and interpolation were a tenth of the bot's CPU (issue 20).
   * Emptied whenever a bundle is added or removed (a pilot's own survey texts arrive late).
   */
  private readonly texts = new Map<string, string>();

  constructor(private readonly i18n: I18n) {
    const forget = () => this.texts.clear();
    i18n.store?.on('added', forget);
    i18n.store?.on('removed', forget);
    i18n.on('loaded', forget);
  }

  dir(lng: string): 'ltr' | 'rtl' {
    let d = this.dirs.get(lng);
    if (!d) {
      d = this.i18n.dir(lng) === 'rtl' ? 'rtl' : 'ltr';
      this.dirs.set(lng, d);
    }
    return d;
  }

  /** The translator of `lng` (it reads the resources at call time, so bundles added later are seen). */
  t(lng: string): TFunction {
    let t = this.fixed.get(lng);
    if (!t) {
      t = this.i18n.getFixedT(lng);
      this.fixed.set(lng, t);
    }
    return t;
  }

  /** Renders `message` in `lng`; survey texts come from `surveyNs`; `resolveMedia` makes prompt paths absolute. */
  render(message: Message, lng: string, surveyNs: string, resolveMedia: (file: string) => string = (f) => f): RenderedMessage {
    const language = message.language ?? lng;
    const t = this.t(language);
    const rtl = this.dir(language) === 'rtl';
    const text = message.parts.map((p) => this.part(t, language, p, surveyNs, rtl)).join('\n\n');
    const out: RenderedMessage = { text, language, dir: rtl ? 'rtl' : 'ltr' };
    if (message.buttons?.length) {
      out.buttons = message.buttons.map((row) => row.map((b: Button) => ({ label: this.part(t, language, b.label, surveyNs, false), data: b.data })));
    }
    if (message.media) out.media = { form: message.media.form, file: resolveMedia(message.media.file) };
    return out;
  }

  private part(t: TFunction, lng: string, p: Text | Literal, surveyNs: string, isolate: boolean): string {
    if ('literal' in p) return p.literal;
    const ns = p.ns === 'survey' ? surveyNs : p.ns;
    const key = `${lng}\u0000${ns}\u0000${surveyNs}\u0000${p.key}\u0000${isolate ? 1 : 0}${p.params ? `\u0000${JSON.stringify(p.params)}` : ''}`;
    let text = this.texts.get(key);
    if (text === undefined) {
      text = this.translate(t, lng, p, ns, surveyNs, isolate);
      // Texts come from a fixed set of keys; parameters (names, counts) are what could grow it.
      if (this.texts.size >= 10_000) this.texts.clear();
      this.texts.set(key, text);
    }
    return text;
  }

  private translate(t: TFunction, lng: string, p: Text, ns: string, surveyNs: string, isolate: boolean): string {
    const params: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(p.params ?? {})) {
      const value =
        typeof v === 'object' ? (Array.isArray(v) ? v.map((x) => this.part(t, lng, x, surveyNs, false)).join(', ') : this.part(t, lng, v, surveyNs, false)) : v;
      params[k] = isolate ? `${FSI}${value}${PDI}` : value;
    }
    return t(p.key, { ...params, ns });
  }
}
