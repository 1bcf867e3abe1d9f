/**
 * The map, drill-down and funnel split by a background question: the "split by" and group
 * selectors, and tables with one column per group (its n on top). A hidden cell is grey
 * "too few": no colour, number, share or quote (see reporting/breakdown.ts for the rule).
 * @module
 */
import type { FastifyReply } from 'fastify';
import type { Survey } from '../../../../surveys/model.ts';
import { choicesOf } from '../../../../surveys/model.ts';
import {
  backgroundQuestions,
  isPreferNot,
  NOT_ANSWERED,
  resolveBreakdown,
  type Breakdown,
  type SplitCell,
  type SplitGroup,
  type SplitQuestion,
  type SplitRows,
} from '../../reporting/breakdown.ts';
import type { FilterQuery } from '../../reporting/traffic-map.ts';
import type { AnswerFilter } from '../../../../storage/reports.ts';
import { sendError } from '../context.ts';
import { html } from '../html.ts';
import type { PageContext } from '../layout.ts';

type SurveyT = (key: string) => string;

/** The label of a group in the dashboard language (a choice's text, or "not answered"). */
export function groupLabel(ctx: PageContext, sq: SplitQuestion, group: string, surveyT: SurveyT): string {
  if (group === NOT_ANSWERED) return ctx.t('split.not_answered');
  const c = choicesOf(sq.question).find((x) => x.id === group);
  return c ? surveyT(c.textKey) : group;
}

/** The request's split and group, or a 400 page naming the bad one and the valid ones (then undefined). */
export function breakdownOr400(ctx: PageContext, survey: Survey, q: FilterQuery, filter: AnswerFilter, reply: FastifyReply): Breakdown | undefined {
  const b = resolveBreakdown(survey, q, filter);
  if (b.ok) return b.value;
  const valid = b.issue.valid.length ? b.issue.valid.join(', ') : ctx.t('split.errors.none');
  void sendError(reply, ctx, 400, ctx.t(`split.errors.${b.issue.code}`, { id: b.issue.id, valid }));
  return undefined;
}

/** The "split by" and group selects for the filter form (nothing when the survey has no background questions). */
export function splitFields(ctx: PageContext, survey: Survey, q: FilterQuery, surveyT: SurveyT) {
  const { t } = ctx;
  const questions = backgroundQuestions(survey);
  if (questions.length === 0) return '';
  return html`<label>${t('split.by')}<select name="split" data-split-select>
<option value="">${t('split.none')}</option>${questions.map((bq) => html`<option value="${bq.id}" ${q.split === bq.id ? 'selected' : ''}>${surveyT(bq.textKey)}</option>`)}</select></label>
${groupSelect(ctx, survey, q.group, surveyT)}`;
}

/** The select of one group (`<background question>:<value>`, "not answered" included); nothing without background questions. */
export function groupSelect(ctx: PageContext, survey: Survey, selected: string | undefined, surveyT: SurveyT) {
  const { t } = ctx;
  const questions = backgroundQuestions(survey);
  if (questions.length === 0) return '';
  const groups = questions.flatMap((bq) => [
    ...choicesOf(bq)
      .filter((c) => !isPreferNot(c.id))
      .map((c) => ({ value: `${bq.id}:${c.id}`, label: `${surveyT(bq.textKey)}: ${surveyT(c.textKey)}` })),
    { value: `${bq.id}:${NOT_ANSWERED}`, label: `${surveyT(bq.textKey)}: ${t('split.not_answered')}` },
  ]);
  return html`<label>${t('split.group')}<select name="group" data-group-select>
<option value="">${t('split.all_groups')}</option>${groups.map((g) => html`<option value="${g.value}" ${selected === g.value ? 'selected' : ''}>${g.label}</option>`)}</select></label>`;
}

function head(ctx: PageContext, sq: SplitQuestion, groups: readonly SplitGroup[], first: string, surveyT: SurveyT) {
  return html`<thead><tr><th scope="col">${first}</th>${groups.map(
    (g) =>
      html`<th scope="col" data-group="${g.id}">${groupLabel(ctx, sq, g.id, surveyT)}<br><span class="muted" data-group-n>${g.respondents === null ? ctx.t('split.hidden') : ctx.t('split.people', { n: g.respondents })}</span></th>`,
  )}</tr></thead>`;
}

function cell(ctx: PageContext, rowId: string, c: SplitCell) {
  const s = c.summary;
  if (s.aggregate === 'small_group')
    return html`<td data-cell="${rowId}:${c.group}" data-aggregate="small_group"><div class="tile small_group">${ctx.t('split.hidden')}</div></td>`;
  return html`<td data-cell="${rowId}:${c.group}" data-aggregate="${s.aggregate}"><div class="tile ${s.aggregate}">${ctx.t(`map.aggregate.${s.aggregate}`)}${
    s.respondents ? html`<br><span class="muted">${ctx.t('split.people', { n: s.respondents })}</span>` : ''
  }${s.shares && s.respondents ? html`<br><span class="muted">${ctx.t('map.shares', { ...s.shares })}</span>` : ''}</div></td>`;
}

/** Indicators (or outcomes) as rows, groups side by side as columns. */
export function splitTable(
  ctx: PageContext,
  sq: SplitQuestion,
  m: SplitRows<{ id: string; cells: SplitCell[] }>,
  rowLabel: (id: string) => string,
  first: string,
  surveyT: SurveyT,
  minRespondents: number,
) {
  return html`<div class="scroll" tabindex="0"><table data-split="${sq.question.id}">${head(ctx, sq, m.groups, first, surveyT)}<tbody>${m.rows.map(
    (r) => html`<tr><th scope="row">${rowLabel(r.id)}</th>${r.cells.map((c) => cell(ctx, r.id, c))}</tr>`,
  )}</tbody></table></div>
<p class="muted">${ctx.t('split.rule', { count: minRespondents })}</p>`;
}

/** Started, completed and the completion rate per group. */
export function splitFunnelTable(
  ctx: PageContext,
  sq: SplitQuestion,
  rows: ReadonlyArray<{ group: string; started: number | null; completed: number | null; completionRate: number | null }>,
  surveyT: SurveyT,
) {
  const { t } = ctx;
  return html`<h2>${t('split.funnel')}</h2><div class="scroll" tabindex="0"><table data-split-funnel="${sq.question.id}"><thead><tr><th scope="col">${t('split.group')}</th><th scope="col">${t('split.started')}</th><th scope="col">${t('split.completed')}</th><th scope="col">${t('split.completion')}</th></tr></thead><tbody>${rows.map(
    (r) =>
      html`<tr data-group="${r.group}"><td>${groupLabel(ctx, sq, r.group, surveyT)}</td>${
        r.started === null
          ? html`<td colspan="3" class="muted">${t('split.hidden')}</td>`
          : html`<td>${r.started}</td><td>${r.completed}</td><td>${r.completionRate === null ? '—' : `${Math.round(r.completionRate * 100)} %`}</td>`
      }</tr>`,
  )}</tbody></table></div><p class="muted">${t('split.funnel_note')}</p>`;
}
