#!/usr/bin/env node
// The `stemmen` command. Runs the TypeScript sources through tsx, so there is no build step.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

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
