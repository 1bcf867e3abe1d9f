/**
 * Runs a Node script in a child process and reports its wall time, peak RSS (from the
 * preloaded `report-rss.mjs` exit hook, on fd 3) and standard output: the one way the bench
 * measures a command in its own process, so its memory is not mixed with the bench's.
 * @module
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

export interface ChildFigures {
  ms: number;
  maxRssMb: number;
  stdout: string;
}

/** `args` follow the RSS hook (e.g. `['--import', 'tsx', script, …]`); `what` names the run in an error. */
export function measuredChild(what: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildFigures> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', join(ROOT, 'scripts/bench/report-rss.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let rss = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
    });
    child.stderr!.on('data', (d) => {
      err += String(d);
    });
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d) => {
      rss += String(d);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${what} failed (${code}): ${err}`));
      resolve({ ms: performance.now() - t0, maxRssMb: Math.round((JSON.parse(rss) as { maxRssKb: number }).maxRssKb / 1024), stdout: out });
    });
  });
}
