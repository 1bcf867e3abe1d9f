/**
 * The pilot builder: `/pilots/new` (name, organisation, indicators, languages → a draft
 * assembled from the bank like `stemmen survey new`), `/pilots/:code/build` (questions with
 * their texts and translation status per language, background questions, order, the scale
 * method's follow-ups, channels and languages, the minutes estimate and every problem of the
 * CLI's validator inline) and the create step (the code path of `stemmen pilot create`).
 * Plain forms with PRG; no script.
 * @module
 */
import { existsSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { INDICATORS } from '../../../../../surveys/indicators.ts';
import { endonym, direction } from '../../../../../surveys/languages.ts';
import { readLocales } from '../../../../i18n.ts';
import { readReview, reviewOf } from '../../../../locale-files.ts';
import { createPilot, drawPilotCode, PILOT_CHANNELS } from '../../../../pilot-create.ts';
import { writeBankSurvey } from '../../../../survey-assembly.ts';
import { UsageError } from '../../../../usage-error.ts';
import { roleIn } from '../../../access.ts';
import { pageContext, parseOr400, sendError, sendPage, type DashboardDeps } from '../../context.ts';
import { html } from '../../html.ts';
import { csrfField, type PageContext } from '../../layout.ts';
import {
  applyEdit,
  bankQuestions,
  checkDraft,
  draftDir,
  draftFile,
  issueQuestion,
  readMeta,
  readSpec,
  SCALE_PARTS,
  writeMeta,
  writeSpec,
  type Edit,
  listDrafts,
} from './draft.ts';
import { BUILD_ROLES, type BuilderDeps } from './deps.ts';

const many = z.union([z.string(), z.array(z.string())]).transform((v) => [v].flat());
const NewForm = z.object({ name: z.string().trim().min(1).max(100), organisation: z.string().min(1), indicators: many, languages: many });
const EditForm = z.object({
  op: z.enum(['up', 'down', 'remove', 'add', 'scale', 'settings']),
  id: z
    .string()
    .regex(/^[a-z0-9_]{1,64}$/)
    .optional(),
  part: z.enum(SCALE_PARTS).optional(),
  ask: z.enum(['off', 'low', 'all']).optional(),
  name: z.string().max(100).optional(),
  languages: many.optional(),
  channels: many.optional(),
});

/** Organisations where the user may build. */
function buildOrgs(ctx: PageContext, all: readonly string[]): string[] {
  return all.filter((o) => {
    const r = ctx.user ? roleIn(ctx.user, o) : null;
    return r !== null && BUILD_ROLES.includes(r);
  });
}

export function registerBuilder(server: FastifyInstance, deps: DashboardDeps, b: BuilderDeps): void {
  const cfg = { config: { roles: BUILD_ROLES } };
  const orgs = async () => (await deps.db.selectFrom('organisations').select('id').execute()).map((o) => o.id);
  const bankLangs = () => readLocales(b.localesDir).languages.filter((l) => existsSync(`${b.localesDir}/${l}/bank.json`));

  /**
   * The draft of this code and whether the user may change it; 404 for another organisation's
   * (or no) draft, 403 when `write` and the user only reads there. Else an error page was sent.
   */
  const draftOr404 = async (code: string, reply: FastifyReply, ctx: PageContext, write = true) => {
    const meta = /^[a-z0-9-]{3,32}$/.test(code) ? readMeta(b.dataDir, code) : null;
    const role = meta && ctx.user ? roleIn(ctx.user, meta.organisationId) : null;
    if (!meta || !role) return void sendError(reply, ctx, 404, ctx.t('errors.not_found'));
    if (write && !BUILD_ROLES.includes(role)) return void sendError(reply, ctx, 403, ctx.t('errors.forbidden', { role: ctx.t(`roles.${role}`) }));
    // A created pilot's survey is live: answers are stored against it, so the draft is frozen.
    const created = (await deps.store.pilots.find(code)) !== undefined;
    if (write && created) return void sendError(reply, ctx, 400, ctx.t('builder.already_created'));
    return Object.assign(meta, { canBuild: BUILD_ROLES.includes(role) && !created, created });
  };

  server.get('/pilots/new', cfg, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const mine = buildOrgs(ctx, await orgs());
    const langs = bankLangs();
    // `?indicators=work,health`: preselected, e.g. from the workshop's red indicators.
    const query = (req.query as Record<string, unknown>).indicators;
    const picked = new Set(typeof query === 'string' ? query.split(',') : []);
    const created = new Set((await deps.store.pilots.list()).map((p) => p.code));
    const drafts = listDrafts(b.dataDir).filter((d) => !created.has(d.code) && mine.includes(d.meta.organisationId));
    const resume = drafts.length
      ? html`<section class="card"><h2>${t('builder.drafts')}</h2><ul>${drafts.map((d) => html`<li><a href="/pilots/${d.code}/build">${d.meta.name}</a> <span class="muted">(${d.code})</span></li>`)}</ul></section>`
      : '';
    return sendPage(
      reply,
      ctx,
      t('builder.new_title'),
      html`<h1>${t('builder.new_title')}</h1>${resume}<form method="post" action="/pilots/new" class="card">${csrfField(ctx)}
<label>${t('builder.name')} <input name="name" required maxlength="100"></label>
<label>${t('builder.organisation')} <select name="organisation">${mine.map((o) => html`<option value="${o}">${o}</option>`)}</select></label>
<fieldset><legend>${t('builder.indicators')}</legend><div class="grid">${INDICATORS.map(
        (i) =>
          html`<label><input type="checkbox" name="indicators" value="${i.id}"${picked.has(i.id) ? ' checked' : ''}> ${t(`${i.id}.name`, { ns: 'indicators' })}</label>`,
      )}</div></fieldset>
<fieldset><legend>${t('builder.languages')}</legend><div class="grid">${langs.map(
        (l) =>
          html`<label><input type="checkbox" name="languages" value="${l}"${l === 'en' ? ' checked' : ''}> <span lang="${l}" dir="${direction(l)}">${endonym(l)}</span> (${l})</label>`,
      )}</div></fieldset>
<p><button class="primary">${t('builder.start')}</button></p></form>`,
    );
  });

  server.post('/pilots/new', cfg, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const f = parseOr400(NewForm, req.body, reply, ctx);
    if (!f) return reply;
    if (!buildOrgs(ctx, await orgs()).includes(f.organisation)) return sendError(reply, ctx, 403, ctx.t('errors.forbidden', { role: '' }));
    const taken = new Set((await deps.store.pilots.list()).map((p) => p.code));
    const code = drawPilotCode((c) => taken.has(c) || existsSync(draftDir(b.dataDir, c)));
    try {
      writeBankSurvey(b.localesDir, {
        indicators: f.indicators,
        languages: f.languages,
        out: draftFile(b.dataDir, code),
        id: `pilot-${code}`,
        all: false,
        force: false,
        allTexts: true,
      });
    } catch (e) {
      if (e instanceof UsageError) return sendError(reply, ctx, 400, e.message);
      throw e;
    }
    writeMeta(b.dataDir, code, { name: f.name, organisationId: f.organisation, channels: ['telegram'] });
    return reply.redirect(`/pilots/${code}/build`, 303);
  });

  // Everyone of the organisation reads the draft; only builders see and use its forms.
  server.get<{ Params: { code: string } }>('/pilots/:code/build', async (req, reply) => {
    const ctx = pageContext(deps, req);
    const meta = await draftOr404(req.params.code, reply, ctx, false);
    if (!meta) return reply;
    return sendPage(reply, ctx, ctx.t('builder.title', { name: meta.name }), buildPage(ctx, b, req.params.code, meta, bankLangs()));
  });

  server.post<{ Params: { code: string } }>('/pilots/:code/build', cfg, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const code = req.params.code;
    const meta = await draftOr404(code, reply, ctx);
    if (!meta) return reply;
    const f = parseOr400(EditForm, req.body, reply, ctx);
    if (!f) return reply;
    const edit: Edit =
      f.op === 'settings'
        ? {
            op: 'settings',
            languages: f.languages ?? [],
            channels: (f.channels ?? []).filter((c) => (PILOT_CHANNELS as readonly string[]).includes(c)),
            name: f.name ?? '',
          }
        : f.op === 'scale'
          ? { op: 'scale', id: f.id ?? '', part: f.part ?? 'why', ask: f.ask ?? 'off' }
          : { op: f.op, id: f.id ?? '' };
    const spec = readSpec(b.dataDir, code);
    if (!applyEdit(spec, meta, edit)) return sendError(reply, ctx, 400, ctx.t('builder.no_question'));
    writeSpec(b.dataDir, code, spec);
    writeMeta(b.dataDir, code, meta);
    return reply.redirect(`/pilots/${code}/build${f.id ? `#q-${f.id}` : ''}`, 303);
  });

  server.post<{ Params: { code: string } }>('/pilots/:code/create', cfg, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const code = req.params.code;
    const meta = await draftOr404(code, reply, ctx);
    if (!meta) return reply;
    const checked = checkDraft(b.dataDir, code, readLocales(b.localesDir));
    if (!checked.ok || meta.channels.length === 0) return reply.redirect(`/pilots/${code}/build`, 303);
    const file = draftFile(b.dataDir, code);
    const created = await createPilot(
      deps.db,
      { name: meta.name, survey: checked.loaded.survey, surveyFile: file, channels: meta.channels, code, organisationId: meta.organisationId },
      deps.now().toISOString(),
    );
    if (!created.ok) return sendError(reply, ctx, 400, ctx.t(`builder.${created.problem}`));
    b.loadPilotSurvey({ code, surveyId: checked.loaded.survey.id, surveyFile: file });
    return reply.redirect(`/pilots/${code}/launch`, 303);
  });
}

type Raw = Record<string, unknown>;

function buildPage(
  ctx: PageContext,
  b: BuilderDeps,
  code: string,
  meta: { name: string; channels: string[]; canBuild: boolean; created: boolean },
  langs: string[],
) {
  const { t } = ctx;
  const spec = readSpec(b.dataDir, code);
  const qs = spec.questions as Raw[];
  const languages = spec.languages as string[];
  const locales = readLocales(b.localesDir);
  const checked = checkDraft(b.dataDir, code, locales);
  const textsDir = `${draftDir(b.dataDir, code)}/locales`;
  const own = readLocales(textsDir);
  const review = readReview(textsDir);
  const ns = `survey-pilot-${code}`;
  const status = (lng: string, key: string) => {
    const has = own.resources[lng]?.[ns] !== undefined && lookup(own.resources[lng]![ns], key) !== undefined;
    if (!has) return 'untranslated';
    return reviewOf(review, lng, ns)?.status ?? 'machine-draft';
  };
  const btn = (op: string, id: string, label: string, extra = html``) =>
    !meta.canBuild
      ? ''
      : html`<form method="post" action="/pilots/${code}/build">${csrfField(ctx)}<input type="hidden" name="op" value="${op}"><input type="hidden" name="id" value="${id}">${extra}<button>${label}</button></form>`;
  const issues = checked.ok ? checked.loaded.warnings : checked.issues;
  const problems = issues.map((i) => {
    const q = issueQuestion(spec, i.path);
    return html`<li data-issue="${i.severity}"><strong>${q ?? t('builder.survey_place')}</strong>: ${i.message}</li>`;
  });
  const questionRows = qs.map((q, i) => {
    const id = String(q.id);
    const key = typeof q.text === 'string' ? q.text : `q.${id}.text`;
    const texts = languages.map(
      (l) =>
        html`<tr><td>${l}</td><td lang="${l}" dir="${direction(l)}">${String(lookup(own.resources[l]?.[ns], key) ?? '')}</td><td data-status="${l}">${t(`builder.status.${status(l, key)}`)}</td></tr>`,
    );
    const scale =
      q.type === 'scale'
        ? SCALE_PARTS.map((part) => {
            const cur = String((q.scaleMethod as Raw | undefined)?.[part] ?? 'off');
            return btn(
              'scale',
              id,
              t('builder.set'),
              html`<input type="hidden" name="part" value="${part}"><label>${t(`builder.scale.${part}`)} <select name="ask">${['off', 'low', 'all'].map(
                (a) => html`<option value="${a}"${a === cur ? ' selected' : ''}>${t(`builder.ask.${a}`)}</option>`,
              )}</select></label>`,
            );
          })
        : '';
    return html`<li class="card" id="q-${id}" data-question="${id}"><strong>${i + 1}. ${id}</strong> <span class="muted">${q.role === 'background' ? t('builder.background') : `${t(`${String(q.indicator)}.name`, { ns: 'indicators' })} · ${String(q.outcome)}`}</span>
<div class="filters">${btn('up', id, t('builder.up'))}${btn('down', id, t('builder.down'))}${btn('remove', id, t('builder.remove'))}</div>
<div class="filters">${scale}</div>
<details><summary>${t('builder.texts')}</summary><table><thead><tr><th>${t('builder.language')}</th><th>${t('builder.text')}</th><th>${t('builder.translation')}</th></tr></thead><tbody>${texts}</tbody></table></details></li>`;
  });
  const inDraft = new Set(qs.map((q) => String(q.id)));
  const bank = bankQuestions().filter((q) => !inDraft.has(String(q.id)));
  const options = bank.map(
    (q) =>
      html`<option value="${String(q.id)}">${q.role === 'background' ? t('builder.background') : t(`${String(q.indicator)}.name`, { ns: 'indicators' })} · ${String(q.outcome ?? q.id)}: ${String(lookup(locales.resources[ctx.lng]?.bank ?? locales.resources.en?.bank, `q.${String(q.id)}.text`) ?? q.id)}</option>`,
  );
  const ready = checked.ok && meta.channels.length > 0;
  return html`<h1>${t('builder.title', { name: meta.name })} <span class="muted" dir="ltr">(${code})</span></h1>
<p data-minutes>${checked.ok ? t('builder.minutes', { count: checked.loaded.estimatedMinutes }) : t('builder.minutes_unknown')}</p>
<section class="card" aria-live="polite"><h2>${t('builder.problems')}</h2>${problems.length ? html`<ul data-problems>${problems}</ul>` : html`<p data-no-problems>${t('builder.no_problems')}</p>`}</section>
<h2>${t('builder.questions')}</h2><ol class="plain">${questionRows}</ol>
${meta.canBuild ? html`<form method="post" action="/pilots/${code}/build" class="card filters">${csrfField(ctx)}<input type="hidden" name="op" value="add"><label>${t('builder.add')} <select name="id">${options}</select></label><button>${t('builder.add_button')}</button></form>` : meta.created ? html`<p class="notice" data-created><a href="/pilots/${code}/launch">${t('builder.created')}</a></p>` : html`<p class="notice" data-read-only>${t('builder.read_only')}</p>`}
<h2>${t('builder.settings')}</h2>${
    meta.canBuild
      ? html`<form method="post" action="/pilots/${code}/build" class="card">${csrfField(ctx)}<input type="hidden" name="op" value="settings">
<label>${t('builder.name')} <input name="name" value="${meta.name}" maxlength="100"></label>
<fieldset><legend>${t('builder.channels')}</legend>${PILOT_CHANNELS.map((c) => html`<label><input type="checkbox" name="channels" value="${c}"${meta.channels.includes(c) ? ' checked' : ''}> ${c}</label>`)}</fieldset>
<fieldset><legend>${t('builder.languages')}</legend><div class="grid">${langs.map(
          (l) =>
            html`<label><input type="checkbox" name="languages" value="${l}"${languages.includes(l) ? ' checked' : ''}> <span lang="${l}" dir="${direction(l)}">${endonym(l)}</span> (${l})</label>`,
        )}</div></fieldset><button>${t('builder.save')}</button></form>
<form method="post" action="/pilots/${code}/create">${csrfField(ctx)}<button class="primary"${ready ? '' : ' disabled'}>${t('builder.create')}</button>${ready ? '' : html` <span class="muted">${t('builder.fix_first')}</span>`}</form>`
      : html`<p>${t('builder.channels')}: ${meta.channels.join(', ')} · ${t('builder.languages')}: ${languages.join(', ')}</p>`
  }`;
}

function lookup(tree: unknown, key: string): unknown {
  let node = tree;
  for (const p of key.split('.')) node = typeof node === 'object' && node !== null ? (node as Raw)[p] : undefined;
  return node;
}
