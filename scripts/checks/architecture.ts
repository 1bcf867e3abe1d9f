/**
 * Architecture check: imports point inward and there are no import cycles.
 *
 * surveys/ is the pure domain (zod and yaml only, no I/O modules); storage/ may use
 * surveys/; workers/ may use storage/ and surveys/; bot/ may use all three; nothing but
 * scripts/ imports bot/, and nothing imports scripts/. Inside that, each room may use only
 * its own packages (the database only in storage/, queues in workers/, chat SDKs in
 * bot/channels/, the web server in bot/web/) and bot/'s rooms keep apart (see rooms.ts).
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { packageOf, packageViolation, roomViolation } from './rooms.ts';

const LAYERS = ['surveys', 'storage', 'workers', 'bot', 'scripts'] as const;
type Layer = (typeof LAYERS)[number];

const ALLOWED: Record<Layer, readonly Layer[]> = {
  surveys: ['surveys'],
  storage: ['storage', 'surveys'],
  workers: ['workers', 'storage', 'surveys'],
  bot: ['bot', 'workers', 'storage', 'surveys'],
  scripts: ['scripts', 'bot', 'workers', 'storage', 'surveys'],
};
/** Packages the pure domain may use: no file system, network, database or i18n. */
const SURVEYS_PACKAGES = new Set(['zod', 'yaml']);

export interface Violation {
  file: string;
  line: number;
  message: string;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
}

const posix = (p: string): string => p.split(sep).join('/');

function layerOf(root: string, file: string): Layer | null {
  const top = relative(root, file).split(/[\\/]/)[0];
  return (LAYERS as readonly string[]).includes(top ?? '') ? (top as Layer) : null;
}

export function checkArchitecture(root: string): Violation[] {
  const files: string[] = [];
  for (const layer of LAYERS) {
    try {
      walk(join(root, layer), files);
    } catch {
      /* a layer may not exist yet */
    }
  }
  const violations: Violation[] = [];
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const src = readFileSync(file, 'utf8');
    const from = layerOf(root, file)!;
    const edges: string[] = [];
    for (const m of src.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      const line = src.slice(0, m.index).split('\n').length + (src[m.index] === '\n' ? 1 : 0);
      const rel = posix(relative(root, file));
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        const to = layerOf(root, target);
        if (to && !ALLOWED[from].includes(to))
          violations.push({ file: rel, line, message: `${from}/ must not import ${to}/ (${spec}); move the shared piece inward or invert the dependency` });
        const room = roomViolation(rel, posix(relative(root, target)));
        if (room) violations.push({ file: rel, line, message: room });
        edges.push(target);
      } else if (from === 'surveys') {
        if (!SURVEYS_PACKAGES.has(packageOf(spec)))
          violations.push({
            file: rel,
            line,
            message: `surveys/ is the pure domain and must not import "${spec}"; do the I/O in bot/, storage/ or workers/ and pass data in`,
          });
      } else {
        const pkg = packageViolation(rel, packageOf(spec));
        if (pkg) violations.push({ file: rel, line, message: pkg });
      }
    }
    graph.set(resolve(file), edges);
  }
  for (const cycle of findCycles(graph)) {
    violations.push({
      file: relative(root, cycle[0]!),
      line: 1,
      message: `import cycle: ${cycle.map((f) => relative(root, f)).join(' → ')} → ${relative(root, cycle[0]!)}`,
    });
  }
  return violations;
}

/** Strongly connected components with more than one file (or a self-import), via Tarjan. */
function findCycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(),
    low = new Map<string, number>(),
    onStack = new Set<string>(),
    stack: string[] = [];
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp.reverse());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  return out;
}

export function runArchitectureCheck(root: string): number {
  const v = checkArchitecture(root);
  for (const x of v) process.stderr.write(`${x.file}:${x.line} ${x.message}\n`);
  if (v.length === 0) process.stdout.write('architecture: imports point inward, no cycles\n');
  return v.length ? 1 : 0;
}
