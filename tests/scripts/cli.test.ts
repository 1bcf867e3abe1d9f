import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.ts';
import { ROOT } from '../helpers/app.ts';

const exec = promisify(execFile);
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stemmen-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function stemmen(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await exec(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dir, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('stemmen CLI', () => {
  it('validates the default pilot', async () => {
    const r = await stemmen(['survey', 'validate', 'surveys/definitions/default-pilot.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok surveys\/definitions\/default-pilot\.yaml: default-pilot v1, \d+ questions .* about [\d.]+ minutes/m);
  });

  it('reports a broken survey as file:line:col path: message, exit 1, no stack trace', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      'specVersion: 2\nid: broken\nversion: 1\nlanguages: [en]\ndefaultLanguage: en\nconsent: { version: 1 }\nquestions:\n  - id: q1\n    type: scale\n    indicator: healt\n    outcome: access_to_care\n',
    );
    const r = await stemmen(['survey', 'validate', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.yaml:10:16 questions\[0\]\.indicator: "healt" is not an indicator; did you mean "health"\?/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports bad configuration by variable, with the fix, and no stack trace', async () => {
    const r = await stemmen(['migrate'], { PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PORT="eighty"/);
    expect(r.stderr).toMatch(/LOG_LEVEL="loud"/);
    expect(r.stderr).toMatch(/README\.md/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('migrates a fresh database and reports each migration, then reports it is up to date', async () => {
    const first = await stemmen(['migrate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Success\s+2026112201_initial$/m);
    const again = await stemmen(['migrate']);
    expect(again.stdout).toMatch(/up to date/);
  });

  it('previews a survey in Arabic, right-to-left', async () => {
    const r = await stemmen(['survey', 'preview', 'surveys/definitions/default-pilot.yaml', '--lang', 'ar']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# default-pilot v1 — ar \(rtl\)/);
    // The scale method asks everyone "why there?" and "one step up?", in the bot's shared wording.
    expect(r.stdout).toContain('--- work_fair_why (text, work/treated_fairly_at_work) — only if work_fair answered true\n    لماذا أنت عند هذا الرقم؟');
    expect(r.stdout).toContain('--- work_fair_step_up (text, work/treated_fairly_at_work) — only if work_fair answered true');
    expect(r.stdout).toContain('--- residence_status (single, background)');
    expect(r.stdout).toMatch(/[\u0600-\u06FF]/);
  });

  it('says which language is missing in a preview', async () => {
    const r = await stemmen(['survey', 'preview', 'surveys/definitions/default-pilot.yaml', '--lang', 'xx']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no language "xx"; it has en, nl, ar/);
  });
});

describe('config', () => {
  it('has embedded defaults that need no variables at all', () => {
    const c = loadConfig({}, '/srv/stemmen');
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: '/srv/stemmen/data',
      databaseFile: '/srv/stemmen/data/stemmen.sqlite',
      defaultPilot: 'default',
      tryitEnabled: true,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });
  it('treats empty variables as unset and rejects bad pilot codes', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
    expect(() => loadConfig({ DEFAULT_PILOT: 'Has Spaces' })).toThrow(ConfigError);
  });
  it('reads the phone region and refuses a pairing number without its country code', () => {
    expect(loadConfig({}).phoneDefaultRegion).toBe('NL');
    expect(loadConfig({ PHONE_DEFAULT_REGION: 'be' }).phoneDefaultRegion).toBe('BE');
    expect(() => loadConfig({ PHONE_DEFAULT_REGION: 'Nederland' })).toThrow(/PHONE_DEFAULT_REGION="Nederland": a two-letter country code/);
    expect(loadConfig({ WHATSAPP_ENABLED: '1', WHATSAPP_PAIRING_NUMBER: '31612345678' }).whatsapp?.pairingNumber).toBe('31612345678');
    expect(() => loadConfig({ WHATSAPP_ENABLED: '1', WHATSAPP_PAIRING_NUMBER: '0612345678' })).toThrow(
      /WHATSAPP_PAIRING_NUMBER="0612345678": not a number with its country code/,
    );
  });

  it('adds a dashboard user with the password from STEMMEN_PASSWORD, and names bad input', async () => {
    const ok = await stemmen(['user', 'add', 'Coord@Example.org', '--role', 'coordinator'], { STEMMEN_PASSWORD: 'twelve chars at least' });
    expect(ok).toMatchObject({ code: 0, stdout: 'added: coord@example.org as coordinator in default\n' });
    const again = await stemmen(['user', 'add', 'coord@example.org', '--role', 'admin'], { STEMMEN_PASSWORD: 'another long password' });
    expect(again.stdout).toBe('updated (role and password; open sessions ended): coord@example.org as admin (every organisation)\n');
    expect((await stemmen(['user', 'list'])).stdout).toBe('coord@example.org\tadmin\t(every organisation)\n');
    const role = await stemmen(['user', 'add', 'x@example.org', '--role', 'boss'], { STEMMEN_PASSWORD: 'twelve chars at least' });
    expect(role).toMatchObject({ code: 1, stderr: '--role must be admin, researcher, coordinator or viewer (got "boss")\n' });
    const short = await stemmen(['user', 'add', 'x@example.org', '--role', 'admin'], { STEMMEN_PASSWORD: 'short' });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/STEMMEN_PASSWORD=\(hidden\): use at least 12 characters/);
    expect(short.stderr).not.toContain('short');
    // No terminal to ask on (the test's stdin is not a TTY) and no STEMMEN_PASSWORD.
    const none = await stemmen(['user', 'add', 'x@example.org', '--role', 'admin']);
    expect(none).toMatchObject({ code: 1, stderr: 'no password: set STEMMEN_PASSWORD for scripts, or run this on a terminal to be asked\n' });
  });

  it('refuses read-API tokens for unknown pilots and revoking unknown tokens', async () => {
    const unknown = await stemmen(['token', 'create', '--pilot', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^--pilot nope: no such pilot in .*; see the pilots on the dashboard's start page\n$/);
    expect(await stemmen(['token', 'revoke', 'nothing'])).toMatchObject({ code: 1, stderr: 'no live token with id nothing; see `stemmen token list`\n' });
  });
});
