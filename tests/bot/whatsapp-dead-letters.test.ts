/**
 * WhatsApp through the inbound boundary, with real Baileys message objects: a message that
 * always fails is parked after INBOUND_MAX_ATTEMPTS tries with an apology in Arabic (not
 * dropped silently), and the next person's answer still goes through.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthenticationState } from '@whiskeysockets/baileys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { FakeSocket, text } from '../helpers/whatsapp.ts';
import { DeadLetters } from '../../storage/dead-letters.ts';
import { StoreError } from '../../storage/errors.ts';
import type { InboundMessage } from '../../bot/channels/port.ts';

let app: TestApp;
let sockets: FakeSocket[];
let fault: (msg: InboundMessage) => void;
const sock = () => sockets.at(-1)!;
const BROKEN = '31611111111@s.whatsapp.net';
const OTHER = '31622222222@s.whatsapp.net';
const apologyIn = (lng: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'locales', lng, 'bot.json'), 'utf8')) as { failure: { apology: string } }).failure.apology;

beforeEach(async () => {
  sockets = [];
  fault = () => undefined;
  app = await startTestApp(
    { WHATSAPP_ENABLED: '1', TRYIT_ENABLED: '0', WHATSAPP_CHAT_GAP_MS: '0', WHATSAPP_PER_MINUTE: '600', INBOUND_MAX_ATTEMPTS: '3' },
    {
      makeWhatsAppSocket: (auth: AuthenticationState) => {
        const s = new FakeSocket(auth);
        sockets.push(s);
        return s;
      },
      inboundFault: (m) => fault(m),
      inboundBackoffMs: 0,
    },
  );
  sock().emit('connection.update', { connection: 'open' });
});
afterEach(async () => {
  await app.dispose();
});

async function settle(): Promise<void> {
  await app.whatsapp!.connection.idle();
  await app.handler.idle();
}
async function say(jid: string, t: string, key?: Parameters<typeof text>[2]): Promise<string[]> {
  const before = sock().sent.length;
  sock().receive(text(jid, t, key));
  await settle();
  return sock()
    .sent.slice(before)
    .filter((s) => s.jid === jid)
    .map((s) => String(s.content.text ?? ''));
}
/** Hello, language 3 (العربية), consent yes: the next message answers question 1. */
async function consented(jid: string): Promise<void> {
  await say(jid, 'مرحبا');
  await say(jid, '3');
  await say(jid, '1');
}
const respondentOf = async (jid: string) =>
  (await app.db.selectFrom('contacts').select('respondent_id').where('address', '=', jid).executeTakeFirstOrThrow()).respondent_id;
const answersOf = async (jid: string) =>
  app.db
    .selectFrom('answers_v1')
    .select(['question_id', 'value_date'])
    .where('respondent_id', '=', await respondentOf(jid))
    .execute();

describe('WhatsApp: one message that always fails', () => {
  it('is parked after 3 tries with an apology in Arabic, while the next person answers', async () => {
    await consented(BROKEN);
    await consented(OTHER);
    let tries = 0;
    fault = (m) => {
      if (m.address === BROKEN) {
        tries++;
        throw new TypeError(`cannot read the prompt of ${m.address}`);
      }
    };
    const stuck = text(BROKEN, '2018', { id: '3ASTUCK0000000001' });
    sock().receive(stuck, text(OTHER, '2019'));
    await settle();

    expect(tries).toBe(3);
    expect(await answersOf(OTHER)).toEqual([{ question_id: 'arrival_year', value_date: '2019' }]);
    expect(await answersOf(BROKEN)).toEqual([]);
    const toBroken = sock()
      .sent.filter((s) => s.jid === BROKEN)
      .map((s) => String(s.content.text ?? ''));
    expect(toBroken.at(-1)).toContain(apologyIn('ar'));

    const letters = await new DeadLetters(app.store).list();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ channel: 'whatsapp', respondentId: await respondentOf(BROKEN), attempts: 3, layer: 'bot', code: 'unexpected' });
    expect(letters[0]!.reason).toMatch(/^TypeError: cannot read the prompt of …$/);
    expect(JSON.stringify(letters)).not.toContain('31611111111');

    // Baileys hands the same message over again (same key id): a duplicate, no second apology.
    fault = () => {
      throw new Error('must not be tried again');
    };
    expect(await say(BROKEN, '2018', { id: '3ASTUCK0000000001' })).toEqual([]);
    expect(await new DeadLetters(app.store).count()).toBe(1);
  });

  it('retries a transient store error and stores the answer, with no dead letter', async () => {
    await consented(OTHER);
    let busy = 1;
    fault = (m) => {
      if (m.address === OTHER && busy-- > 0) throw new StoreError('busy', 'database is locked');
    };
    await say(OTHER, '2017');
    expect(await answersOf(OTHER)).toEqual([{ question_id: 'arrival_year', value_date: '2017' }]);
    expect(busy).toBe(-1);
    expect(await app.db.selectFrom('dead_letters').selectAll().execute()).toEqual([]);
  });
});
