/**
 * Where the bot's CPU goes per answer: runs the Telegram end-to-end load (telegram-e2e.ts)
 * with the bot under `node --cpu-prof` and prints the top functions by self time, or
 * summarises .cpuprofile files given on the command line.
 *
 *   npx tsx scripts/bench/profile.ts [respondents] [questions]   # run and profile (200 × 30)
 *   npx tsx scripts/bench/profile.ts path/to/x.cpuprofile …      # only summarise
 * @module
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchTelegram } from './telegram-e2e.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  where: string;
  selfMs: number;
  percent: number;
}

const ROOT = join(import.meta.dirname, '../..');

/**
 * Self time per function (name + file + line), summed over the profile's samples, highest
 * first; idle and GC kept apart by name. `fromMs`: only samples that many ms after the profile began.
 */
export function topSelfTime(profile: CpuProfile, n = 5, skipIdle = true, fromMs = 0): HotFunction[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  let at = 0;
  profile.samples.forEach((id, i) => {
    const f = byNode.get(id)!.callFrame;
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (at < fromMs * 1000) return;
    if (skipIdle && (f.functionName === '(idle)' || f.functionName === '(program)')) return;
    total += us;
    const where = place(f);
    const key = `${f.functionName}@${where}`;
    const e = self.get(key) ?? { name: f.functionName || '(anonymous)', where, us: 0 };
    e.us += us;
    self.set(key, e);
  });
  return [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, n)
    .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, percent: total ? (100 * e.us) / total : 0 }));
}

const maps = new Map<string, SourceMap | null>();

/** file:line of a frame; a frame in the build (dist/<id>/…js) named by its TypeScript source through the build's source map. */
function place(f: ProfileNode['callFrame']): string {
  if (!f.url.startsWith('file://')) return f.url ? `${f.url}:${f.lineNumber + 1}` : '';
  const file = new URL(f.url).pathname;
  if (!maps.has(file)) maps.set(file, existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) : null);
  const entry = maps.get(file)?.findEntry(f.lineNumber, f.columnNumber);
  if (entry && 'originalSource' in entry && entry.originalSource) {
    const source = entry.originalSource.startsWith('file://') ? new URL(entry.originalSource).pathname : resolve(dirname(file), entry.originalSource);
    return `${relative(ROOT, source)}:${entry.originalLine + 1}`;
  }
  return `${relative(ROOT, file)}:${f.lineNumber + 1}`;
}

export function formatTop(top: HotFunction[]): string {
  return top
    .map((f, i) => `${i + 1}. ${f.name.padEnd(28)} ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.percent.toFixed(1).padStart(5)} %  ${f.where}`)
    .join('\n');
}

/**
 * Runs the Telegram load with the bot profiled, after a warm-up cohort as the cost bench does;
 * returns the figures and the top functions of the measured part of the bot's profile.
 */
export async function profileTelegram(respondents: number, questions: number, n = 5) {
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-prof-'));
  try {
    const figures = await benchTelegram(respondents, questions, undefined, { cpuProfDir: dir, warmupRespondents: respondents });
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the bot's main thread (another is tsx's loader, when it runs through tsx).
    const main = readdirSync(dir).find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
    if (!main) throw new Error(`the bot wrote no main-thread .cpuprofile into ${dir}`);
    const profile = JSON.parse(readFileSync(join(dir, main), 'utf8')) as CpuProfile;
    return { figures, top: topSelfTime(profile, n, true, figures.measuredAfterMs) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  if (args.some((a) => a.endsWith('.cpuprofile'))) {
    for (const f of args) {
      process.stdout.write(`${f}\n${formatTop(topSelfTime(JSON.parse(readFileSync(f, 'utf8')) as CpuProfile, 10))}\n`);
    }
  } else {
    const [respondents = 200, questions = 30] = args.map(Number);
    const { figures, top } = await profileTelegram(respondents, questions, 10);
    process.stdout.write(`${JSON.stringify(figures)}\n${formatTop(top)}\n`);
  }
}
