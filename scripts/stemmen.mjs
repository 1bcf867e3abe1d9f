#!/usr/bin/env node
// The `stemmen` command. Runs a build of the TypeScript sources (scripts/build.mjs), made on the
// first run after any change, or the sources themselves through tsx when it cannot build or
// STEMMEN_RUN_SOURCES=1 asks for it.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { setFlagsFromString } from 'node:v8';

// Grow the heap by half of what survived a full collection, not by V8's default (up to 4× on a
// small heap): under a burst of answers most of the heap is garbage promoted out of the young
// generation, and the default let the bot reach ~360 MB for a live set of ~50 MB. Measured in
// the cost bench: peak RSS ~360 → ~240 MB for ~10 % more CPU per answer (README, Cost per answer).
// A `--heap-growing-percent` given to node wins.
if (!process.execArgv.some((a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent'))) {
  setFlagsFromString('--heap-growing-percent=50');
}

// Settings from ./.env (KEY=value lines), as systemd's EnvironmentFile= and compose's env_file
// give them; a variable already in the environment wins over the file.
if (existsSync('.env')) {
  try {
    process.loadEnvFile('.env');
  } catch (e) {
    console.error(`stemmen: cannot read ${process.cwd()}/.env (${e.message}); make it a readable file of KEY=value lines, or remove it`);
    process.exit(1);
  }
}
process.exitCode = await (await loadCli()).main(process.argv.slice(2));

async function loadCli() {
  if (process.env.STEMMEN_RUN_SOURCES !== '1') {
    const { ensureBuild } = await import('./build.mjs');
    let built;
    try {
      built = await ensureBuild(dirname(import.meta.dirname));
    } catch (e) {
      if (e.name === 'SourceError') {
        console.error(`stemmen: the sources do not compile; fix these and run it again:\n${e.message}`);
        process.exit(1);
      }
      console.error(`stemmen: could not build the sources (${e.message.split('\n')[0]}); running them through tsx instead`);
    }
    if (built) {
      // Stack traces name the TypeScript lines, as under tsx.
      process.setSourceMapsEnabled(true);
      return import(`${built}/scripts/cli.js`);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('./cli.ts');
}
