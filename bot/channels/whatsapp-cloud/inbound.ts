/**
 * WhatsApp Cloud API webhook payload → {@link InboundMessage}s and status updates, in one
 * pure function. Channel quirks end here: a tapped reply button or list row carries the
 * engine's button data as its id; a media message carries Meta's media id for the media
 * pipeline; what we cannot use (stickers, locations, reactions, contacts, unknown types) becomes
 * `unsupported`, which gets the same calm reply as on the other channels.
 * @module
 */
import type { MediaRef } from '../../../surveys/engine/types.ts';
import { encodeCloudHandle } from '../../../workers/media/cloud-handle.ts';
import { languagesForNumber } from '../language-hint.ts';
import type { InboundContent, InboundMessage } from '../port.ts';
import type { CloudMedia, CloudMessage, CloudWebhook } from './payload.ts';

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** A status callback for a message we sent; the recipient's number is dropped here. */
export interface StatusReport {
  messageId: string;
  status: DeliveryStatus;
  at: string;
  errorCode: number | null;
}

export interface WebhookContents {
  messages: InboundMessage[];
  statuses: StatusReport[];
}

const STATUSES = new Set<string>(['sent', 'delivered', 'read', 'failed']);
const UNSUPPORTED: Record<string, string> = {
  sticker: 'sticker',
  location: 'location',
  contacts: 'contact',
  reaction: 'reaction',
  order: 'order',
  unsupported: 'unsupported',
};
/** Cloud API number ids are digits (a wa_id); anything else is not a person we can answer. */
const WA_ID = /^\d{6,20}$/;

/** The JID Baileys knows the same person by, so both adapters map a number to one respondent. */
export const jidOf = (waId: string): string => `${waId}@s.whatsapp.net`;

function when(ts: string | undefined, fallback: string): string {
  const n = Number(ts);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : fallback;
}

function media(kind: MediaRef['kind'], m: CloudMedia): InboundContent | null {
  if (!m.id) return null;
  const ref: MediaRef = {
    kind,
    fileRef: encodeCloudHandle({ cloud: m.id, ...(m.mime_type ? { mimeType: m.mime_type } : {}), ...(m.sha256 ? { sha256: m.sha256 } : {}) }),
    // The media id is unique per upload; a forwarded file gets a new one, like Telegram's file ids.
    uniqueId: m.sha256 ?? m.id,
    mimeType: m.mime_type,
  };
  return { kind: 'media', media: ref, caption: m.caption || undefined };
}

function content(m: CloudMessage): InboundContent | null {
  switch (m.type) {
    case 'text':
      return { kind: 'text', text: m.text?.body ?? '' };
    case 'interactive': {
      const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
      return reply?.id ? { kind: 'button', data: reply.id } : { kind: 'unsupported', what: 'interactive' };
    }
    case 'button':
      // A template's quick-reply button: its text is what the person chose.
      return { kind: 'text', text: m.button?.text ?? m.button?.payload ?? '' };
    case 'audio':
      return m.audio ? media(m.audio.voice ? 'voice' : 'audio', m.audio) : null;
    case 'voice':
      return m.voice ? media('voice', m.voice) : null;
    case 'video':
      return m.video ? media('video', m.video) : null;
    case 'image':
      return m.image ? media('image', m.image) : null;
    case 'document':
      return m.document ? media('document', m.document) : null;
    case 'system':
      return null; // a number change and the like: nothing the person said to us
    default:
      return { kind: 'unsupported', what: (m.type && UNSUPPORTED[m.type]) ?? m.type ?? 'unknown' };
  }
}

/**
 * Everything a webhook call brings for our phone number id. `now` dates a message without a
 * timestamp. Changes for other numbers of the same app are skipped.
 */
export function fromWebhook(payload: CloudWebhook, phoneNumberId: string, now: string): WebhookContents {
  const out: WebhookContents = { messages: [], statuses: [] };
  if (payload.object !== 'whatsapp_business_account') return out;
  for (const entry of payload.entry ?? []) {
    for (const change of entry.changes ?? []) {
      const v = change.value;
      if (change.field !== 'messages' || !v || v.metadata?.phone_number_id !== phoneNumberId) continue;
      for (const m of v.messages ?? []) {
        if (!m.id || !m.from || !WA_ID.test(m.from)) continue;
        const c = content(m);
        if (!c) continue;
        // Only language codes leave the adapter: the number's country suggests, the respondent confirms.
        const languageHints = languagesForNumber(m.from);
        out.messages.push({
          channel: 'whatsapp',
          address: m.from,
          messageId: m.id,
          receivedAt: when(m.timestamp, now),
          aliases: [jidOf(m.from)],
          ...(languageHints.length ? { languageHints } : {}),
          ...(c.kind === 'button' && m.context?.id ? { tapped: m.context.id } : {}),
          content: c,
        });
      }
      for (const s of v.statuses ?? []) {
        if (!s.id || !s.status || !STATUSES.has(s.status)) continue;
        out.statuses.push({ messageId: s.id, status: s.status as DeliveryStatus, at: when(s.timestamp, now), errorCode: s.errors?.[0]?.code ?? null });
      }
    }
  }
  return out;
}
