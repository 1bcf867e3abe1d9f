/**
 * Dashboard test helpers: users, logging in through the real login form (cookies and CSRF
 * tokens as a browser keeps them), and answers written straight into the store.
 */
import type { Db } from '../../storage/database.ts';
import { recordFunnelEvent } from '../../storage/funnel.ts';
import { addUser } from '../../bot/web/auth.ts';
import { Accounts, type Role } from '../../storage/accounts.ts';
import type { FastifyInstance } from 'fastify';
import type { TryitClient } from './app.ts';

export const PASSWORD = 'a long test password';

/** A dashboard user with that role in the given organisations (default: the only one there is). */
export async function createUser(db: Db, email: string, role: Role, organisations: readonly string[] = []): Promise<void> {
  await addUser(new Accounts(db), email, role, PASSWORD, new Date().toISOString(), organisations);
}

/** A logged-in browser session over fastify.inject: keeps cookies and finds each page's CSRF token. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    private readonly server: FastifyInstance,
    private readonly ip = '127.0.0.1',
  ) {}

  private keep(setCookie: string | string[] | undefined): void {
    for (const c of [setCookie ?? []].flat()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /Max-Age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.server.inject({ method: 'GET', url, headers: { cookie: this.header(), ...headers }, remoteAddress: this.ip });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  async post(url: string, form: Record<string, string | string[]>) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x);
    const res = await this.server.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      remoteAddress: this.ip,
      headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.keep(res.headers['set-cookie']);
    return res;
  }

  /** The CSRF token in the first form of a page. */
  static csrf(body: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(body);
    if (!m) throw new Error('no CSRF field on the page');
    return m[1]!;
  }

  async login(email: string, password = PASSWORD) {
    const page = await this.get('/login');
    return this.post('/login', { email, password, _csrf: Browser.csrf(page.body) });
  }
}

export interface SeedAnswer {
  questionId: string;
  /** Null for a background question (it describes the respondent). */
  indicator: string | null;
  outcome: string | null;
  light: 'red' | 'orange' | 'green' | null;
  number?: number;
  choices?: string[];
  text?: string;
  answeredAt?: string;
  skipped?: boolean;
  revision?: number;
}
export interface SeedRespondent {
  id: string;
  language: string;
  channel: string;
  answers: SeedAnswer[];
  recontact?: string[];
  expertpool?: boolean;
  completed?: boolean;
  address?: string;
}

/** Writes respondents with a session, answers and consents (participation, recontact themes, and an expertpool yes or no). */
export async function seed(db: Db, pilot: string, respondents: SeedRespondent[], surveyId = 'default-pilot'): Promise<void> {
  const now = '2026-11-01T10:00:00.000Z';
  for (const r of respondents) {
    await db.insertInto('respondents').values({ id: r.id, created_at: now, last_seen_at: now, language: r.language }).execute();
    if (r.address)
      await db.insertInto('contacts').values({ channel: r.channel, address: r.address, respondent_id: r.id, created_at: now, updated_at: now }).execute();
    const sid = `s-${r.id}`;
    await db
      .insertInto('sessions')
      .values({
        id: sid,
        respondent_id: r.id,
        pilot_code: pilot,
        survey_id: surveyId,
        survey_version: 1,
        channel: r.channel,
        phase: r.completed ? 'completed' : 'question',
        language: r.language,
        state: JSON.stringify({ phase: r.completed ? 'completed' : 'question', language: r.language }),
        state_version: 1,
        revision: 1,
        started_at: now,
        updated_at: now,
        completed_at: r.completed ? now : null,
      })
      .execute();
    const consent = (kind: string, theme: string | null, i: number, granted = 1) => ({
      id: `c-${r.id}-${kind}-${theme ?? ''}-${i}`,
      respondent_id: r.id,
      pilot_code: pilot,
      survey_id: surveyId,
      kind,
      theme,
      version: 1,
      granted,
      recorded_at: now,
      source_message_id: `m-${r.id}-${i}`,
    });
    const pool = r.expertpool === undefined ? [] : [consent('expertpool', null, 99, r.expertpool ? 1 : 0)];
    await db
      .insertInto('consents')
      .values([consent('participation', null, 0), ...(r.recontact ?? []).map((t, i) => consent('recontact', t, i + 1)), ...pool])
      .execute();
    // What the handler would have counted for this respondent.
    const place = { pilotCode: pilot, surveyId, language: r.language, channel: r.channel };
    for (const e of ['started', 'consented', ...(r.completed ? ['completed' as const] : [])] as const) await recordFunnelEvent(db, place, e, now);
    if (r.answers.length === 0) continue;
    await db
      .insertInto('answers')
      .values(
        r.answers.map((a, i) => ({
          id: `a-${r.id}-${i}`,
          session_id: sid,
          respondent_id: r.id,
          pilot_code: pilot,
          survey_id: surveyId,
          survey_version: 1,
          question_id: a.questionId,
          parent_question_id: null,
          indicator: a.indicator,
          outcome: a.outcome,
          question_type: a.text !== undefined ? 'text' : a.choices ? 'single' : 'scale',
          value_number: a.number ?? null,
          value_choices: a.choices ? JSON.stringify(a.choices) : null,
          value_text: a.text ?? null,
          value_date: null,
          skipped: a.skipped ? 1 : 0,
          language: r.language,
          channel: r.channel,
          modality: a.text !== undefined ? 'text' : 'button',
          prompt_form: 'text',
          traffic_light: a.light,
          consent_version: 1,
          answered_at: a.answeredAt ?? now,
          source_message_id: `m-${r.id}-a${i}`,
          revision: a.revision ?? 1,
          media_kind: null,
          media_ref: null,
          media_status: null,
        })),
      )
      .execute();
  }
}

type Reply = Awaited<ReturnType<TryitClient['send']>>;

/**
 * Walks a try-it respondent through the default pilot with low scores (red answers), yes to
 * every recontact question (or, with `recontact: 'no'`, no to every recontact and expertpool
 * question), and the first option elsewhere, until the survey is completed. Returns the last reply.
 */
export async function completeWithRedAnswers(
  client: TryitClient,
  lang: string,
  completed: () => Promise<boolean>,
  opts: { recontact?: 'yes' | 'no' } = {},
): Promise<Reply> {
  const declines = (data: string[]) => (opts.recontact === 'no' ? data.find((d) => /^(rc|rcall|ep):(.+:)?no$/.test(d)) : undefined);
  const buttons = (r: Reply) => (r.messages[r.messages.length - 1]?.buttons ?? []).flat().map((b) => b.data);
  await client.send({ command: 'start' });
  await client.send({ button: `lang:${lang}` });
  let r = await client.send({ button: 'consent:yes' });
  for (let i = 0; i < 80 && !(await completed()); i++) {
    const data = buttons(r).filter((d) => !d.startsWith('skip:'));
    if (data.length === 0) r = await client.send({ text: '2019' });
    else if (data[0]!.startsWith('m:')) {
      await client.send({ button: data[0]! });
      r = await client.send({ button: data.find((d) => d.startsWith('md:'))! });
    } else if (data[0]!.startsWith('th:')) {
      await client.send({ button: data[0]! });
      r = await client.send({ button: 'thd' });
    } else r = await client.send({ button: declines(data) ?? data.find((d) => /:2$/.test(d)) ?? data.find((d) => d.endsWith(':yes')) ?? data[0]! });
  }
  if (!(await completed())) throw new Error('the survey did not complete');
  return r;
}
