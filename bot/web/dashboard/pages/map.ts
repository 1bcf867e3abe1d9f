/**
 * The pilot overview (traffic-light map of the 14 indicators, by the framework's four
 * groups, with filters) and the indicator drill-down (outcome bars, value charts, written answers).
 * Nothing is shown of a selection of fewer people than MAP_MIN_RESPONDENTS but "too few".
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { Reports, type FreeText } from '../../../../storage/reports.ts';
import { largeEnough } from '../../../../surveys/aggregate.ts';
import { trafficLight } from '../../../../surveys/engine/traffic.ts';
import { findIndicator, INDICATOR_GROUPS } from '../../../../surveys/indicators.ts';
import { direction } from '../../../../surveys/languages.ts';
import { shownText } from '../../shown.ts';
import { choicesOf, numericRange, type Question } from '../../../../surveys/model.ts';
import { QUOTE_ROLES } from '../../access.ts';
import { filterQuery, indicatorSummaries, outcomeSummaries, toAnswerFilter, type FilterQuery, type LightSummary } from '../../reporting/traffic-map.ts';
import { chartLabels, stackedBars, valueBars } from '../charts.ts';
import { pageContext, parseOr400, pilotOr404, sendError, sendPage, type DashboardDeps } from '../context.ts';
import { html, type Html } from '../html.ts';
import type { PageContext } from '../layout.ts';
import { waveQuery, waveReport } from '../../reporting/wave-change.ts';
import { waveSection } from './waves.ts';
import { SplitReports } from '../../../../storage/split-reports.ts';
import { groupIndicatorMap, groupOutcomeMap, groupShown, splitFunnel, splitIndicatorMap, splitOutcomeMap } from '../../reporting/breakdown.ts';
import { breakdownOr400, groupLabel, splitFields, splitFunnelTable, splitTable } from './map-split.ts';
import { CodedQuotes } from '../../../../storage/coded-quotes.ts';
import { Coding } from '../../../../storage/coding.ts';
import { shownSharedQuotes } from '../../reporting/coding.ts';
import { codebookView, codingControls } from './coding-controls.ts';
import { sharedQuotesSection } from './shared-quotes.ts';

function filterForm(ctx: PageContext, action: string, q: FilterQuery, facets: { languages: string[]; channels: string[] }, extra: Html | '' = '') {
  const { t } = ctx;
  const select = (name: 'language' | 'channel', options: string[]) => html`<label>${t(`map.${name}`)}<select name="${name}">
<option value="">${t('map.all')}</option>${options.map((o) => html`<option value="${o}" ${q[name] === o ? 'selected' : ''}>${o}</option>`)}</select></label>`;
  return html`<form class="filters card" method="get" action="${action}" aria-label="${t('map.filters')}">
${select('language', facets.languages)}${select('channel', facets.channels)}${extra}
<label>${t('map.from')}<input type="date" name="from" value="${q.from ?? ''}"></label><label>${t('map.to')}<input type="date" name="to" value="${q.to ?? ''}"></label>
<button class="primary" type="submit">${t('map.apply')}</button></form>`;
}

const qs = (q: FilterQuery) => {
  const p = new URLSearchParams(Object.entries(q).filter(([, v]) => v) as Array<[string, string]>).toString();
  return p ? `?${p}` : '';
};

function bar(s: LightSummary) {
  if (!s.shares) return html`<svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true"></svg>`;
  // SVG geometry, not style attributes: the Content-Security-Policy allows no inline styles.
  const { red, orange, green } = s.shares;
  return html`<svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true"><rect class="r" x="0" width="${red}" height="8"></rect><rect class="o" x="${red}" width="${orange}" height="8"></rect><rect class="g" x="${red + orange}" width="${green}" height="8"></rect></svg>`;
}

const VIDEO_KINDS = new Set(['video', 'video_note']);

/** Text in its own language and direction; dir is isolated, so bidi controls inside cannot reorder the page. */
const inLanguage = (lng: string, text: string) => html`<span lang="${lng}" dir="${direction(lng)}">${shownText(text)}</span>`;

/** "Translation pending/failed" beside an answer whose translation is not there (yet). */
function translationState(ctx: PageContext, a: FreeText) {
  const s = a.translationStatus;
  if (s !== 'pending' && s !== 'failed') return '';
  return html`<span class="muted" data-translation-status="${s}">${ctx.t(`indicator.translation_${s}`)}</span><br>`;
}

/** One answer: typed text, or a recording with its player, transcript and translations; all scrubbed (bot/web/shown.ts). */
function freeText(ctx: PageContext, a: FreeText) {
  const { t } = ctx;
  const player = !a.hasMedia
    ? ''
    : VIDEO_KINDS.has(a.mediaKind ?? '')
      ? html`<video controls preload="none" width="240" src="/answers/${a.answerId}/media"></video><br>`
      : a.mediaKind === 'image'
        ? html`<img alt="" width="160" src="/answers/${a.answerId}/media"><br>`
        : html`<audio controls preload="none" src="/answers/${a.answerId}/media"></audio><br>`;
  const transcript =
    a.transcript === null
      ? ''
      : html`<span class="muted">${t('indicator.transcript', { language: a.transcriptLanguage ?? a.language })}</span><br>${inLanguage(a.transcriptLanguage ?? a.language, a.transcript)}<br>`;
  const translations = Object.entries(a.translations).map(
    ([lng, text]) => html`<span class="muted">${t('indicator.translation', { language: lng })}</span><br>${inLanguage(lng, text)}<br>`,
  );
  return html`<blockquote lang="${a.language}" dir="auto" data-answer-text>${player}${a.text === null ? '' : html`${inLanguage(a.language, a.text)}<br>`}${transcript}${translations}${translationState(ctx, a)}<span class="muted">${a.questionId} · ${a.language} · ${a.answeredAt.slice(0, 10)}${a.mediaKind ? ` · ${a.mediaKind}` : ''}</span></blockquote>`;
}

export function registerMap(server: FastifyInstance, deps: DashboardDeps): void {
  const reports = new Reports(deps.db);
  const splits = new SplitReports(deps.db);
  const coding = new Coding(deps.db, deps.newId);
  const quoteSources = { quotes: new CodedQuotes(deps.db), reports, splits };

  server.get('/pilots/:code', async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const pilot = await pilotOr404(deps, (req.params as { code: string }).code, reply, ctx);
    if (!pilot) return reply;
    const q = parseOr400(filterQuery, req.query, reply, ctx);
    if (!q) return reply;
    const filter = toAnswerFilter(q);
    const bd = breakdownOr400(ctx, pilot.survey, q, filter, reply);
    if (!bd) return reply;
    const surveyT = (key: string) => deps.i18n.getFixedT(ctx.lng)(key, { ns: pilot.survey.namespace });
    // One group: its column of the split, so the filter hides what the split hides.
    const summaries = bd.group
      ? await groupIndicatorMap(splits, pilot.code, filter, bd.group, deps.rule)
      : await indicatorSummaries(reports, pilot.code, filter, deps.rule);
    const only = bd.group
      ? html`<p class="notice" data-group-only>${t('split.only', { group: groupLabel(ctx, bd.group, bd.group.value, surveyT), question: surveyT(bd.group.question.textKey) })}</p>`
      : '';
    const split = bd.split;
    const splitView = split
      ? html`<h2>${t('split.title', { question: surveyT(split.question.textKey) })}</h2>${splitTable(
          ctx,
          split,
          await splitIndicatorMap(splits, pilot.code, filter, split, deps.rule),
          (id) => t(`${id}.name`, { ns: 'indicators' }),
          t('split.indicator'),
          surveyT,
          deps.rule.minRespondents,
        )}${splitFunnelTable(ctx, split, await splitFunnel(splits, pilot.code, split, deps.rule), surveyT)}`
      : '';
    const wq = parseOr400(waveQuery, req.query, reply, ctx);
    if (!wq) return reply;
    const waves = waveSection(ctx, pilot.code, await waveReport(deps.db, pilot.code, wq.wave, deps.rule));
    const groups = INDICATOR_GROUPS.map(
      (g) => html`<section><h2>${t(`groups.${g}`, { ns: 'indicators' })}</h2><div class="grid">
${summaries
  .filter((s) => s.group === g)
  .map(
    (s) => html`<a class="tile ${s.aggregate}" data-indicator="${s.id}" data-aggregate="${s.aggregate}" href="/pilots/${pilot.code}/indicators/${s.id}${qs(q)}">
<strong>${t(`${s.id}.name`, { ns: 'indicators' })}</strong>${bar(s)}
<span>${t(`map.aggregate.${s.aggregate}`)}</span>${s.respondents !== null ? html` · <span class="muted">${t('map.respondents', { count: s.respondents })}</span>` : ''}
${s.respondents && s.shares ? html`<br><span class="muted">${t('map.shares', { ...s.shares })}</span>` : ''}</a>`,
  )}
</div></section>`,
    );
    // Beside the map, for everyone: the quotes researchers marked shareable (all viewers see of what people said).
    const shared = sharedQuotesSection(ctx, await shownSharedQuotes(quoteSources, pilot.code, filter, bd.group, deps.rule), true);
    const title = `${t('map.title')}: ${pilot.name}`;
    return sendPage(
      reply,
      ctx,
      title,
      html`<h1>${title}</h1>${QUOTE_ROLES.includes(pilot.role) ? html`<p><a href="/pilots/${pilot.code}/answers" data-answers-link>${t('answers.link')}</a></p>` : ''}${filterForm(ctx, `/pilots/${pilot.code}`, q, await reports.facets(pilot.code), splitFields(ctx, pilot.survey, q, surveyT))}
<p class="muted">${t('map.rule', { red: Math.round(deps.rule.redShare * 100), green: Math.round(deps.rule.greenShare * 100) })} ${t('map.min_rule', { count: deps.rule.minRespondents })}</p>${only}${split ? splitView : groups}${shared}${waves}`,
    );
  });

  server.get('/pilots/:code/indicators/:indicator', async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const params = req.params as { code: string; indicator: string };
    const pilot = await pilotOr404(deps, params.code, reply, ctx);
    if (!pilot) return reply;
    const indicator = findIndicator(params.indicator);
    if (!indicator) return sendError(reply, ctx, 404, t('errors.not_found'));
    const q = parseOr400(filterQuery, req.query, reply, ctx);
    if (!q) return reply;
    const filter = toAnswerFilter(q);
    const bd = breakdownOr400(ctx, pilot.survey, q, filter, reply);
    if (!bd) return reply;
    const name = t(`${indicator.id}.name`, { ns: 'indicators' });
    const group = await reports.respondentsOfIndicator(pilot.code, indicator.id, filter);
    const role = pilot.role;
    const surveyT = (key: string) => deps.i18n.getFixedT(ctx.lng)(key, { ns: pilot.survey.namespace });
    const head = html`<h1>${name}: ${pilot.name}</h1>
<p><a href="/pilots/${pilot.code}${qs(q)}">${t('indicator.back')}</a>${role === 'admin' || role === 'coordinator' ? html` · <a href="/pilots/${pilot.code}/queue?indicator=${indicator.id}">${t('indicator.queue')}</a>` : ''}</p>
${filterForm(ctx, `/pilots/${pilot.code}/indicators/${indicator.id}`, q, await reports.facets(pilot.code), splitFields(ctx, pilot.survey, q, surveyT))}`;
    // Small-group protection: a selection of fewer people shows no bar, chart or quote at all;
    // one group also not when its cell of the split is hidden (it would follow by subtraction).
    const groupHidden = bd.group ? !(await groupShown(splits, pilot.code, indicator.id, filter, bd.group, deps.rule)) : false;
    if (groupHidden || !largeEnough(group.total, deps.rule)) {
      return sendPage(
        reply,
        ctx,
        name,
        html`${head}<div class="notice" role="status" data-small-group>${t('indicator.small_group', { count: deps.rule.minRespondents })}</div>`,
      );
    }
    const outcomes = bd.group
      ? await groupOutcomeMap(splits, pilot.code, indicator.id, filter, bd.group, deps.rule)
      : await outcomeSummaries(reports, pilot.code, indicator.id, filter, deps.rule);
    const outcomeLabel = (o: string) => t(`${indicator.id}.outcomes.${o}`, { ns: 'indicators' });
    const split = bd.split;
    const splitView = split
      ? html`<h2>${t('split.title', { question: surveyT(split.question.textKey) })}</h2>${splitTable(
          ctx,
          split,
          await splitOutcomeMap(splits, pilot.code, indicator.id, filter, split, deps.rule),
          outcomeLabel,
          t('split.outcome'),
          surveyT,
          deps.rule.minRespondents,
        )}<p class="muted">${t('split.drill_note')}</p>`
      : '';
    const values = await reports.valueCounts(pilot.code, indicator.id, filter);
    // Viewers (policy makers) get aggregates only: no quotes.
    const quotes = QUOTE_ROLES.includes(role);
    const texts = quotes && group.total > 0 ? await reports.freeTextAnswers(pilot.code, indicator.id, filter) : [];
    const codebook = await codebookView(deps, pilot.code, role);
    const coded = await coding.codingOf(
      pilot.code,
      texts.map((a) => a.answerId),
    );
    const controls = (a: FreeText) => {
      const c = coded.get(a.answerId);
      return codingControls(
        ctx,
        pilot.code,
        { id: a.answerId, indicator: indicator.id, codeIds: c?.codeIds ?? [], shared: c?.shared ?? false },
        codebook,
        ctx.csrf,
      );
    };
    // Viewers see only what researchers marked shareable.
    const sharedHere = quotes
      ? ''
      : sharedQuotesSection(ctx, await shownSharedQuotes(quoteSources, pilot.code, filter, bd.group, deps.rule, indicator.id), false);
    const questions = pilot.survey.questions.filter((qq) => qq.indicator === indicator.id && (numericRange(qq) !== null || choicesOf(qq).length > 0));
    const charts = questions.map((qq) => {
      const caption = html`<figcaption><strong>${surveyT(qq.textKey)}</strong> <span class="muted">(${qq.id})</span></figcaption>`;
      if (!largeEnough(group.byQuestion.get(qq.id) ?? 0, deps.rule))
        return html`<figure class="card" data-question="${qq.id}" data-small-group>${caption}<p class="muted">${t('map.aggregate.small_group')}</p></figure>`;
      const bars = barsOf(
        qq,
        values.filter((v) => v.questionId === qq.id),
        surveyT,
      );
      return html`<figure class="card" data-question="${qq.id}">${caption}${valueBars(bars, surveyT(qq.textKey), chartLabels(t))}</figure>`;
    });
    const shown = outcomes.filter((o) => o.tally !== null);
    const hidden = outcomes.filter((o) => o.tally === null);
    const body = html`${head}
<h2>${t('indicator.outcomes')}</h2>
<div class="card">${stackedBars(
      shown.map((o) => ({ label: `${outcomeLabel(o.id)}: ${t(`map.aggregate.${o.aggregate}`)}`, tally: o.tally! })),
      t('indicator.outcomes'),
      chartLabels(t),
    )}
${hidden.length ? html`<p class="muted">${t('map.aggregate.small_group')}: ${hidden.map((o) => outcomeLabel(o.id)).join(', ')}</p>` : ''}</div>${splitView}
<h2>${t('indicator.values')}</h2>${charts.length ? charts : html`<p>${t('indicator.none')}</p>`}
${
  quotes
    ? html`<h2>${t('indicator.free_text')}</h2><p class="muted">${t('indicator.media_note')}</p>
<p><a href="/pilots/${pilot.code}/codebook">${t('coding.title')}</a></p>
${texts.length ? texts.map((a) => html`${freeText(ctx, a)}${controls(a)}`) : html`<p>${t('indicator.none')}</p>`}`
    : sharedHere
}`;
    return sendPage(reply, ctx, name, body);
  });
}

/** The bars of one question: every scale point (zeros included) or every choice, coloured by the question's rule. */
function barsOf(q: Question, counts: Array<{ number: number | null; choices: string[] | null; n: number }>, surveyT: (k: string) => string) {
  const light = (v: number | string[]): 'red' | 'orange' | 'green' | 'none' => trafficLight(q.traffic, v) ?? 'none';
  const choices = choicesOf(q);
  if (choices.length > 0) {
    const tally = new Map<string, number>();
    for (const c of counts) for (const id of c.choices ?? []) tally.set(id, (tally.get(id) ?? 0) + c.n);
    return choices.map((c) => ({ label: surveyT(c.textKey), n: tally.get(c.id) ?? 0, light: light([c.id]) }));
  }
  const byValue = new Map<number, number>();
  for (const c of counts) if (c.number !== null) byValue.set(c.number, (byValue.get(c.number) ?? 0) + c.n);
  const { min, max, integer } = numericRange(q) ?? { min: null, max: null, integer: false };
  const points =
    min !== null && max !== null && max - min <= 20 && integer
      ? Array.from({ length: max - min + 1 }, (_, i) => min + i)
      : [...byValue.keys()].sort((a, b) => a - b);
  return points.map((v) => ({ label: String(v), n: byValue.get(v) ?? 0, light: light(v) }));
}
