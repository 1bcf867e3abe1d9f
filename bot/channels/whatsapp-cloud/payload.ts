/**
 * The parts of Meta's WhatsApp Cloud API webhook payload we read (field names as Meta
 * documents them): `entry[].changes[].value` with `messages[]`, `contacts[]`, `statuses[]`.
 * Every field is optional here: the mapping checks what it uses.
 * @module
 */
export interface CloudMedia {
  id?: string;
  mime_type?: string;
  sha256?: string;
  caption?: string;
  filename?: string;
  /** Audio: true for a voice note recorded in WhatsApp. */
  voice?: boolean;
}

export interface CloudMessage {
  from?: string;
  id?: string;
  timestamp?: string;
  type?: string;
  text?: { body?: string };
  interactive?: { type?: string; button_reply?: { id?: string; title?: string }; list_reply?: { id?: string; title?: string; description?: string } };
  /** A quick-reply button of a template. */
  button?: { payload?: string; text?: string };
  audio?: CloudMedia;
  voice?: CloudMedia;
  video?: CloudMedia;
  image?: CloudMedia;
  document?: CloudMedia;
  sticker?: CloudMedia;
  location?: { latitude?: number; longitude?: number };
  reaction?: { message_id?: string; emoji?: string };
  context?: { from?: string; id?: string };
  errors?: Array<{ code?: number; title?: string }>;
}

export interface CloudStatusUpdate {
  id?: string;
  status?: string;
  timestamp?: string;
  recipient_id?: string;
  errors?: Array<{ code?: number; title?: string; message?: string }>;
}

export interface CloudWebhook {
  object?: string;
  entry?: Array<{
    id?: string;
    changes?: Array<{
      field?: string;
      value?: {
        messaging_product?: string;
        metadata?: { display_phone_number?: string; phone_number_id?: string };
        contacts?: Array<{ wa_id?: string; profile?: { name?: string } }>;
        messages?: CloudMessage[];
        statuses?: CloudStatusUpdate[];
      };
    }>;
  }>;
}

/** What we send: Graph API error bodies. */
export interface GraphErrorBody {
  error?: { message?: string; type?: string; code?: number; error_subcode?: number; error_data?: { details?: string }; fbtrace_id?: string };
}
