import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeQr } from '../helpers/qr.ts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { PilotRepository } from '../../storage/pilots.ts';
import { ROOT, TryitClient } from '../helpers/app.ts';
import { stemmen } from '../helpers/cli.ts';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.ts';

const BANK = join(ROOT, 'surveys/bank/bank.yaml');

let dir: string;
let env: Record<string, string>;
let code: string;
let app: App;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stemmen-pilot-'));
  env = { DATA_DIR: dir, LOG_LEVEL: 'silent', QUEUE_PREFIX: uniquePrefix(), REDIS_URL };
  const r = await stemmen(['pilot', 'create', '--survey', BANK, '--name', 'Utrecht 2026', '--channels', 'telegram,whatsapp'], env);
  expect(r.stderr).toMatch(/created pilot "Utrecht 2026" \(\w+\): survey bank v1/);
  code = r.stdout.trim();
  // The pilot exists before the bot starts: its survey (not SURVEY_FILE's) is loaded at start.
  app = await createApp(loadConfig({ ...env, PORT: '0' }, ROOT), { logger: pino({ level: 'silent' }) });
  url = await app.listen();
}, 30_000);
afterAll(async () => {
  await app?.close();
  await dropPrefix(env.QUEUE_PREFIX!);
  rmSync(dir, { recursive: true, force: true });
});

describe('stemmen pilot create', () => {
  it('prints a short code that is easy to type', () => {
    expect(code).toMatch(/^[a-hj-km-np-z2-9]{6}$/);
  });

  it('refuses bad input, exit 1, naming the fix', async () => {
    const ch = await stemmen(['pilot', 'create', '--survey', BANK, '--name', 'x', '--channels', 'telegram,sms'], env);
    expect(ch.code).toBe(1);
    expect(ch.stderr).toMatch(/^--channels: "sms" is not a channel; use one or more of telegram, whatsapp/);
    const dup = await stemmen(['pilot', 'create', '--survey', BANK, '--name', 'x', '--code', code], env);
    expect(dup.stderr).toMatch(new RegExp(`--code "${code}" is already used by pilot "Utrecht 2026"`));
    const missing = await stemmen(['pilot', 'create', '--survey', join(dir, 'nope.yaml'), '--name', 'x'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.yaml:1:1 file not found; check the path/);
  });

  it('puts the pilot in an organisation given with --org, which must exist', async () => {
    const none = await stemmen(['pilot', 'create', '--survey', BANK, '--name', 'Zeist', '--org', 'gemeente-zeist', '--code', 'zeist'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      '--org: there is no organisation "gemeente-zeist"; add it first with `stemmen org add gemeente-zeist --name "…"` (see `stemmen org list`)\n',
    );
    expect(await new PilotRepository(app.db).find('zeist')).toBeUndefined();
    expect((await stemmen(['org', 'add', 'gemeente-zeist', '--name', 'Gemeente Zeist'], env)).code).toBe(0);
    const ok = await stemmen(['pilot', 'create', '--survey', BANK, '--name', 'Zeist', '--org', 'gemeente-zeist', '--code', 'zeist'], env);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('organisation gemeente-zeist.');
    expect((await new PilotRepository(app.db).find('zeist'))?.organisationId).toBe('gemeente-zeist');
  });
});

describe('stemmen pilot links', () => {
  it('writes QR codes (PNG and SVG) that decode to the Telegram and wa.me links, one per language too', async () => {
    const out = join(dir, 'qr');
    const r = await stemmen(
      ['pilot', 'links', code, '--telegram-bot', 'stemmen_bot', '--whatsapp-number', '+31612345678', '--per-language', '--out', out],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const expected: Record<string, string> = {
      telegram: `https://t.me/stemmen_bot?start=${code}`,
      whatsapp: `https://wa.me/31612345678?text=start%20${code}`,
      'telegram-ti': `https://t.me/stemmen_bot?start=${code}-ti`,
      'whatsapp-ar': `https://wa.me/31612345678?text=start%20${code}-ar`,
    };
    for (const [file, link] of Object.entries(expected)) {
      expect(decodeQr(join(out, `${file}.png`)), file).toBe(link);
      expect(readFileSync(join(out, `${file}.svg`), 'utf8')).toMatch(/^<svg [^>]*viewBox/);
    }
    // one per channel plus one per channel and language (14 languages)
    expect(readFileSync(join(out, 'links.txt'), 'utf8').trim().split('\n')).toHaveLength(2 + 2 * 14);
  });

  it('asks Telegram for the bot username when none is given', async () => {
    const api = await FakeBotApi.start();
    try {
      const out = join(dir, 'qr2');
      // Written the Dutch way: the link still carries the international number.
      const r = await stemmen(['pilot', 'links', code, '--whatsapp-number', '06-12345678', '--out', out], {
        ...env,
        TELEGRAM_BOT_TOKEN: api.token,
        TELEGRAM_API_ROOT: api.url,
      });
      expect(r.code).toBe(0);
      expect(decodeQr(join(out, 'telegram.png'))).toBe(`https://t.me/${api.botInfo.username}?start=${code}`);
      expect(decodeQr(join(out, 'whatsapp.png'))).toBe(`https://wa.me/31612345678?text=start%20${code}`);
    } finally {
      await api.close();
    }
  });

  it('says what is missing: an unknown code, the WhatsApp number', async () => {
    const unknown = await stemmen(['pilot', 'links', 'zzzzzz'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^no pilot has code "zzzzzz" \(known: .*\); create one with `stemmen pilot create`/);
    expect(unknown.stderr).toContain(code);
    const noNumber = await stemmen(['pilot', 'links', code, '--telegram-bot', 'stemmen_bot', '--out', join(dir, 'qr3')], env);
    expect(noNumber.stderr).toMatch(/the pilot uses WhatsApp: pass --whatsapp-number/);
    expect(existsSync(join(dir, 'qr3/whatsapp.png'))).toBe(false);
    const badNumber = await stemmen(['pilot', 'links', code, '--telegram-bot', 'stemmen_bot', '--whatsapp-number', '06-123', '--out', join(dir, 'qr3')], env);
    expect(badNumber.code).toBe(1);
    expect(badNumber.stderr).toMatch(/^--whatsapp-number: not a valid phone number in NL/);
    expect(existsSync(join(dir, 'qr3/whatsapp.png'))).toBe(false);
  });
});

describe("the running bot serves every pilot's survey", () => {
  const arabic = /[\u0600-\u06FF]/;

  it("joins a pilot by its per-language link text, with the language preselected, and asks the pilot's own questions", async () => {
    const client = new TryitClient(url, undefined, 'en');
    const first = await client.send({ text: `start ${code}-ar` });
    expect(first.messages.at(-1)!.language).toBe('ar');
    expect(first.messages.at(-1)!.buttons!.flat()[0]!.data).toBe('lang:ar');
    await client.send({ button: 'lang:ar' });
    const q = await client.send({ button: 'consent:yes' });
    expect(q.messages.at(-1)!.text).toMatch(arabic);
    expect(q.messages.at(-1)!.text).toContain('إلى أي مدى تستطيع استخدام مهاراتك وخبرتك في العمل هنا؟');
    await client.send({ button: 'a:work_skills_used:8' });
    await client.send({ command: 'stop' });
  });

  it('loads a pilot created while the bot runs, on its first message', async () => {
    const repo = new PilotRepository(app.db);
    const other = join(ROOT, 'surveys/definitions/default-pilot.yaml');
    await repo.create(
      { code: 'late-pilot', name: 'Late', surveyId: 'default-pilot', surveyVersion: 1, surveyFile: other, channels: ['telegram'] },
      new Date().toISOString(),
    );
    const client = new TryitClient(url, undefined, 'ti');
    const r = await client.send({ command: `start late-pilot` });
    expect(r.outcome).toBe('handled');
    const rid = app.handler.respondentIdFor('tryit', client.token);
    const s = await app.db.selectFrom('sessions').select(['pilot_code', 'survey_id']).where('respondent_id', '=', rid).executeTakeFirstOrThrow();
    expect(s).toEqual({ pilot_code: 'late-pilot', survey_id: 'default-pilot' });
  });

  it('reports the funnel per language and channel', async () => {
    const client = new TryitClient(url, undefined, 'ti');
    await client.send({ text: `start ${code}` });
    await client.send({ button: 'lang:ti' });
    const r = await stemmen(['pilot', 'stats', code, '--json'], env);
    expect(r.code).toBe(0);
    const stats = JSON.parse(r.stdout) as { funnel: unknown[]; total: unknown; exact: boolean; note: string };
    // Exact (the operators' view), and it says so: the dashboard and API hide these small rows.
    expect(stats.exact).toBe(true);
    expect(stats.note).toMatch(/exact counts for operators: the dashboard and the read API hide groups of fewer than 10 people/);
    expect(stats.funnel).toEqual([
      {
        language: 'ar',
        channel: 'tryit',
        invited: 0,
        started: 1,
        consented: 1,
        declined: 0,
        stopped: 1,
        completed: 0,
        reminded: 0,
        completedAfterReminder: 0,
        expired: 0,
        unreachable: 0,
      },
      {
        language: 'ti',
        channel: 'tryit',
        invited: 0,
        started: 1,
        consented: 0,
        declined: 0,
        stopped: 0,
        completed: 0,
        reminded: 0,
        completedAfterReminder: 0,
        expired: 0,
        unreachable: 0,
      },
    ]);
    expect(stats.total).toMatchObject({ started: 2, consented: 1, stopped: 1 });
    const table = await stemmen(['pilot', 'stats', code], env);
    expect(table.stdout).toMatch(/^ar +tryit +0 +1 +1 +0 +1 +0 +0 +0 +0 +0 +0%$/m);
    expect(table.stdout.split('\n')[1]).toMatch(/^exact counts for operators: .* do not pass such rows on$/);
    expect(table.stdout).not.toMatch(/t[a-z0-9]{19,}/); // no try-it tokens (addresses) in output
  });
});
