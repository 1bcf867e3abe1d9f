import type { AuthenticationState } from '@whiskeysockets/baileys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser } from '../helpers/dashboard.ts';
import { closeWith, FakeSocket, text, waMessage } from '../helpers/whatsapp.ts';

let app: TestApp;
let sockets: FakeSocket[];
const sock = () => sockets.at(-1)!;
const PN = '31687654321@s.whatsapp.net';
const LID = '198765432109876@lid';

beforeEach(async () => {
  sockets = [];
  app = await startTestApp(
    { WHATSAPP_ENABLED: '1', TRYIT_ENABLED: '0', WHATSAPP_CHAT_GAP_MS: '0', WHATSAPP_PER_MINUTE: '600' },
    {
      makeWhatsAppSocket: (auth: AuthenticationState) => {
        const s = new FakeSocket(auth);
        sockets.push(s);
        return s;
      },
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
async function say(jid: string, t: string, key?: Parameters<typeof text>[2]): Promise<string> {
  const before = sock().sent.length;
  sock().receive(text(jid, t, key));
  await settle();
  return sock()
    .sent.slice(before)
    .map((s) => String(s.content.text ?? ''))
    .join('\n---\n');
}
async function phase(): Promise<string | undefined> {
  return (await app.db.selectFrom('sessions').select('phase').orderBy('updated_at', 'desc').executeTakeFirst())?.phase;
}

describe('WhatsApp channel with a Baileys socket driven by the test', () => {
  it('completes the default pilot in Arabic with numbered and Arabic-Indic answers', async () => {
    let out = await say(PN, 'مرحبا');
    expect(out).toMatch(/^أي لغة|Which language/);
    expect(out).toMatch(/3\. العربية/);
    out = await say(PN, '٣'); // العربية
    expect(out).toMatch(/1\. نعم، أشارك|1\. /);
    out = await say(PN, '١'); // consent: yes
    let previous = '';
    for (let i = 0; i < 80 && (await phase()) !== 'completed'; i++) {
      const last = out.split('\n---\n').at(-1)!;
      const numbered = [...last.matchAll(/^(\d+)\. /gm)].length;
      const digit = (n: number) => String(n).replace(/\d/g, (d) => '٠١٢٣٤٥٦٧٨٩'[Number(d)]!);
      if (/\b0\b.*\b10\b/s.test(last) && numbered === 0)
        out = await say(PN, '٣'); // a scale: low, so follow-ups come too
      else if (numbered > 0 && last.split('\n')[0] === previous.split('\n')[0])
        out = await say(PN, digit(numbered)); // a toggled list came back: the last item is Done
      else if (numbered > 0) out = await say(PN, /تفعل في وقت فراغك/.test(last) ? '١، ٣' : '١');
      else out = await say(PN, '٢٠١٩');
      previous = last;
    }
    expect(await phase()).toBe('completed');
    const answers = await app.db.selectFrom('answers_v1').selectAll().execute();
    expect(new Set(answers.map((a) => a.indicator).filter((i) => i !== null)).size).toBe(14); // background answers carry none
    expect(answers.every((a) => a.language === 'ar' && a.channel === 'whatsapp')).toBe(true);
    expect(answers.find((a) => a.question_id === 'leisure_activities')?.value_choices).toBe('["sport","religious"]');
    expect(answers.find((a) => a.question_id === 'arrival_year')?.value_date).toBe('2019');
    expect(JSON.stringify(answers)).not.toContain('31687654321');
    expect(sock().sent.every((s) => s.jid === PN)).toBe(true);
  });

  it('maps a phone-number JID and a LID of one person to one respondent, replying to each where it came from', async () => {
    await say(PN, 'hi', { remoteJidAlt: LID });
    await say(PN, '1'); // English
    await say(LID, '1'); // consent yes, now from the LID
    await say(LID, '2020');
    const respondents = await app.db.selectFrom('respondents').select('id').execute();
    expect(respondents).toHaveLength(1);
    const answers = await app.db.selectFrom('answers').select(['question_id', 'respondent_id']).execute();
    expect(answers).toEqual([{ question_id: 'arrival_year', respondent_id: respondents[0]!.id }]);
    expect(sock().sent.at(-1)!.jid).toBe(LID);
    expect(sock().sent.some((s) => s.jid === PN)).toBe(true);
  });

  it("links a LID learned from Baileys' lid-mapping event to the person it already knows", async () => {
    await say(PN, 'hi');
    sock().emit('lid-mapping.update', { pn: PN, lid: LID });
    await settle();
    await say(LID, '1');
    expect(await app.db.selectFrom('respondents').select('id').execute()).toHaveLength(1);
  });

  it('records a redelivered message (same key id) once', async () => {
    await say(PN, 'hi');
    await say(PN, '1');
    await say(PN, '1');
    const m = text(PN, '2018', { id: 'DUPLICATE-KEY' });
    sock().receive(m);
    sock().receive(m);
    await settle();
    expect((await app.db.selectFrom('answers').select('question_id').execute()).map((r) => r.question_id)).toEqual(['arrival_year']);
  });

  it('answers every kind it cannot use calmly and ignores groups, status and its own messages', async () => {
    await say(PN, 'hi');
    await say(PN, '1');
    await say(PN, '1');
    for (const message of [
      { stickerMessage: { mediaKey: new Uint8Array(32), mimetype: 'image/webp' } },
      { locationMessage: { degreesLatitude: 1, degreesLongitude: 2 } },
      { reactionMessage: { text: '👍' } },
    ]) {
      const before = sock().sent.length;
      sock().receive(waMessage(PN, message));
      await settle();
      expect(sock().texts().slice(before)[0]).toMatch(/cannot use this kind of message/);
    }
    const before = sock().sent.length;
    sock().receive(text('120363000000000000@g.us', 'hi all'), text('status@broadcast', 'story'), text(PN, 'echo', { fromMe: true }));
    await settle();
    expect(sock().sent.length).toBe(before);
  });

  it('keeps replies while disconnected and sends them once after reconnecting, exactly once', async () => {
    await say(PN, 'hi');
    const first = sock();
    first.emit('connection.update', closeWith(515)); // restart required: reconnect at once
    await settle();
    await new Promise((r) => setTimeout(r, 10));
    expect(sockets).toHaveLength(2);
    first.receive(text(PN, '1')); // arrives on the old socket before the new one is open
    await settle();
    expect(await app.db.selectFrom('outbox').select('id').execute()).not.toEqual([]);
    sock().emit('connection.update', { connection: 'open' });
    await new Promise((r) => setTimeout(r, 50));
    await settle();
    expect(sock().texts(PN).join('\n')).toMatch(/take part/);
    expect(await app.db.selectFrom('outbox').select('id').execute()).toEqual([]);
    const ids = sock().sent.map((s) => s.options?.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reconnects with backoff after a lost connection, and stops for good when logged out or replaced', async () => {
    sock().emit('connection.update', closeWith(408));
    expect(app.whatsapp!.connection.status).toBe('reconnecting');
    // The first backoff is 0.5–1 s; allow for a busy machine.
    for (let waited = 0; sockets.length < 2 && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(sockets).toHaveLength(2);
    sock().emit('connection.update', { connection: 'open' });
    sock().emit('connection.update', closeWith(440));
    await new Promise((r) => setTimeout(r, 20));
    expect(app.whatsapp!.connection.status).toBe('replaced');
    expect(sockets).toHaveLength(2);
  }, 10_000);

  it('on logout forgets the pairing keys and shows a new QR code on a fresh socket, without a restart', async () => {
    sock().emit('creds.update', {});
    await new Promise((r) => setTimeout(r, 20));
    expect(await app.db.selectFrom('whatsapp_creds').select('session').execute()).toHaveLength(1);
    const old = sock();
    old.auth.creds.registered = true;
    old.emit('connection.update', closeWith(401));
    for (let waited = 0; sockets.length < 2 && waited < 2000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    expect(await app.db.selectFrom('whatsapp_creds').select('session').execute()).toEqual([]);
    expect(old.ended).toBe(true);
    expect(sockets).toHaveLength(2);
    // The new socket pairs from scratch: fresh keys, not the logged-out ones.
    expect(sock().auth.creds.registered).toBe(false);
    expect(Buffer.from(sock().auth.creds.noiseKey.private).equals(Buffer.from(old.auth.creds.noiseKey.private))).toBe(false);
    // A late event of the old socket writes nothing back.
    old.emit('creds.update', {});
    sock().emit('connection.update', { qr: '2@fresh,qr' });
    await new Promise((r) => setTimeout(r, 20));
    expect(await app.db.selectFrom('whatsapp_creds').select('session').execute()).toEqual([]);
    expect(app.whatsapp!.connection.status).toBe('waiting_for_pairing');
    expect(app.whatsapp!.connection.qr).toBe('2@fresh,qr');
  });

  it('shows the QR code on the admin page, to dashboard admins only, while waiting for pairing', async () => {
    sock().emit('connection.update', { qr: '2@abc,def,ghi' });
    await new Promise((r) => setTimeout(r, 20));
    const anonymous = await app.server.inject({ url: '/admin/whatsapp' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/login?next=%2Fadmin%2Fwhatsapp');
    await createUser(app.db, 'coord@example.org', 'coordinator');
    const coordinator = new Browser(app.server);
    await coordinator.login('coord@example.org');
    expect((await coordinator.get('/admin/whatsapp')).statusCode).toBe(403);
    await createUser(app.db, 'admin@example.org', 'admin');
    const admin = new Browser(app.server);
    await admin.login('admin@example.org');
    const page = await admin.get('/admin/whatsapp');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<img alt="QR code" src="data:image\/png;base64,/);
  });

  it('joins the pilot whose code is the pre-filled text of a wa.me link', async () => {
    await app.store.pilots.ensure('amsterdam-2026', 'Amsterdam 2026', 'default-pilot', 1, new Date().toISOString());
    await say(PN, 'amsterdam-2026');
    expect(await app.db.selectFrom('sessions').select('pilot_code').execute()).toEqual([{ pilot_code: 'amsterdam-2026' }]);
  });
});
