/**
 * The Cloud API adapter's pure parts: Meta-shaped webhook fixtures → InboundMessage and status
 * updates, rendered messages → buttons, lists or numbered text, the signature check, and the
 * configuration errors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloudConfig, DEFAULT_GRAPH_ROOT } from '../../bot/channels/whatsapp-cloud/config.ts';
import { fromWebhook } from '../../bot/channels/whatsapp-cloud/inbound.ts';
import { interactiveOrText, templateBody } from '../../bot/channels/whatsapp-cloud/messages.ts';
import type { CloudWebhook } from '../../bot/channels/whatsapp-cloud/payload.ts';
import { signBody, validSignature } from '../../bot/channels/whatsapp-cloud/signature.ts';
import { ConfigError, loadConfig } from '../../bot/config.ts';
import type { RenderedMessage } from '../../bot/conversation/render.ts';
import { messagePayload, statusPayload, textBody } from '../../scripts/dev/graph-payloads.ts';
import { decodeCloudHandle } from '../../workers/media/cloud-handle.ts';

const DIR = join(import.meta.dirname, '../fixtures/whatsapp-cloud');
const PNID = '106540352242922';
const NOW = '2026-12-03T08:00:00.000Z';
const fixture = (name: string) => JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as CloudWebhook;
const one = (name: string) => {
  const { messages } = fromWebhook(fixture(name), PNID, NOW);
  expect(messages).toHaveLength(1);
  return messages[0]!;
};

describe('Cloud API webhook payloads → InboundMessage', () => {
  it('maps text with the number as reply address and its JID as alias, Meta’s time and id', () => {
    expect(one('text')).toEqual({
      channel: 'whatsapp',
      address: '16505551234',
      messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUYA1',
      receivedAt: '2025-06-08T20:59:43.000Z',
      aliases: ['16505551234@s.whatsapp.net'],
      content: { kind: 'text', text: 'Does it come in another color?' },
    });
  });

  it('maps reply buttons and list rows to the button data they carry, keeping the tapped message', () => {
    expect(one('button-reply')).toMatchObject({
      content: { kind: 'button', data: 'change-button' },
      tapped: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI0RjBDRkU2Q0I2QkY1Q0U3RUEA',
    });
    expect(one('list-reply').content).toEqual({ kind: 'button', data: 'priority_express' });
  });

  it('maps voice notes, audio, video, images and documents to media with a Cloud handle', () => {
    const voice = one('voice').content;
    expect(voice).toMatchObject({ kind: 'media', media: { kind: 'voice', mimeType: 'audio/ogg; codecs=opus' } });
    if (voice.kind !== 'media') throw new Error('not media');
    expect(decodeCloudHandle(voice.media.fileRef)).toMatchObject({ cloud: '1003383421387256' });
    expect(one('audio').content).toMatchObject({ kind: 'media', media: { kind: 'audio' } });
    expect(one('video').content).toMatchObject({ kind: 'media', media: { kind: 'video' }, caption: 'Check out my video' });
    expect(one('image').content).toMatchObject({ kind: 'media', media: { kind: 'image' }, caption: 'Black jacket' });
    expect(one('document').content).toMatchObject({ kind: 'media', media: { kind: 'document', mimeType: 'application/pdf' } });
  });

  it('maps stickers, locations, reactions and unknown types to unsupported (the calm reply)', () => {
    expect(['sticker', 'location', 'reaction', 'unsupported'].map((f) => one(f).content)).toEqual([
      { kind: 'unsupported', what: 'sticker' },
      { kind: 'unsupported', what: 'location' },
      { kind: 'unsupported', what: 'reaction' },
      { kind: 'unsupported', what: 'unsupported' },
    ]);
  });

  it('maps status callbacks without the recipient number, with the error code of a failure', () => {
    expect(fromWebhook(fixture('status-delivered'), PNID, NOW)).toEqual({
      messages: [],
      statuses: [
        { messageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI3MDEyMzQ1Njc4OTBBQkNERUYA', status: 'delivered', at: '2025-06-18T16:22:53.000Z', errorCode: null },
      ],
    });
    expect(fromWebhook(fixture('status-failed'), PNID, NOW).statuses[0]).toMatchObject({ status: 'failed', errorCode: 131047 });
    expect(JSON.stringify(fromWebhook(fixture('status-failed'), PNID, NOW))).not.toContain('16505551234');
  });

  it('skips changes for another phone number id of the same app, and non-WhatsApp objects', () => {
    expect(fromWebhook(fixture('text'), '999999999', NOW)).toEqual({ messages: [], statuses: [] });
    expect(fromWebhook({ ...fixture('text'), object: 'page' }, PNID, NOW)).toEqual({ messages: [], statuses: [] });
  });

  it('every fixture maps to something, and the fake server posts the same shape as the fixtures', () => {
    for (const f of readdirSync(DIR)) {
      const r = fromWebhook(fixture(f.replace(/\.json$/, '')), PNID, NOW);
      expect(r.messages.length + r.statuses.length, f).toBe(1);
    }
    const keys = (o: unknown): unknown =>
      Array.isArray(o)
        ? o.map(keys)
        : typeof o === 'object' && o !== null
          ? Object.fromEntries(
              Object.keys(o)
                .sort()
                .map((k) => [k, keys((o as never)[k])]),
            )
          : typeof o;
    const posted = messagePayload({ phoneNumberId: PNID }, '16505551234', 'text', textBody('Does it come in another color?'));
    expect(keys(posted)).toEqual(keys(fixture('text')));
    const status = statusPayload({ phoneNumberId: PNID }, '16505551234', 'wamid.X', 'delivered');
    expect(fromWebhook(status as CloudWebhook, PNID, NOW).statuses).toMatchObject([{ messageId: 'wamid.X', status: 'delivered' }]);
  });
});

const msg = (labels: string[], extra: Partial<RenderedMessage> = {}): RenderedMessage => ({
  text: 'Question?',
  language: 'en',
  dir: 'ltr',
  buttons: labels.map((l, i) => [{ label: l, data: `a:q:${i}` }]),
  ...extra,
});
const WORDS = { skipWord: 'SKIP', listButton: 'Choose' };

describe('Rendered messages → Cloud API bodies', () => {
  it('sends up to three short options as reply buttons', () => {
    expect(interactiveOrText(msg(['Yes', 'No']), WORDS)).toEqual({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Question?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'a:q:0', title: 'Yes' } },
            { type: 'reply', reply: { id: 'a:q:1', title: 'No' } },
          ],
        },
      },
    });
  });

  it('sends four to ten options as a list, and more (or too long ones) as numbered text', () => {
    const list = interactiveOrText(msg(['A', 'B', 'C', 'D']), WORDS) as {
      interactive: { type: string; action: { button: string; sections: Array<{ rows: unknown[] }> } };
    };
    expect(list.interactive.type).toBe('list');
    expect(list.interactive.action.button).toBe('Choose');
    expect(list.interactive.action.sections[0]!.rows).toHaveLength(4);
    const eleven = interactiveOrText(msg(Array.from({ length: 11 }, (_, i) => `Option ${i + 1}`)), WORDS) as { type: string; text: { body: string } };
    expect(eleven.type).toBe('text');
    expect(eleven.text.body).toMatch(/^Question\?\n\n1\. Option 1\n2\. Option 2/);
    // 21 characters: too long for a button title, fine for a list row.
    expect((interactiveOrText(msg(['Twenty-one characters', 'No']), WORDS) as { interactive: { type: string } }).interactive.type).toBe('list');
    const long = interactiveOrText(msg(['A label far too long for any row', 'B', 'C', 'D']), WORDS) as { type: string };
    expect(long.type).toBe('text');
    expect(interactiveOrText({ text: 'Hi', language: 'en', dir: 'ltr' }, WORDS)).toEqual({ type: 'text', text: { body: 'Hi', preview_url: false } });
  });

  it('builds a template with its language code, and our text as {{1}} only when asked', () => {
    const m = msg([], { text: 'Hello again!\n\nQuestion 2', purpose: 'reminder' });
    expect(templateBody({ name: 'r', language: 'nl', withText: false }, m)).toEqual({ type: 'template', template: { name: 'r', language: { code: 'nl' } } });
    expect(templateBody({ name: 'r', language: 'nl', withText: true }, m)).toMatchObject({
      template: { components: [{ type: 'body', parameters: [{ type: 'text', text: 'Hello again! · Question 2' }] }] },
    });
  });
});

describe('X-Hub-Signature-256', () => {
  it('accepts the HMAC of the raw body with the app secret and nothing else', () => {
    const body = Buffer.from('{"object":"whatsapp_business_account"}');
    expect(validSignature(body, signBody(body, 'secret'), 'secret')).toBe(true);
    expect(validSignature(body, signBody(body, 'other'), 'secret')).toBe(false);
    expect(validSignature(Buffer.from(`${body} `), signBody(body, 'secret'), 'secret')).toBe(false);
    expect(validSignature(body, undefined, 'secret')).toBe(false);
    expect(validSignature(body, 'sha256=zz', 'secret')).toBe(false);
  });
});

describe('Cloud API configuration', () => {
  const base = { WHATSAPP_API_ROOT: DEFAULT_GRAPH_ROOT, WHATSAPP_CLOUD_PER_SECOND: 80 };
  it('names every missing key with its fix', () => {
    const r = cloudConfig(base, '/');
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.problems.join('\n');
    for (const key of ['WHATSAPP_CLOUD_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'])
      expect(text).toContain(`${key} is required`);
  });

  it('names the template kind and language that is wrong, and a missing templates file', () => {
    const keys = { ...base, WHATSAPP_CLOUD_TOKEN: 'EAAx', WHATSAPP_PHONE_NUMBER_ID: '123456', WHATSAPP_APP_SECRET: 's', WHATSAPP_VERIFY_TOKEN: 'v' };
    const bad = cloudConfig({ ...keys, WHATSAPP_TEMPLATES: '{"reminder":{"nl":{"name":"Bad Name","language":"nl"}},"promo":{}}' }, '/');
    expect(bad.ok ? [] : bad.problems).toEqual([
      expect.stringMatching(/WHATSAPP_TEMPLATES: reminder\.nl\.name must be/),
      expect.stringMatching(/unknown template kind "promo"/),
    ]);
    const missing = cloudConfig({ ...keys, WHATSAPP_TEMPLATES: 'templates.json' }, '/nowhere');
    expect(missing.ok ? '' : missing.problems[0]).toMatch(/WHATSAPP_TEMPLATES file \/nowhere\/templates\.json: no such file/);
  });

  it('fails start-up with a ConfigError (no stack trace) and keeps Baileys the default', () => {
    expect(() => loadConfig({ WHATSAPP_MODE: 'cloud' })).toThrow(ConfigError);
    expect(() => loadConfig({ WHATSAPP_MODE: 'cloud' })).toThrow(/WHATSAPP_CLOUD_TOKEN is required/);
    const c = loadConfig({ WHATSAPP_ENABLED: '1' });
    expect([c.whatsapp !== null, c.whatsappCloud]).toEqual([true, null]);
  });
});
