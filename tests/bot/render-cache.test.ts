import { describe, expect, it } from 'vitest';
import { createI18n } from '../../bot/i18n.ts';
import { Renderer } from '../../bot/conversation/render.ts';
import type { Message } from '../../surveys/engine/types.ts';

const bundle = () =>
  createI18n({
    resources: { en: { bot: { hello: 'Hello {{name}}' }, 'survey-a': { q1: 'How is work?' } }, ar: { bot: { hello: 'مرحبا {{name}}' } } },
    languages: ['en', 'ar'],
    namespaces: ['bot', 'survey-a'],
  });

const hello = (name: string): Message => ({ parts: [{ ns: 'bot', key: 'hello', params: { name } }] });
const question: Message = { parts: [{ ns: 'survey', key: 'q1' }], buttons: [[{ label: { ns: 'survey', key: 'q1' }, data: 'a' }]] };

describe('Renderer text cache', () => {
  it('keeps texts apart by language, parameters and survey namespace', () => {
    // Right-to-left text isolates inserted values; left-to-right text does not.
    const r = new Renderer(bundle());
    expect(r.render(hello('Sam'), 'en', 'survey-a').text).toBe('Hello Sam');
    expect(r.render(hello('Ali'), 'en', 'survey-a').text).toBe('Hello Ali');
    expect(r.render(hello('Sam'), 'ar', 'survey-a').text).toBe('مرحبا \u2068Sam\u2069');
    expect(r.render(question, 'en', 'survey-a').text).toBe('How is work?');
    // Another survey's namespace without the key: i18next's answer (the key), not survey-a's text.
    expect(r.render(question, 'en', 'survey-b').text).toBe('q1');
  });

  it('sees texts added or replaced after a render (a pilot survey loaded later)', () => {
    const i18n = bundle();
    const r = new Renderer(i18n);
    expect(r.render(question, 'en', 'survey-b').text).toBe('q1');
    i18n.addResourceBundle('en', 'survey-b', { q1: 'How is housing?' }, true, true);
    expect(r.render(question, 'en', 'survey-b').text).toBe('How is housing?');
    i18n.addResourceBundle('en', 'survey-b', { q1: 'How is your housing?' }, true, true);
    const again = r.render(question, 'en', 'survey-b');
    expect(again.text).toBe('How is your housing?');
    expect(again.buttons?.[0]?.[0]?.label).toBe('How is your housing?');
  });
});
