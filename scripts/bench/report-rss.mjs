// Preloaded into a measured child process: on exit, writes its own peak RSS (kB) to fd 3.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  try {
    writeSync(3, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
  } catch {
    /* not measured */
  }
});
