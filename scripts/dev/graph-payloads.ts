/**
 * Webhook payloads shaped as Meta documents them for the WhatsApp Cloud API
 * (`object: whatsapp_business_account`, `entry[].changes[].value` with `metadata`, `contacts`,
 * `messages` or `statuses`), for the fake Graph API to post. The same shapes as the fixtures in
 * tests/fixtures/whatsapp-cloud/.
 * @module
 */
let seq = 0;
/** A message id in Meta's format (wamid. + base64). */
export const wamid = (): string => `wamid.${Buffer.from(`HBgL${Date.now()}${String(++seq).padStart(8, '0')}`).toString('base64')}`;

export interface Envelope {
  phoneNumberId: string;
  displayNumber?: string;
}

function change(env: Envelope, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: env.displayNumber ?? '15550783881', phone_number_id: env.phoneNumberId },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** One inbound message from `from` (a wa_id); `body` is the type's own object (`text`, `audio`, …). */
export function messagePayload(
  env: Envelope,
  from: string,
  type: string,
  body: Record<string, unknown>,
  opts: { id?: string; timestamp?: number; context?: string } = {},
) {
  const message = {
    from,
    id: opts.id ?? wamid(),
    timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
    type,
    ...(opts.context ? { context: { from: env.displayNumber ?? '15550783881', id: opts.context } } : {}),
    ...body,
  };
  return change(env, { contacts: [{ profile: { name: 'Respondent' }, wa_id: from }], messages: [message] });
}

export const textBody = (text: string) => ({ text: { body: text } });
export const buttonReplyBody = (id: string, title: string) => ({ interactive: { type: 'button_reply', button_reply: { id, title } } });
export const listReplyBody = (id: string, title: string) => ({ interactive: { type: 'list_reply', list_reply: { id, title, description: '' } } });
export const voiceBody = (mediaId: string, sha256: string) => ({ audio: { mime_type: 'audio/ogg; codecs=opus', sha256, id: mediaId, voice: true } });

export function statusPayload(env: Envelope, recipient: string, id: string, status: 'sent' | 'delivered' | 'read' | 'failed', errorCode?: number) {
  return change(env, {
    statuses: [
      {
        id,
        status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: recipient,
        ...(errorCode ? { errors: [{ code: errorCode, title: 'error', message: 'error', error_data: { details: 'error' } }] } : {}),
      },
    ],
  });
}
