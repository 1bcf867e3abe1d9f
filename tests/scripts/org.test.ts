import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stemmen } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'stemmen-org-'));
const env = { DATA_DIR: dir, STEMMEN_PASSWORD: 'a long test password' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stemmen org and user add --org', () => {
  it('adds organisations and users who work for them; a second organisation makes --org required', async () => {
    const one = await stemmen(['user', 'add', 'viewer@example.org', '--role', 'viewer'], env);
    expect(one.stdout).toContain('viewer@example.org as viewer in default');
    expect((await stemmen(['org', 'add', 'gemeente-x', '--name', 'Gemeente X'], env)).stdout).toContain('added organisation gemeente-x (Gemeente X)');
    const ambiguous = await stemmen(['user', 'add', 'res@example.org', '--role', 'researcher'], env);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain('give --org <id> for a researcher: the organisations are default, gemeente-x');
    expect(ambiguous.stderr).not.toMatch(/\n\s+at /);
    expect((await stemmen(['user', 'add', 'res@example.org', '--role', 'researcher', '--org', 'gemeente-x,default'], env)).code).toBe(0);
    const users = (await stemmen(['user', 'list'], env)).stdout;
    expect(users).toContain('res@example.org\tresearcher\tdefault:researcher gemeente-x:researcher');
    expect(users).toContain('viewer@example.org\tviewer\tdefault:viewer');
  }, 120_000);
});
