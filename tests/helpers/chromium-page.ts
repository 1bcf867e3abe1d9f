/**
 * A headless Chromium (the global setup's executable) with a fresh profile, for page tests:
 * every Content-Security-Policy violation and console error is collected in `problems`, which
 * a test expects to stay empty. The browser's own favicon probe is no problem.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_ARGS } from './services/chromium.ts';
export { CHROMIUM_ARGS } from './services/chromium.ts';

export interface ChromiumSession {
  ctx: BrowserContext;
  problems: string[];
  close(): Promise<void>;
}

export async function openChromium(executablePath: string): Promise<ChromiumSession> {
  const profile = mkdtempSync(join(tmpdir(), 'stemmen-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath, args: CHROMIUM_ARGS, viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  // (A script as a string: this project's TypeScript has no DOM types.)
  await ctx.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`))",
  );
  ctx.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`${m.location().url}: ${m.text()}`);
  });
  return {
    ctx,
    problems,
    async close() {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
