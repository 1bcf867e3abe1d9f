#!/usr/bin/env node
// Runs scripts/dev/chaos-bot.ts through tsx, as scripts/stemmen.mjs does for the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./chaos-bot.ts');
