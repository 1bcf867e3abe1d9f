import type { Channel } from '../../surveys/channels.ts';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelPort } from '../../bot/channels/port.ts';
import type { RenderedMessage } from '../../bot/conversation/render.ts';
import { CampaignRepository } from '../../storage/campaigns.ts';
import { startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';

/** The far side of WhatsApp: records what would be sent to which address. */
class CaptureChannel implements ChannelPort {
  readonly sent: Array<{ address: string; message: RenderedMessage; priority?: string | undefined }> = [];
  constructor(readonly name: Channel) {}
  async send(address: string, message: RenderedMessage, meta?: { id: string; priority?: string }): Promise<void> {
    this.sent.push({ address, message, priority: meta?.priority });
  }
}

const whatsapp = new CaptureChannel('whatsapp');
let app: TestApp;
let repo: CampaignRepository;
const msg = (text: string): RenderedMessage => ({ text, language: 'nl', dir: 'ltr' });

beforeAll(async () => {
  app = await startTestApp({}, { channels: [whatsapp] });
  repo = new CampaignRepository(app.db, (c, a) => app.handler.suppressionKey(c, a));
});
afterAll(async () => {
  await app.dispose();
});

describe('campaign targets', () => {
  it('plans each invitee once, sends each once, and keeps no number outside contacts and outbox', async () => {
    const now = new Date().toISOString();
    await repo.ensure('invite-default', 'default', 'invite', { nl: msg('Doe mee: START default'), ar: { ...msg('شارك'), language: 'ar', dir: 'rtl' } }, now);
    const invitees = [
      { targetKey: 'r_invitee_one', address: '31612345678@s.whatsapp.net', language: 'nl', plannedAt: now },
      { targetKey: 'r_invitee_two', address: '31612345679@s.whatsapp.net', language: 'ar', plannedAt: now },
    ];
    expect(await repo.planInvitations('invite-default', invitees, now)).toEqual({ added: ['r_invitee_one', 'r_invitee_two'], already: 0 });
    expect(await repo.planInvitations('invite-default', invitees, now)).toEqual({ added: [], already: 2 });
    expect(await repo.progress('invite-default')).toEqual({ planned: 2, sent: 0, failed: 0, suppressed: 0, total: 2 });

    for (const key of ['r_invitee_one', 'r_invitee_two', 'r_invitee_one']) {
      const r = await repo.send('invite-default', key, now, randomUUID, app.delivery);
      if (r.outcome === 'sent') await app.delivery.flush(r.channel, r.address);
    }
    expect(whatsapp.sent.map((s) => [s.address, s.message.text])).toEqual([
      ['31612345678@s.whatsapp.net', 'Doe mee: START default'],
      ['31612345679@s.whatsapp.net', 'شارك'],
    ]);
    // Campaign messages yield to conversations in the channel's pacer.
    expect(whatsapp.sent.map((s) => s.priority)).toEqual(['campaign', 'campaign']);
    expect(await repo.progress('invite-default')).toEqual({ planned: 0, sent: 2, failed: 0, suppressed: 0, total: 2 });
    const targets = await app.db.selectFrom('campaign_targets').selectAll().execute();
    expect(JSON.stringify(targets)).not.toMatch(/3161234567/);
  });

  it('marks a target failed when its contact is gone (purged after 24 h without consent)', async () => {
    const now = new Date().toISOString();
    await repo.planInvitations(
      'invite-default',
      [{ targetKey: 'r_invitee_three', address: '31612345670@s.whatsapp.net', language: 'nl', plannedAt: now }],
      now,
    );
    await app.db.deleteFrom('respondents').where('id', '=', 'r_invitee_three').execute();
    expect(await repo.send('invite-default', 'r_invitee_three', now, randomUUID, app.delivery)).toEqual({ outcome: 'no-address' });
    expect(await repo.progress('invite-default')).toMatchObject({ failed: 1 });
  });

  it('finds respondents who agreed to be contacted again, by their latest answer per theme', async () => {
    const client = new TryitClient(app.url, undefined, 'en');
    await client.send({ command: 'start' });
    await client.send({ button: 'lang:en' });
    await client.send({ button: 'consent:yes' });
    const rid = app.handler.respondentIdFor('tryit', client.token);
    const at = (s: number) => new Date(Date.now() + s * 1000).toISOString();
    const consent = (theme: string, granted: number, s: number) =>
      app.db
        .insertInto('consents')
        .values({
          id: randomUUID(),
          respondent_id: rid,
          pilot_code: 'default',
          survey_id: 'default-pilot',
          kind: 'recontact',
          theme,
          version: 1,
          granted,
          recorded_at: at(s),
          source_message_id: randomUUID(),
        })
        .execute();
    await consent('work', 1, 1);
    await consent('work', 0, 2);
    expect(await repo.optedIn('default', 'en')).toEqual([]);
    await consent('health', 1, 3);
    expect(await repo.optedIn('default', 'en')).toEqual([{ targetKey: rid, language: 'en' }]);
  });
});
