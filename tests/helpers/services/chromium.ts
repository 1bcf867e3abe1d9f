/**
 * Chromium for the dashboard's browser test: Debian's /usr/bin/chromium, or else the
 * headless build inside the `@sparticuz/chromium` package (unpacked to the temp folder),
 * which playwright-core 1.65 drives.
 */
import { existsSync } from 'node:fs';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Headless and offline (this machine's network is closed); the same flags work for Debian's Chromium and @sparticuz/chromium's build. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const CHROMIUM_INSTALL =
  'Chromium is missing: install the dev dependencies (`npm ci`, which brings @sparticuz/chromium) or `sudo apt-get install -y chromium`';

export async function provideChromium(useSystem: boolean): Promise<string> {
  if (useSystem && existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  try {
    const chromium = (await import('@sparticuz/chromium')).default;
    return await chromium.executablePath();
  } catch (e) {
    throw new Error(`${CHROMIUM_INSTALL} (${(e as Error).message})`);
  }
}
