/**
 * Regression: a bot and a worker starting together on a fresh SQLite file both migrate it.
 * kysely's migration lock does nothing on SQLite, so without our own cross-process lock one
 * of them failed with "table respondents already exists".
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/app.ts';

it('several processes migrating one fresh SQLite file at once all succeed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-migrate-race-'));
  try {
    const runs = Array.from(
      { length: 4 },
      () =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const p = spawn(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), 'migrate'], {
            cwd: ROOT,
            env: { ...process.env, DATA_DIR: dir },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let out = '';
          p.stdout.on('data', (d) => {
            out += String(d);
          });
          p.stderr.on('data', (d) => {
            out += String(d);
          });
          p.once('exit', (code) => resolve({ code, out }));
        }),
    );
    const results = await Promise.all(runs);
    for (const r of results) expect(r.code, r.out).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
