import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelPort } from '../../bot/channels/port.ts';
import type { RenderedMessage } from '../../bot/conversation/render.ts';
import { PilotRepository } from '../../storage/pilots.ts';
import { ROOT, startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { stemmen } from '../helpers/cli.ts';

/** The far side of WhatsApp: what would be sent to which number. */
class CaptureChannel implements ChannelPort {
  readonly sent: Array<{ address: string; message: RenderedMessage }> = [];
  readonly name = 'whatsapp';
  async send(address: string, message: RenderedMessage): Promise<void> {
    this.sent.push({ address, message });
  }
}

const whatsapp = new CaptureChannel();
let app: TestApp;
let env: Record<string, string>;
const CODE = 'utrecht26';

beforeAll(async () => {
  app = await startTestApp({}, { channels: [whatsapp] });
  env = { DATA_DIR: app.dir, QUEUE_PREFIX: app.config.redis.prefix, LOG_LEVEL: 'silent' };
  await new PilotRepository(app.db).create(
    {
      code: CODE,
      name: 'Utrecht',
      surveyId: 'default-pilot',
      surveyVersion: 1,
      surveyFile: join(ROOT, 'surveys/definitions/default-pilot.yaml'),
      channels: ['telegram', 'whatsapp'],
    },
    new Date().toISOString(),
  );
}, 30_000);
afterAll(async () => {
  await app.dispose();
});

describe('stemmen pilot invite', () => {
  it('invites people with recorded consent through WhatsApp, paced, with progress; a second run invites nobody twice', async () => {
    const list = join(app.dir, 'list.csv');
    writeFileSync(list, 'phone,consent,language\n+31 6 1234 5678,yes,nl\n+31612345679,no,\n+31612345680,yes,ar\n');
    const r = await stemmen(['pilot', 'invite', CODE, '--contacts', list, '--window', '2s'], env);
    expect(r.stderr).toMatch(/2\/2 \(2 sent, 0 failed\)/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^refused .*list\.csv:3: no recorded consent to be contacted$/m);
    expect(r.stdout).toContain('2 new invitation(s) over 2s; 0 already invited before (not again); 1 refused');
    expect(whatsapp.sent.map((s) => s.address).sort()).toEqual(['31612345678@s.whatsapp.net', '31612345680@s.whatsapp.net']);
    const ar = whatsapp.sent.find((s) => s.address.startsWith('31612345680'))!.message;
    expect(ar).toMatchObject({ language: 'ar', dir: 'rtl' });
    expect(ar.text).toContain(`START \u2068${CODE}\u2069`);

    const again = await stemmen(['pilot', 'invite', CODE, '--contacts', list, '--window', '2s'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 new invitation(s) over 2s; 2 already invited before (not again); 1 refused');
    expect(whatsapp.sent).toHaveLength(2);

    const stats = JSON.parse((await stemmen(['pilot', 'stats', CODE, '--json'], env)).stdout) as { total: { invited: number } };
    expect(stats.total.invited).toBe(2);

    // The invitee answers by copying "START <code>" out of the Arabic message, bidi isolates and all.
    await app.handler.handle({
      channel: 'whatsapp',
      address: '31612345680@s.whatsapp.net',
      messageId: 'reply-1',
      receivedAt: new Date().toISOString(),
      content: { kind: 'text', text: `START \u2068${CODE}\u2069` },
    });
    const rid = app.handler.respondentIdFor('whatsapp', '31612345680@s.whatsapp.net');
    const joined = await app.db.selectFrom('sessions').select('pilot_code').where('respondent_id', '=', rid).executeTakeFirstOrThrow();
    expect(joined.pilot_code).toBe(CODE);
  });

  it('refuses a list without a consent column, and one with a bad number, inviting nobody', async () => {
    const before = whatsapp.sent.length;
    const noConsent = join(app.dir, 'no-consent.csv');
    writeFileSync(noConsent, 'phone\n+31612345690\n');
    const r = await stemmen(['pilot', 'invite', CODE, '--contacts', noConsent], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no-consent\.csv: no consent column/);
    const bad = join(app.dir, 'bad.csv');
    writeFileSync(bad, 'phone,consent\n+31612345691,yes\n12ab,yes\n');
    const b = await stemmen(['pilot', 'invite', CODE, '--contacts', bad], env);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('bad.csv:3: not a valid phone number in NL');
    expect(b.stderr).not.toContain('31612345691');
    expect(whatsapp.sent).toHaveLength(before);
  });
});

describe('stemmen pilot invite with a list from Excel NL', () => {
  it('reads ; separated UTF-8 with BOM and CRLF, normalises numbers for --region, and lists a landline by line', async () => {
    const before = whatsapp.sent.length;
    const list = join(app.dir, 'uitnodigen.csv');
    const rows = ['Naam;Telefoon;Toestemming;Taal', 'Jansen, P.;06-12345700;ja;nl', 'Peeters;0470 12 34 57;ja;ar', 'Balie;020 123 4567;ja;nl'];
    writeFileSync(list, `\uFEFF${rows.join('\r\n')}\r\n`);
    // For Belgium: the 06 number is then not a valid mobile, so the run stops before anyone is invited.
    const be = await stemmen(['pilot', 'invite', CODE, '--contacts', list, '--region', 'BE', '--window', '1s'], env);
    expect(be.code).toBe(1);
    expect(be.stderr).toContain('uitnodigen.csv:2: not a valid phone number in BE');
    expect(whatsapp.sent).toHaveLength(before);
    writeFileSync(list, `\uFEFF${rows.join('\r\n').replace('0470 12 34 57', '+32 470 12 34 57')}\r\n`);
    const r = await stemmen(['pilot', 'invite', CODE, '--contacts', list, '--window', '1s'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^refused .*uitnodigen\.csv:4: not a mobile number \(a landline in NL\); invitations need a mobile number$/m);
    expect(r.stdout).not.toContain('123 4567');
    expect(
      whatsapp.sent
        .slice(before)
        .map((s) => s.address)
        .sort(),
    ).toEqual(['31612345700@s.whatsapp.net', '32470123457@s.whatsapp.net']);
    expect((await stemmen(['pilot', 'invite', CODE, '--contacts', list, '--region', 'XX'], env)).stderr).toContain('--region "XX" is not a country code');
  });
});

describe('stemmen pilot share-results', () => {
  it('sends the results to respondents who agreed to be contacted again, once, in their language', async () => {
    const yes = new TryitClient(app.url, undefined, 'en');
    const no = new TryitClient(app.url, undefined, 'en');
    for (const c of [yes, no]) {
      await c.send({ text: `start ${CODE}` });
      await c.send({ button: 'lang:en' });
      await c.send({ button: 'consent:yes' });
    }
    const consent = (client: TryitClient, granted: number) =>
      app.db
        .insertInto('consents')
        .values({
          id: randomUUID(),
          respondent_id: app.handler.respondentIdFor('tryit', client.token),
          pilot_code: CODE,
          survey_id: 'default-pilot',
          kind: 'recontact',
          theme: 'work',
          version: 1,
          granted,
          recorded_at: new Date().toISOString(),
          source_message_id: randomUUID(),
        })
        .execute();
    await consent(yes, 1);
    await consent(no, 0);
    app.tryit.drain(yes.token);
    app.tryit.drain(no.token);

    const nl = join(app.dir, 'results-nl.txt');
    writeFileSync(nl, 'Wat we leerden: …');
    const missing = await stemmen(['pilot', 'share-results', CODE, '--message', `nl=${nl}`], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^respondents who opted in use en too; add --message en=<file>/);

    const en = join(app.dir, 'results-en.txt');
    writeFileSync(en, 'What we learned: most people found work hard to find.');
    const r = await stemmen(['pilot', 'share-results', CODE, '--message', `en=${en}`, '--message', `nl=${nl}`, '--window', '1s'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 respondent(s) who opted in get the results; 0 got them before (not again)');
    const got = app.tryit.drain(yes.token);
    expect(got.map((m) => m.text)).toEqual([
      'What we learned: most people found work hard to find.\n\nYou get this message because you agreed that we may contact you again after the survey. Thank you for taking part.',
    ]);
    expect(app.tryit.drain(no.token)).toEqual([]);

    const again = await stemmen(['pilot', 'share-results', CODE, '--message', `en=${en}`, '--window', '1s'], env);
    expect(again.stdout).toContain('0 respondent(s) who opted in get the results; 1 got them before (not again)');
    expect(app.tryit.drain(yes.token)).toEqual([]);
  });
});
