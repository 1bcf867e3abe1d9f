/**
 * `.env` in the working folder: read at start (systemd's EnvironmentFile= format), the real
 * environment wins, and an unreadable one stops with its path and the fix.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stemmen } from '../helpers/cli.ts';

describe('.env in the working folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stemmen-envfile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sets what the environment does not', async () => {
    writeFileSync(join(dir, '.env'), `# settings\nDATA_DIR=${join(dir, 'from-file')}\nLOG_LEVEL="warn"\n`);
    const r = await stemmen(['migrate'], {}, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'from-file', 'stemmen.sqlite'))).toBe(true);
  });

  it('loses to a variable set in the real environment', async () => {
    writeFileSync(join(dir, '.env'), `DATA_DIR=${join(dir, 'from-file')}\n`);
    const r = await stemmen(['migrate'], { DATA_DIR: join(dir, 'from-env') }, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'from-env', 'stemmen.sqlite'))).toBe(true);
    expect(existsSync(join(dir, 'from-file'))).toBe(false);
  });

  it('that cannot be read stops the command with its path and the fix, no stack trace', async () => {
    mkdirSync(join(dir, '.env'));
    const r = await stemmen(['migrate'], {}, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot read ${join(dir, '.env')}`);
    expect(r.stderr).toContain('or remove it');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
