/**
 * The page shell (navigation, language switch, style) and the per-request language.
 * @module
 */
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import type { TFunction } from 'i18next';
import type { Role, User } from '../../../storage/accounts.ts';
import { direction, ENDONYMS } from '../../../surveys/languages.ts';
import { html, raw, type Html } from './html.ts';

/** The dashboard's languages (locales/<lng>/dashboard.json; scripts/checks/locales.ts requires them). */
export const DASHBOARD_LANGUAGES = ['en', 'nl', 'ar', 'ti'] as const;
export const LANGUAGE_COOKIE = 'stemmen_lng';

const isDashboardLanguage = (l: string): boolean => (DASHBOARD_LANGUAGES as readonly string[]).includes(l);

/** The dashboard language: the cookie set by the switch, else the browser's first preference we have, else English. */
export function languageOf(req: FastifyRequest): string {
  const c = req.cookies[LANGUAGE_COOKIE];
  if (c && isDashboardLanguage(c)) return c;
  for (const part of String(req.headers['accept-language'] ?? '').split(',')) {
    const base = part.trim().split(/[-_;]/)[0]!.toLowerCase();
    if (isDashboardLanguage(base)) return base;
  }
  return 'en';
}

/** The one inline stylesheet; the Content-Security-Policy allows it by its hash (no style attributes anywhere). */
export const DASHBOARD_CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#1d2327;background:#f6f7f7}
header{background:#1d2327;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a,header button{color:#fff}header .grow{flex:1}header form{display:inline}
header button{background:none;border:1px solid #fff6;border-radius:4px;padding:.2rem .6rem;cursor:pointer;font:inherit}
main{max-width:1100px;margin:0 auto;padding:1rem}h1{font-size:1.4rem;margin:.4rem 0 1rem}h2{font-size:1.15rem;margin:1.4rem 0 .6rem}
a{color:#135e96}table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:start;padding:.35rem .5rem;border-bottom:1px solid #dcdcde;vertical-align:top}
.scroll{overflow-x:auto}.scroll:focus-visible{outline:2px solid #135e96;outline-offset:2px}.card{background:#fff;border:1px solid #dcdcde;border-radius:6px;padding:.8rem;margin-bottom:1rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:.6rem}
.tile{display:block;border-radius:6px;padding:.6rem .7rem;text-decoration:none;color:#1d2327;border:1px solid #0002;border-inline-start:8px solid #999}
.tile.red{border-inline-start-color:#c0392b;background:#fdecea}.tile.orange{border-inline-start-color:#d68910;background:#fef5e7}
.tile.green{border-inline-start-color:#1e8449;background:#e9f7ef}.tile.none,.tile.small_group{background:#f0f0f1}
.tile strong{display:block}.muted{color:#646970;font-size:.9em}.bar{display:block;width:100%;max-width:none;height:8px;border-radius:4px;margin:.35rem 0;background:#dcdcde}
[dir=rtl] svg.bar{transform:scaleX(-1)}.bar .r{fill:#c0392b}.bar .o{fill:#f0a30a}.bar .g{fill:#1e8449}header .muted{color:#ccc}.narrow{max-width:360px}.wide{width:100%}
form.filters,div.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}div.filters form{display:inline-flex;gap:.3rem;align-items:end}label{display:block;font-size:.9em}
input,select,textarea,button{font:inherit}input,select,textarea{padding:.3rem;border:1px solid #8c8f94;border-radius:4px;max-width:100%}
button.primary{background:#135e96;color:#fff;border:0;border-radius:4px;padding:.45rem .9rem;cursor:pointer}
.notice{padding:.6rem .8rem;border-radius:4px;background:#e7f0f8;margin-bottom:1rem}.error{background:#fdecea}
blockquote{margin:.3rem 0;padding:.3rem .6rem;background:#f6f7f7;border-inline-start:3px solid #c3c4c7;white-space:pre-wrap;overflow-wrap:anywhere}
.coding{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.2rem 0 .9rem;font-size:.9em}.coding form{display:inline-flex;gap:.3rem;align-items:center;margin:0}.coding label{display:inline}
.chip{display:inline-block;background:#e7f0f8;border:1px solid #b5cde3;border-radius:10px;padding:0 .5rem}.code-edit{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
svg{max-width:640px;display:block}svg text{font:12px system-ui,sans-serif}figure{margin:0 0 1rem}
header nav{display:flex;flex-wrap:wrap;gap:.3rem .9rem}ul.languages{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;list-style:none;padding-inline-start:0}
details.chart-data{margin:.4rem 0}details.chart-data summary{cursor:pointer;color:#135e96}details.chart-data table{margin-top:.4rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:600px){main{padding:.6rem}th,td{padding:.3rem}}
`;

export interface PageContext {
  t: TFunction;
  lng: string;
  user: User | null;
  csrf: string | null;
  path: string;
  /** The roles the route allows (its `config.roles`), checked again in the pilot's organisation. */
  routeRoles: readonly Role[] | null;
}

export function page(ctx: PageContext, title: string, body: Html): Html {
  const { t, lng, user } = ctx;
  const switcher = DASHBOARD_LANGUAGES.filter((l) => l !== lng).map(
    (l) => html` <a href="/language/${l}?next=${encodeURIComponent(ctx.path)}" lang="${l}" hreflang="${l}" dir="${direction(l)}">${ENDONYMS[l] ?? l}</a>`,
  );
  return html`<!doctype html>
<html lang="${lng}" dir="${direction(lng)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · ${t('title')}</title><style>${raw(DASHBOARD_CSS)}</style></head>
<body><header><a href="/"><strong>${t('title')}</strong></a><nav aria-label="${t('nav.label')}">${user ? html`<a href="/">${t('nav.pilots')}</a> <a href="/tryit">${t('nav.tryit')}</a>` : ''}${user?.role === 'admin' ? html` <a href="/admin/dead-letters">${t('nav.dead_letters')}</a>` : ''}</nav><span class="grow"></span><nav aria-label="${t('nav.languages')}">${switcher}</nav>
${
  user
    ? html`<span class="muted">${t('nav.signed_in_as', { email: user.email, role: t(`roles.${user.role}`) })}</span>
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${ctx.csrf ?? ''}"><button>${t('nav.logout')}</button></form>`
    : ''
}</header>
<main>${body}</main></body></html>`;
}

/** A hidden CSRF field for forms of a logged-in page. */
export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf ?? ''}">`;
}
