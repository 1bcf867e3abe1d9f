/**
 * A browser over real HTTP (fetch against the listening app): keeps cookies, follows no
 * redirects, and sends whatever extra headers a test gives (Origin, Sec-Fetch-Site,
 * X-Forwarded-For: Node's fetch does not forbid them, unlike a browser's).
 */
import { PASSWORD } from './dashboard.ts';

export class HttpBrowser {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /Max-Age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, path: string, opts: { headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...opts.headers },
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    });
    this.keep(res);
    return res;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request('GET', path, { headers });
  }

  postForm(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request('POST', path, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** The login form's double-submit token (and its cookie, kept). */
  async loginToken(): Promise<string> {
    const page = await (await this.get('/login')).text();
    const m = /name="_csrf" value="([^"]+)"/.exec(page);
    if (!m) throw new Error('no CSRF field on the login page');
    return m[1]!;
  }

  async login(email: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<Response> {
    const _csrf = await this.loginToken();
    return this.postForm('/login', { email, password, _csrf }, headers);
  }
}
