/**
 * Accessibility checks with axe-core in a real Chromium page (playwright-core): the harness
 * every browser test shares. `launchChromium` opens a context with the project's browser
 * flags (and any the test adds, such as a fake microphone); `axeViolations` injects
 * node_modules/axe-core/axe.min.js with page.addScriptTag, runs axe and returns the serious
 * and critical violations. For axe the context bypasses the page's Content-Security-Policy, only
 * so that axe's own injected script may run (the policy is kept, and tested, everywhere else).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './app.ts';
import { ENV, provided } from './services/env.ts';
import { CHROMIUM_ARGS } from './services/chromium.ts';
export { CHROMIUM_ARGS } from './services/chromium.ts';

/** A fake microphone that plays `wav` and grants the permission without a prompt. */
export const fakeMicrophone = (wav: string): string[] => [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  `--use-file-for-fake-audio-capture=${wav}`,
  '--autoplay-policy=no-user-gesture-required',
];

/** The global setup's Chromium, or an Error carrying the install line (a test fails with it, never skips). */
export const chromiumPath = (): string => provided(ENV.chromium, ENV.chromiumMissing, 'the browser test needs Chromium');

export interface Launched {
  ctx: BrowserContext;
  close(): Promise<void>;
}

/** `enforceCsp`: keep the page's policy (axe cannot be injected then); default off, for axe. */
export async function launchChromium(opts: { args?: string[]; width?: number; height?: number; enforceCsp?: boolean } = {}): Promise<Launched> {
  const profile = mkdtempSync(join(tmpdir(), 'stemmen-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    bypassCSP: !opts.enforceCsp,
  });
  return {
    ctx,
    async close() {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: 'serious' | 'critical';
  help: string;
  /** CSS selectors of the offending elements (at most five). */
  targets: string[];
}

const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');
/** WCAG 2.1 A and AA, and axe's best practices (landmarks, one h1, …). */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** Runs axe on the page as it is now and returns its serious and critical violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ path: AXE });
  // (A string: this project's TypeScript has no DOM types.)
  const script = `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(TAGS)} }, resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`;
  const found = (await page.evaluate(script)) as Array<Omit<AxeViolation, 'impact'> & { impact: string | null }>;
  return found.filter((v): v is AxeViolation => v.impact === 'serious' || v.impact === 'critical');
}

/** One line per violation, for an assertion message. */
export const describeViolations = (vs: readonly AxeViolation[]): string => vs.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.targets.join(', ')}`).join('\n');
