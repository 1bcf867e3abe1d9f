/**
 * WhatsApp media handles: what we keep of a media message so a worker can download and
 * decrypt its file later without keeping the message, and so without the sender's JID or
 * phone number. Serialised as compact JSON into `MediaRef.fileRef`.
 * @module
 */

/** Everything needed to download and decrypt one WhatsApp media message later (never a phone number or JID). */
export interface WhatsAppMediaHandle {
  /** The Baileys media type used for decryption keys ('ptv' videos use 'video': same keys). */
  kind: 'audio' | 'video' | 'image' | 'document' | 'sticker';
  mediaKey: string; // base64
  url?: string;
  directPath?: string;
  /** base64; fileSha256 is the plaintext's hash, checked after decryption. */
  fileEncSha256?: string;
  fileSha256?: string;
  fileLength?: number;
  mimetype?: string;
  seconds?: number;
  fileName?: string;
}

/** Drops absent fields so the JSON stays small and `exactOptionalPropertyTypes` holds. */
export function compact<T extends object>(o: { [K in keyof T]: T[K] | null | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')) as T;
}

export function encodeMediaHandle(h: WhatsAppMediaHandle): string {
  return JSON.stringify(compact({ ...h }));
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const KINDS = new Set<string>(['audio', 'video', 'image', 'document', 'sticker'] satisfies WhatsAppMediaHandle['kind'][]);
const FIELD_TYPES: Record<string, 'string' | 'number' | 'base64'> = {
  url: 'string',
  directPath: 'string',
  mimetype: 'string',
  fileName: 'string',
  fileEncSha256: 'base64',
  fileSha256: 'base64',
  fileLength: 'number',
  seconds: 'number',
};

/** Parses a stored handle; throws a descriptive Error, since a bad row should fail loudly, not download garbage. */
export function decodeMediaHandle(s: string): WhatsAppMediaHandle {
  const fail = (why: string): never => {
    throw new Error(`Malformed WhatsApp media handle: ${why}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(s);
  } catch {
    fail('not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('not a JSON object');
  const o = raw as Record<string, unknown>;
  if (typeof o.kind !== 'string' || !KINDS.has(o.kind)) fail(`unknown kind ${JSON.stringify(o.kind)}`);
  if (typeof o.mediaKey !== 'string' || !BASE64.test(o.mediaKey) || Buffer.from(o.mediaKey, 'base64').length !== 32) {
    fail('mediaKey must be 32 bytes of base64');
  }
  for (const [field, value] of Object.entries(o)) {
    if (field === 'kind' || field === 'mediaKey') continue;
    const type = FIELD_TYPES[field] ?? fail(`unknown field "${field}"`);
    const ok =
      type === 'number' ? Number.isSafeInteger(value) && (value as number) >= 0 : typeof value === 'string' && (type === 'string' || BASE64.test(value));
    if (!ok) fail(`"${field}" is not a valid ${type}`);
  }
  return o as unknown as WhatsAppMediaHandle;
}
