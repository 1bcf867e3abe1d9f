/**
 * The open answers of a pilot (issue 16): what people typed, said or filmed, with filters,
 * full-text search over originals, transcripts and translations, and pages of 50, newest
 * first. Each original and translation carries its own `lang` and `dir`; recordings play
 * through the media route. A selection of fewer people than MAP_MIN_RESPONDENTS shows "too
 * few" and nothing else. Viewers do not see answers (the route's roles).
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { OpenAnswers, MODALITIES, UNCODED, type OpenAnswer, type OpenAnswersResult } from '../../../../storage/open-answers.ts';
import { INDICATORS } from '../../../../surveys/indicators.ts';
import { direction } from '../../../../surveys/languages.ts';
import type { Survey } from '../../../../surveys/model.ts';
import { QUOTE_ROLES } from '../../access.ts';
import { openAnswersQuery, toOpenFilter, type OpenAnswersQuery } from '../../reporting/open-answers-query.ts';
import { pageContext, parseOr400, pilotOr404, sendPage, type DashboardDeps } from '../context.ts';
import { html, raw, type Html } from '../html.ts';
import type { PageContext } from '../layout.ts';
import { breakdownOr400, groupSelect } from './map-split.ts';
import { codebookView, codingControls } from './coding-controls.ts';
import { holdsPersonalDetail, shownText } from '../../shown.ts';

type SurveyT = (key: string) => string;

/** A text in its language: `lang` and `dir` from the language code (Arabic and Persian right to left). */
const inLanguage = (lng: string, text: string, original = false) =>
  html`<div lang="${lng}" dir="${direction(lng)}"${original ? raw(' data-answer-text') : ''}>${shownText(text)}</div>`;

const VIDEO = new Set(['video', 'video_note']);

function player(a: OpenAnswer) {
  if (!a.hasMedia) return '';
  const src = `/answers/${a.answerId}/media`;
  return VIDEO.has(a.mediaKind ?? '')
    ? html`<video controls preload="none" width="240" src="${src}"></video>`
    : html`<audio controls preload="none" src="${src}"></audio>`;
}

function answerBlock(ctx: PageContext, a: OpenAnswer, questionLabel: (id: string) => string, coding: (a: OpenAnswer) => Html) {
  const { t } = ctx;
  const original = a.text === null ? '' : html`<blockquote data-original>${inLanguage(a.language, a.text, true)}</blockquote>`;
  const transcript =
    a.transcript === null
      ? a.modality === 'typed'
        ? ''
        : html`<p class="muted">${t(`answers.media_status.${a.mediaStatus ?? 'pending'}`)}</p>`
      : html`<p class="muted">${t('answers.transcript', { language: a.transcriptLanguage ?? a.language })}</p><blockquote data-transcript>${inLanguage(a.transcriptLanguage ?? a.language, a.transcript)}</blockquote>`;
  const translations = Object.entries(a.translations).map(
    ([lng, text]) =>
      html`<p class="muted">${t('answers.translation', { language: lng })}</p><blockquote data-translation="${lng}">${inLanguage(lng, text)}</blockquote>`,
  );
  const indicator = a.indicator ? t(`${a.indicator}.name`, { ns: 'indicators' }) : '';
  return html`<article class="card" data-answer="${a.answerId}" data-modality="${a.modality}">
<p class="muted">${questionLabel(a.questionId)}${indicator ? ` · ${indicator}` : ''} · ${a.language} · ${t(`answers.modality.${a.modality}`)} · ${t('answers.wave', { wave: a.wave })} · ${a.answeredOn}${a.shared ? html` · <strong data-shared>${t('answers.shared')}</strong>` : ''}</p>
${player(a)}${original}${transcript}${translations}${coding(a)}</article>`;
}

interface FormOptions {
  languages: string[];
  waves: number[];
  questions: string[];
  codes: Array<{ id: string; label: string }>;
}

function filterForm(
  ctx: PageContext,
  pilot: { code: string; survey: Survey },
  q: OpenAnswersQuery,
  o: FormOptions,
  surveyT: SurveyT,
  questionLabel: (id: string) => string,
) {
  const { t } = ctx;
  const option = (value: string | number, label: string, current: string | number | undefined) =>
    html`<option value="${value}" ${current === value ? 'selected' : ''}>${label}</option>`;
  const select = (name: string, options: Html[]) =>
    html`<label>${t(`answers.filter.${name}`)}<select name="${name}"><option value="">${t('answers.all')}</option>${options}</select></label>`;
  const indicatorName = (id: string) => t(`${id}.name`, { ns: 'indicators' });
  const outcomes = INDICATORS.filter((i) => !q.indicator || i.id === q.indicator).flatMap((i) =>
    i.outcomes.map((oc) => option(oc, `${indicatorName(i.id)}: ${t(`${i.id}.outcomes.${oc}`, { ns: 'indicators' })}`, q.outcome)),
  );
  return html`<form class="filters card" method="get" action="/pilots/${pilot.code}/answers" aria-label="${t('answers.filters')}">
<label>${t('answers.filter.q')}<input type="search" name="q" value="${q.q ?? ''}" maxlength="500"></label>
${select(
  'indicator',
  INDICATORS.map((i) => option(i.id, indicatorName(i.id), q.indicator)),
)}${select('outcome', outcomes)}${select(
  'question',
  o.questions.map((id) => option(id, questionLabel(id), q.question)),
)}${select(
  'language',
  o.languages.map((l) => option(l, l, q.language)),
)}${groupSelect(ctx, pilot.survey, q.group, surveyT)}${select(
  'wave',
  o.waves.map((w) => option(w, String(w), q.wave)),
)}${select(
  'modality',
  MODALITIES.map((m) => option(m, t(`answers.modality.${m}`), q.modality)),
)}${select('code', [option(UNCODED, t('answers.uncoded'), q.code), ...o.codes.map((c) => option(c.id, c.label, q.code))])}
<button class="primary" type="submit">${t('answers.apply')}</button></form>`;
}

/** The query string of the next page: the same filters, after the last answer shown. */
function nextHref(code: string, q: OpenAnswersQuery, after: string): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...q, after })) if (v !== undefined && v !== '') p.set(k, String(v));
  return `/pilots/${code}/answers?${p.toString()}`;
}

export function registerAnswers(server: FastifyInstance, deps: DashboardDeps): void {
  const open = new OpenAnswers(deps.db, deps.rule.minRespondents);

  server.get('/pilots/:code/answers', { config: { roles: QUOTE_ROLES } }, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const pilot = await pilotOr404(deps, (req.params as { code: string }).code, reply, ctx);
    if (!pilot) return reply;
    const q = parseOr400(openAnswersQuery, req.query, reply, ctx);
    if (!q) return reply;
    const filter = toOpenFilter(q);
    if (filter.group && !breakdownOr400(ctx, pilot.survey, {}, { group: filter.group }, reply)) return reply;
    const surveyT = (key: string) => deps.i18n.getFixedT(ctx.lng)(key, { ns: pilot.survey.namespace });
    const questionLabel = (id: string) => {
      const question = pilot.survey.questions.find((x) => x.id === id);
      return question ? surveyT(question.textKey) : id;
    };
    // Storage refuses phone-like and e-mail searches itself; the scrubber here adds IBANs, BSNs, addresses and URLs.
    const result: OpenAnswersResult = holdsPersonalDetail(filter.search)
      ? { status: 'refused', reason: 'personal_detail' }
      : await open.page(pilot.code, filter, q.after ?? null);
    const title = `${t('answers.title')}: ${pilot.name}`;
    const head = html`<h1>${title}</h1><p><a href="/pilots/${pilot.code}">${t('answers.back')}</a></p>
${filterForm(ctx, pilot, q, await open.facets(pilot.code), surveyT, questionLabel)}
<p class="muted">${t('answers.rule', { count: deps.rule.minRespondents })}</p>`;
    if (result.status === 'refused')
      return sendPage(
        reply,
        ctx,
        title,
        html`${head}<div class="notice error" role="alert" data-search-refused>${t(`answers.refused.${result.reason}`)}</div>`,
      );
    if (result.status === 'too_few')
      return sendPage(
        reply,
        ctx,
        title,
        html`${head}<div class="notice" role="status" data-small-group>${t('answers.too_few', { count: result.minimum })}</div>`,
      );
    // Codes and the shareable mark, with the forms to change them for those who may (bot/web/dashboard/pages/coding-controls.ts).
    const codebook = await codebookView(deps, pilot.code, pilot.role);
    const coding = (a: OpenAnswer) =>
      codingControls(ctx, pilot.code, { id: a.answerId, indicator: a.indicator, codeIds: a.codes.map((c) => c.id), shared: a.shared }, codebook, ctx.csrf);
    const items = result.items.map((a) => answerBlock(ctx, a, questionLabel, coding));
    const more = result.next ? html`<p><a href="${nextHref(pilot.code, q, result.next)}" rel="next" data-next>${t('answers.next')}</a></p>` : '';
    return sendPage(
      reply,
      ctx,
      title,
      html`${head}<p role="status" data-total="${result.total}"${result.totalCapped ? raw(' data-total-capped') : ''}>${t(result.totalCapped ? 'answers.total_capped' : 'answers.total', { count: result.total })}</p>${items.length ? items : html`<p>${t('answers.none')}</p>`}${more}`,
    );
  });
}
