import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../bot/config.ts';
import { ROOT, TryitClient } from '../helpers/app.ts';
import { uniquePrefix } from '../helpers/redis.ts';

describe('the README promises', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('shows both commands on its first screen', () => {
    const first = readme.split('\n').slice(0, 40).join('\n');
    expect(first).toContain('npm ci && npm start');
    expect(first).toContain('npm test');
  });

  it('documents every configuration variable', () => {
    for (const v of CONFIG_VARIABLES) expect(readme, v.name).toContain(`| \`${v.name}\` |`);
  });

  it('.ci/run calls exactly the README test command', () => {
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm ci\b/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});

describe('npm start', () => {
  it('starts on embedded defaults, serves the try-it chat, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stemmen-start-'));
    const child = spawn(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), 'start'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dir, QUEUE_PREFIX: uniquePrefix(), PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 20_000);
        child.stdout.on('data', () => {
          const m = out.match(/Try it:\s+(http:\/\/\S+)\/try/);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
      });
      const reply = await new TryitClient(url).send({ command: 'start' });
      expect(reply.messages[0]?.buttons?.flat().map((b) => b.data)).toContain('lang:ti');
      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
      expect(code).toBe(0);
      expect(readFileSync(join(dir, 'pseudonym.key'), 'utf8').trim().length).toBeGreaterThan(40);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
