// The build `stemmen` runs: every TypeScript file of the rooms transpiled once, by the same
// esbuild that tsx would run at every start, into dist/<fingerprint>/ with the sources' tree.
// Running the build instead of tsx saves tsx's module-loader thread and its per-module source
// maps: ~40 MB of resident memory and ~6 % of the bot's CPU per answer (README, Cost per answer).
//
// A build is named by a fingerprint of what went into it (every source's path and bytes, the
// project folder, esbuild's version, Node's major version and FORMAT below), so a stale build is
// never run: after any edit, checkout or move the next command builds anew. Builds land by
// rename, so commands started at the same time never see half a build.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The folders whose TypeScript `stemmen` runs (tests/ is run by vitest, not by the CLI). */
export const ROOMS = ['surveys', 'storage', 'workers', 'bot', 'scripts'];
/** Bump when the output of this file changes for the same sources. */
const FORMAT = 1;
const KEEP = 3;

/** The sources do not compile; the message names file:line:column. tsx would fail on them the same way. */
export class SourceError extends Error {
  name = 'SourceError';
}

/** Every .ts file (not .d.ts) under the rooms, as paths relative to `root`, sorted. */
export function sourceFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = join(dir, name.name);
      if (name.isDirectory()) walk(rel);
      else if (name.name.endsWith('.ts') && !name.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  for (const room of ROOMS) if (existsSync(join(root, room))) walk(room);
  return out.sort();
}

/** What a build of `root` is named: changes whenever a source, the folder or the tools change. */
export function fingerprint(root, files = sourceFiles(root)) {
  const h = createHash('sha256');
  h.update(`${FORMAT}\0${root}\0${esbuildVersion(root)}\0${process.versions.node.split('.')[0]}\0`);
  for (const f of files)
    h.update(`${f}\0`)
      .update(readFileSync(join(root, f)))
      .update('\0');
  return h.digest('hex').slice(0, 16);
}

function esbuildVersion(root) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules/esbuild/package.json'), 'utf8')).version;
  } catch {
    return 'none';
  }
}

/**
 * The folder of an up-to-date build of `root`, building it first when there is none.
 * Throws when it cannot build (no esbuild, a folder it may not write): the caller runs the
 * sources through tsx instead.
 */
export async function ensureBuild(root) {
  const files = sourceFiles(root);
  const id = fingerprint(root, files);
  const dist = join(root, 'dist');
  const out = join(dist, id);
  if (existsSync(join(out, '.complete'))) return out;

  const esbuild = await import('esbuild');
  mkdirSync(dist, { recursive: true });
  const tmp = join(dist, `.tmp-${process.pid}-${Date.now().toString(36)}`);
  try {
    await esbuild.build(options(root, files, tmp)).catch((e) => {
      if (!e.errors?.length) throw e;
      throw new SourceError(
        e.errors.map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ${m.text}` : m.text)).join('\n'),
      );
    });
    writeFileSync(join(tmp, '.complete'), `${new Date().toISOString()}\n`);
    try {
      renameSync(tmp, out);
    } catch (e) {
      // Another command built the same sources first: theirs is as good as ours.
      if (!existsSync(join(out, '.complete'))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  prune(dist, id);
  return out;
}

function options(root, files, outdir) {
  return {
    absWorkingDir: root,
    entryPoints: files,
    outdir,
    outbase: '.',
    // `bundle` only so that the plugins see every import; all of them stay external, so each
    // source becomes one module of its own, as tsx runs it.
    bundle: true,
    plugins: [keepImports, sourceLocation],
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'silent',
  };
}

/** Relative imports stay imports, pointing at the built file (.ts → .js); packages stay external. */
const keepImports = {
  name: 'keep-imports',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const relativeTs = (args.path.startsWith('./') || args.path.startsWith('../')) && args.path.endsWith('.ts');
      return { path: relativeTs ? `${args.path.slice(0, -3)}.js` : args.path, external: true };
    });
  },
};

/**
 * import.meta.dirname/filename/url name the source file, not the built one, so that every path
 * a module takes from its own place (locales/, the question bank, scripts/stemmen.mjs for the
 * bench) resolves as it does under tsx.
 */
const sourceLocation = {
  name: 'source-location',
  setup(build) {
    const root = build.initialOptions.absWorkingDir;
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      if (text.includes('import.meta.')) {
        const rel = relative(root, args.path).split(sep).join('/');
        text = text
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path))
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
        if (text.includes('import.meta.')) throw new Error(`${rel}: import.meta is used in a way the build does not rewrite`);
      }
      return { contents: text, loader: 'ts' };
    });
  },
};

/** Drops all but the newest builds (and a crashed build's leftovers); `keep` is never dropped. */
function prune(dist, keep) {
  // Another command's build may be renamed or removed between the listing and the stat.
  const entries = readdirSync(dist)
    .filter((n) => n !== keep)
    .flatMap((n) => {
      const st = statSync(join(dist, n), { throwIfNoEntry: false });
      return st ? [{ n, t: st.mtimeMs }] : [];
    })
    .sort((a, b) => b.t - a.t);
  const hourAgo = Date.now() - 3_600_000;
  entries.forEach(({ n, t }, i) => {
    // A build another running process may still import from is kept for an hour.
    const stale = n.startsWith('.tmp-') ? t < hourAgo : i >= KEEP - 1 && t < hourAgo;
    if (stale) rmSync(join(dist, n), { recursive: true, force: true });
  });
}

// `node scripts/build.mjs` (npm run build): build now, e.g. in an image whose folder the
// running user may not write; prints the build's folder.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.stdout.write(`${relative(process.cwd(), await ensureBuild(dirname(import.meta.dirname)))}\n`);
  } catch (e) {
    process.stderr.write(`stemmen build: ${e.message}\n`);
    process.exitCode = 1;
  }
}
