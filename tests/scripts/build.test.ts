/**
 * The launcher (scripts/stemmen.mjs) runs a build of the sources (scripts/build.mjs): made on
 * the first run, reused while the sources are unchanged, made anew after an edit, never half
 * seen by commands started together, and replaced by tsx when it cannot be written. Each test
 * runs the real launcher and build on a small project of its own, beside the real node_modules.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/app.ts';

const exec = promisify(execFile);

/** A project with the real launcher and build, a CLI in scripts/ and a module it imports from bot/. */
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'stemmen-build-'));
  made.push(root);
  mkdirSync(join(root, 'scripts'));
  mkdirSync(join(root, 'bot'));
  copyFileSync(join(ROOT, 'scripts/stemmen.mjs'), join(root, 'scripts/stemmen.mjs'));
  copyFileSync(join(ROOT, 'scripts/build.mjs'), join(root, 'scripts/build.mjs'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(root, 'scripts/cli.ts'),
    `import { greeting } from '../bot/greeting.ts';
export async function main(args: string[]): Promise<number> {
  const { where } = await import('../bot/where.ts');
  process.stdout.write(JSON.stringify({ greeting: greeting(args[0] ?? ''), where }) + '\\n');
  return 0;
}
`,
  );
  writeFileSync(join(root, 'bot/greeting.ts'), `export const greeting = (name: string): string => \`hello \${name}\`;\n`);
  // import.meta.dirname names the source's folder, built or not: paths to locales/ rely on it.
  writeFileSync(join(root, 'bot/where.ts'), `import { join } from 'node:path';\nexport const where: string = join(import.meta.dirname, '../locales');\n`);
  return root;
}

async function run(root: string, args: string[] = ['you'], env: Record<string, string> = {}) {
  try {
    const r = await exec(process.execPath, [join(root, 'scripts/stemmen.mjs'), ...args], { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

const builds = (root: string) => (existsSync(join(root, 'dist')) ? readdirSync(join(root, 'dist')) : []);

describe('the launcher runs a build of the sources', () => {
  it('builds on the first run, with imports and import.meta as in the sources', async () => {
    const root = project();
    const r = await run(root);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({ greeting: 'hello you', where: join(root, 'locales') });
    const [id, ...more] = builds(root);
    expect(more).toEqual([]);
    for (const f of ['scripts/cli.js', 'bot/greeting.js', 'bot/where.js', '.complete']) expect(existsSync(join(root, 'dist', id!, f))).toBe(true);
    expect(readFileSync(join(root, 'dist', id!, 'scripts/cli.js'), 'utf8')).toContain('../bot/greeting.js');
  });

  it('runs the build it made while the sources are unchanged, and a new one after an edit', async () => {
    const root = project();
    await run(root);
    const [id] = builds(root);
    // Proof that the build is what runs: a change made only in the built file shows.
    const built = join(root, 'dist', id!, 'bot/greeting.js');
    writeFileSync(built, readFileSync(built, 'utf8').replace('hello', 'built hello'));
    expect(JSON.parse((await run(root)).stdout).greeting).toBe('built hello you');

    writeFileSync(join(root, 'bot/greeting.ts'), `export const greeting = (name: string): string => \`goeiedag \${name}\`;\n`);
    expect(JSON.parse((await run(root)).stdout).greeting).toBe('goeiedag you');
    expect(builds(root)).toHaveLength(2);
  });

  it('commands started together share one build and leave no half-built folder', async () => {
    const root = project();
    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => run(root, [`n${i}`])));
    expect(results.map((r) => JSON.parse(r.stdout).greeting)).toEqual(['hello n0', 'hello n1', 'hello n2', 'hello n3']);
    expect(results.map((r) => r.stderr)).toEqual(['', '', '', '']);
    expect(builds(root)).toHaveLength(1);
  });

  it('runs the sources through tsx, saying why, when it cannot write the build', async () => {
    const root = project();
    writeFileSync(join(root, 'dist'), 'not a folder');
    const r = await run(root);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^stemmen: could not build the sources \(.*dist.*\); running them through tsx instead\n$/);
    expect(JSON.parse(r.stdout)).toEqual({ greeting: 'hello you', where: join(root, 'locales') });
  });

  it('STEMMEN_RUN_SOURCES=1 runs the sources through tsx and builds nothing', async () => {
    const root = project();
    const r = await run(root, ['you'], { STEMMEN_RUN_SOURCES: '1' });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout).greeting).toBe('hello you');
    expect(builds(root)).toEqual([]);
  });

  it('a source that does not compile is named by file, line and column, without a stack trace', async () => {
    const root = project();
    writeFileSync(join(root, 'bot/greeting.ts'), 'export const greeting = (name: string) => {\n  return name +;\n};\n');
    const r = await run(root);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^stemmen: the sources do not compile; fix these and run it again:\nbot\/greeting\.ts:2:16: .+\n$/);
    expect(builds(root).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  it('`node scripts/build.mjs` builds ahead of time and prints where', async () => {
    const root = project();
    const { stdout } = await exec(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root });
    expect(stdout).toMatch(/^dist\/[0-9a-f]{16}\n$/);
    expect(existsSync(join(root, stdout.trim(), '.complete'))).toBe(true);
    // The launcher finds it and builds nothing more.
    await run(root);
    expect(builds(root)).toEqual([stdout.trim().slice('dist/'.length)]);
  });
});
