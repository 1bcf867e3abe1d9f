/**
 * The coded quotes of a pilot, for researchers to cite: a CSV (one row per coded answer) and a
 * printable HTML document per indicator with its quotes grouped by code. Each quote carries its
 * codes, language, original, translations, wave and the respondent's background groups — a group
 * only when the pilot has at least the minimum of people in it (else "—"). Never an id that
 * leads back to a person: no answer, respondent, session or message id, and no timestamp.
 * @module
 */
import type { i18n as I18n, TFunction } from 'i18next';
import { CodedQuotes, type CodedQuote } from '../../../storage/coded-quotes.ts';
import { Coding, type Code } from '../../../storage/coding.ts';
import type { Db } from '../../../storage/database.ts';
import type { AggregateRule } from '../../../surveys/aggregate.ts';
import { INDICATOR_IDS } from '../../../surveys/indicators.ts';
import { choicesOf, type Survey } from '../../../surveys/model.ts';
import { html, raw } from '../dashboard/html.ts';
import { quoteBlock, original } from '../dashboard/quote.ts';
import { backgroundQuestions, resolveSplit } from '../reporting/breakdown.ts';
import { namedGroups } from '../reporting/coding.ts';
import { shownText } from '../shown.ts';
import { csvRows, type CsvCell } from './csv.ts';

/** Shown for a background group too small to name, or not answered. */
export const UNNAMED_GROUP = '—';

interface Prepared {
  quotes: CodedQuote[];
  codes: ReadonlyMap<string, Code>;
  /** Background question id → its choice id → label (survey's default language), only the groups that may be named. */
  groups: Array<{ question: string; label: string; named: ReadonlyMap<string, string> }>;
}

async function prepare(db: Db, pilot: string, survey: Survey, i18n: I18n, rule: AggregateRule): Promise<Prepared> {
  const st = i18n.getFixedT(survey.defaultLanguage);
  const label = (key: string) => st(key, { ns: survey.namespace, defaultValue: '' });
  const questions = backgroundQuestions(survey);
  const splits = questions.flatMap((q) => {
    const s = resolveSplit(survey, q.id);
    return s.ok ? [s.value.split] : [];
  });
  const source = new CodedQuotes(db);
  const named = await namedGroups(source, pilot, splits, rule);
  const codes = new Map((await new Coding(db).codebook(pilot)).map((c) => [c.id, c]));
  const quotes = (await source.coded(pilot, splits)).filter((q) => original(q) !== null);
  return {
    quotes,
    codes,
    groups: questions.map((q) => ({
      question: q.id,
      label: label(q.textKey) || q.id,
      named: new Map(
        choicesOf(q)
          .filter((c) => named.get(q.id)?.has(c.id))
          .map((c) => [c.id, label(c.textKey) || c.id]),
      ),
    })),
  };
}

const groupCell = (q: CodedQuote, g: Prepared['groups'][number]) => {
  const names = (q.groups[g.question] ?? []).flatMap((id) => (g.named.has(id) ? [g.named.get(id)!] : []));
  // A person in a hidden group among named ones (multi-choice) shows only the named ones: never a partial hint of the hidden one.
  return names.length ? names.join('; ') : UNNAMED_GROUP;
};

const codeLabels = (q: CodedQuote, codes: ReadonlyMap<string, Code>) =>
  q.codeIds
    .flatMap((id) => (codes.has(id) ? [codes.get(id)!.label] : []))
    .sort((a, b) => a.localeCompare(b))
    .join('; ');

/** The coded quotes CSV (UTF-8 with BOM, so Excel reads Arabic and Ge'ez script). */
export async function codedQuotesCsv(db: Db, pilot: string, survey: Survey, i18n: I18n, rule: AggregateRule): Promise<string> {
  const p = await prepare(db, pilot, survey, i18n, rule);
  const st = i18n.getFixedT(survey.defaultLanguage);
  const questionText = new Map(survey.questions.map((q) => [q.id, st(q.textKey, { ns: survey.namespace, defaultValue: '' })]));
  const targets = [...new Set(p.quotes.flatMap((q) => Object.keys(q.translations)))].sort();
  const header = [
    'indicator',
    'outcome',
    'question',
    'question_text',
    'codes',
    'shareable',
    'language',
    'original',
    ...targets.map((l) => `translation_${l}`),
    ...p.groups.map((g) => `group_${g.question}`),
    'wave',
  ];
  const rows: CsvCell[][] = p.quotes.map((q) => {
    const o = original(q)!;
    return [
      q.indicator ?? '',
      q.outcome ?? '',
      q.questionId,
      questionText.get(q.questionId) ?? '',
      codeLabels(q, p.codes),
      q.shared ? 1 : 0,
      o.language,
      shownText(o.text),
      ...targets.map((l) => (q.translations[l] ? shownText(q.translations[l]) : '')),
      ...p.groups.map((g) => groupCell(q, g)),
      q.wave,
    ];
  });
  return csvRows([header, ...rows], { bom: true });
}

const DOCUMENT_CSS = `body{font:15px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1d2327}
h1{font-size:1.5rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}h3{font-size:1.05rem;margin-bottom:.2rem}
blockquote{margin:.6rem 0;padding:.4rem .8rem;border-inline-start:3px solid #888;background:#f6f7f7;white-space:pre-wrap;overflow-wrap:anywhere;break-inside:avoid}
blockquote p{margin:.2rem 0}.muted{color:#555;font-size:.9em}@media print{body{margin:0}blockquote{background:none}}`;

/** The quotes document: one section per indicator, its quotes grouped by code, in the dashboard's language `lng`. */
export async function quotesDocument(
  db: Db,
  pilot: { code: string; name: string; survey: Survey },
  i18n: I18n,
  rule: AggregateRule,
  lng: string,
): Promise<string> {
  const t: TFunction = i18n.getFixedT(lng, 'dashboard');
  const p = await prepare(db, pilot.code, pilot.survey, i18n, rule);
  const codes = [...p.codes.values()].sort((a, b) => a.label.localeCompare(b.label));
  const sections = INDICATOR_IDS.filter((id) => p.quotes.some((q) => q.indicator === id)).map((id) => {
    const ofIndicator = p.quotes.filter((q) => q.indicator === id);
    const byCode = codes
      .map((c) => ({ c, quotes: ofIndicator.filter((q) => q.codeIds.includes(c.id)) }))
      .filter((x) => x.quotes.length > 0)
      .map(
        ({ c, quotes }) =>
          html`<h3>${c.label}</h3>${c.description ? html`<p class="muted">${c.description}</p>` : ''}${quotes.map(
            (q) =>
              html`${quoteBlock(t, lng, q, null)}<p class="muted">${t('coding.wave', { wave: q.wave })}${p.groups.map((g) => ` · ${g.label}: ${groupCell(q, g)}`)}</p>`,
          )}`,
      );
    return html`<section data-indicator="${id}"><h2>${t(`${id}.name`, { ns: 'indicators' })}</h2>${byCode}</section>`;
  });
  const title = `${t('coding.document_title')}: ${pilot.name}`;
  return html`<!doctype html>
<html lang="${lng}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><style>${raw(DOCUMENT_CSS)}</style></head>
<body><h1>${title}</h1><p class="muted">${t('coding.document_explain', { min: rule.minRespondents })}</p>${sections.length ? sections : html`<p>${t('indicator.none')}</p>`}</body></html>`
    .value;
}
