import { describe, expect, it } from 'vitest';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { interpret } from '../../bot/conversation/interpret.ts';
import { Renderer } from '../../bot/conversation/render.ts';
import { questionMessage, languageMessage } from '../../surveys/engine/messages.ts';
import { ROOT } from '../helpers/app.ts';
import { compile } from '../helpers/transcript.ts';
import { join } from 'node:path';

const bundle = readLocales(join(ROOT, 'locales'));
const i18n = createI18n(bundle);
const renderer = new Renderer(i18n);
const survey = compile({
  specVersion: 2,
  id: 'default-pilot',
  version: 1,
  languages: ['en', 'nl', 'ar', 'fa', 'uk', 'ti', 'so', 'tr'],
  defaultLanguage: 'en',
  consent: { version: 1 },
  questions: [{ id: 'work_has_paid_work', type: 'yesno', indicator: 'work', outcome: 'paid_work_matching_skills' }],
});
const q = survey.questions[0]!;

function read(text: string, lng: string, prompt = questionMessage(survey, q, { multiDraft: null, language: lng } as never, 'text')) {
  return interpret(
    { kind: 'text', text },
    {
      t: i18n.getFixedT(lng),
      tEn: i18n.getFixedT('en'),
      promptMessage: prompt,
      prompt: renderer.render(prompt, lng, survey.namespace),
    },
  );
}

describe('interpreting typed text', () => {
  it.each([
    ['stop', 'en', 'stop'],
    ['STOP!', 'nl', 'stop'],
    ['توقف', 'ar', 'stop'],
    ['SİL', 'tr', 'delete'],
    ['Sil', 'tr', 'delete'],
    ['/help', 'ti', 'help'],
    ['ሓገዝ', 'ti', 'help'],
    ['ПРОПУСТИТИ', 'uk', 'skip'],
    ['/frobnicate', 'en', 'unknown'],
  ])('%j in %s is the command %s', (text, lng, command) => {
    expect(read(text, lng)).toMatchObject({ kind: 'command', command });
  });

  it.each([
    ['ja', 'nl', 'yes'],
    ['نعم', 'ar', 'yes'],
    ['نه', 'fa', 'no'],
    ['እወ', 'ti', 'yes'],
    ['haa', 'so', 'yes'],
    ['Yes', 'ar', 'yes'],
  ])('the yes/no word %j in %s taps %s', (text, lng, value) => {
    expect(read(text, lng)).toEqual({ kind: 'button', data: `a:work_has_paid_work:${value}` });
  });

  it('matches a typed language name to its button', () => {
    expect(read('Nederlands', 'en', languageMessage(survey, null))).toEqual({ kind: 'button', data: 'lang:nl' });
    expect(read('العربية', 'en', languageMessage(survey, null))).toEqual({ kind: 'button', data: 'lang:ar' });
  });

  it('leaves other text alone', () => {
    expect(read('I work two days a week', 'en')).toEqual({ kind: 'text', text: 'I work two days a week' });
  });
});

describe('rendering', () => {
  it('marks Arabic and Farsi right-to-left and isolates inserted values', () => {
    const r = renderer.render({ parts: [{ ns: 'bot', key: 'progress', params: { current: 3, total: 17 } }] }, 'ar', survey.namespace);
    expect(r.dir).toBe('rtl');
    expect(r.text).toContain('\u20683\u2069');
    expect(renderer.render({ parts: [{ ns: 'bot', key: 'progress', params: { current: 3, total: 17 } }] }, 'fa', survey.namespace).dir).toBe('rtl');
  });
  it("renders Tigrinya in Ge'ez script, left-to-right", () => {
    const r = renderer.render({ parts: [{ ns: 'bot', key: 'consent.thanks' }] }, 'ti', survey.namespace);
    expect(r.dir).toBe('ltr');
    expect(r.text).toMatch(/^[\u1200-\u137F]/);
  });
  it('does not HTML-escape inserted values', () => {
    const r = renderer.render({ parts: [{ ns: 'bot', key: 'common.selected', params: { label: 'A & <B>' } }] }, 'en', survey.namespace);
    expect(r.text).toBe('✓ A & <B>');
  });
});
