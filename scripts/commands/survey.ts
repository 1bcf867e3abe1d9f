/**
 * `stemmen survey validate` and `stemmen survey preview`.
 */
import { resolve } from 'node:path';
import type { Config } from '../../bot/config.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { Renderer, type RenderedMessage } from '../../bot/conversation/render.ts';
import { loadSurveyFile, SurveyFileError } from '../../bot/conversation/survey-files.ts';
import { formatIssue } from '../../surveys/spec/load.ts';
import { consentMessage, questionMessage } from '../../surveys/engine/messages.ts';
import { start } from '../../surveys/engine/engine.ts';
import type { Condition } from '../../surveys/spec/schema.ts';

export function runValidate(config: Config, files: string[], maxMinutes: number, textsDir?: string): number {
  const locales = readLocales(config.localesDir);
  let failed = 0;
  for (const file of files) {
    try {
      const loaded = loadSurveyFile(resolve(file), locales, { maxMinutes, textsDir });
      for (const w of loaded.warnings) process.stdout.write(`${formatIssue(w)}\n`);
      const q = loaded.survey.questions;
      const background = loaded.survey.background.length > 0 ? `, ${loaded.survey.background.length} background (${loaded.survey.background.join(', ')})` : '';
      process.stdout.write(
        `ok ${file}: ${loaded.survey.id} v${loaded.survey.version}, ${q.length} questions (${q.filter((x) => x.parent).length} follow-ups${background}), ${loaded.survey.languages.length} languages, about ${loaded.estimatedMinutes} minutes\n`,
      );
    } catch (e) {
      if (!(e instanceof SurveyFileError)) throw e;
      process.stderr.write(`${e.message}\n`);
      process.stderr.write(`${file}: ${e.issues.filter((i) => i.severity === 'error').length} problem(s)\n`);
      failed += 1;
    }
  }
  return failed > 0 ? 1 : 0;
}

function describe(c: Condition): string {
  if ('all' in c) return c.all.map(describe).join(' and ');
  if ('any' in c) return `(${c.any.map(describe).join(' or ')})`;
  if ('not' in c) return `not (${describe(c.not)})`;
  const tests = Object.entries(c)
    .filter(([k]) => k !== 'question')
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`);
  return `${c.question} ${tests.join(', ')}`;
}

function print(r: RenderedMessage, indent = ''): string {
  const lines = r.text.split('\n').map((l) => `${indent}${l}`);
  for (const row of r.buttons ?? []) lines.push(`${indent}  ${row.map((b) => `[${b.label}]`).join(' ')}`);
  if (r.media) lines.push(`${indent}  (${r.media.form}: ${r.media.file})`);
  return lines.join('\n');
}

export function runPreview(config: Config, file: string, lang: string | undefined, textsDir?: string): number {
  const { survey, locales } = loadSurveyFile(resolve(file), readLocales(config.localesDir), { textsDir });
  const renderer = new Renderer(createI18n(locales));
  const lng = lang ?? survey.defaultLanguage;
  if (!survey.languages.includes(lng)) {
    process.stderr.write(`${file}: the survey has no language "${lng}"; it has ${survey.languages.join(', ')}\n`);
    return 1;
  }
  const now = new Date().toISOString();
  const first = start(survey, { languageHint: lng }, { now, newId: () => 'preview', messageId: 'preview' });
  const state = { ...first.state, language: lng, consentVersion: survey.consent.version };
  const out: string[] = [`# ${survey.id} v${survey.version} — ${lng} (${renderer.dir(lng)})`, ''];
  const render = (m: Parameters<Renderer['render']>[0]) => renderer.render(m, lng, survey.namespace);
  for (const e of first.effects) if (e.type === 'send') out.push(print(render(e.message)), '');
  out.push(print(render(consentMessage(survey))), '');
  for (const q of survey.questions) {
    const mapped = q.role === 'background' ? ', background' : q.indicator ? `, ${q.indicator}/${q.outcome}` : '';
    const head = `--- ${q.id} (${q.type}${mapped}${q.required ? ', required' : ''})`;
    out.push(q.when ? `${head} — only if ${describe(q.when)}` : head);
    out.push(print(render(questionMessage(survey, q, state, 'text')), q.parent ? '    ' : ''), '');
  }
  out.push(print(render({ parts: [{ ns: 'survey', key: survey.completionKey }] })));
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
