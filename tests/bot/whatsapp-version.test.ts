/**
 * The WhatsApp Web version each socket announces: looked up before connecting, Baileys'
 * built-in one when the lookup fails or hangs (logged once). The lookup is injected: no test
 * reaches web.whatsapp.com.
 */
import type { AuthenticationState, WAVersion } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import type { SocketOptions } from '../../bot/channels/whatsapp/connection.ts';
import { latestVersion, type FetchLatest } from '../../bot/channels/whatsapp/version.ts';
import { startTestApp } from '../helpers/app.ts';
import { captureLogs } from '../helpers/privacy.ts';
import { closeWith, FakeSocket } from '../helpers/whatsapp.ts';

const warnings = (lines: string[]) => lines.filter((l) => l.includes('could not look up the current WhatsApp Web version'));

describe('latestVersion', () => {
  it('answers the looked-up version', async () => {
    const { logger } = captureLogs('info');
    const fetchLatest: FetchLatest = async () => ({ version: [2, 3000, 1_100_000_001], isLatest: true });
    expect(await latestVersion(logger, { fetchLatest })()).toEqual([2, 3000, 1_100_000_001]);
  });

  it("falls back to Baileys' built-in version on a reported error, a throw or a timeout, and warns once", async () => {
    const { logger, lines } = captureLogs('info');
    const outcomes: Array<() => ReturnType<FetchLatest>> = [
      async () => ({ version: [2, 3000, 1], isLatest: false, error: new Error('Failed to fetch sw.js: Forbidden') }),
      async () => {
        throw new Error('getaddrinfo ENOTFOUND web.whatsapp.com');
      },
    ];
    // Hangs until the lookup's own timeout aborts it, as fetch does.
    const hanging: FetchLatest = ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    let call = 0;
    const source = latestVersion(logger, { fetchLatest: (o) => (call < outcomes.length ? outcomes[call++]!() : hanging(o)), timeoutMs: 30 });
    expect(await source()).toBeUndefined();
    expect(await source()).toBeUndefined();
    expect(await source()).toBeUndefined();
    expect(warnings(lines)).toHaveLength(1);
    expect(warnings(lines)[0]).toContain('Forbidden');
  });
});

describe('the connection', () => {
  it('gives each new socket the version its source answers', async () => {
    const sockets: FakeSocket[] = [];
    const versions: WAVersion[] = [
      [2, 3000, 11],
      [2, 3000, 12],
    ];
    const app = await startTestApp(
      { WHATSAPP_ENABLED: '1', TRYIT_ENABLED: '0' },
      {
        whatsappVersion: async () => versions.shift(),
        makeWhatsAppSocket: (auth: AuthenticationState, options: SocketOptions) => {
          const s = new FakeSocket(auth, options);
          sockets.push(s);
          return s;
        },
      },
    );
    try {
      for (let waited = 0; sockets.length < 1 && waited < 2000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      expect(sockets[0]!.options!.version).toEqual([2, 3000, 11]);
      sockets[0]!.emit('connection.update', closeWith(515)); // restart required: at once
      for (let waited = 0; sockets.length < 2 && waited < 2000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      expect(sockets[1]!.options!.version).toEqual([2, 3000, 12]);
    } finally {
      await app.dispose();
    }
  });
});
