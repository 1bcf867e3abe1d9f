#!/usr/bin/env node
// The `stemmen` command. Runs the TypeScript sources through tsx, so there is no build step.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

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
register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
