/**
 * Runs the real `stemmen` CLI in a child process, as a researcher would.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './app.ts';

const exec = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function stemmen(args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<CliResult> {
  try {
    const r = await exec(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), ...args], { cwd, env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

/** A temporary folder with a copy of the project's locales, so commands can write texts. */
export function tempWorkspace(prefix: string): { dir: string; locales: string } {
  const dir = mkdtempSync(join(tmpdir(), `stemmen-${prefix}-`));
  cpSync(join(ROOT, 'locales'), join(dir, 'locales'), { recursive: true });
  return { dir, locales: join(dir, 'locales') };
}
