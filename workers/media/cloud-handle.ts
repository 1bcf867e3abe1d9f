/**
 * WhatsApp Cloud API media handles: the media id Meta gave an inbound file, kept in
 * `MediaRef.fileRef` so a worker can fetch it later (GET /{media-id} → a short-lived URL).
 * Serialised as compact JSON with a `cloud` field, which Baileys handles never have.
 * @module
 */
export interface CloudMediaHandle {
  cloud: string;
  mimeType?: string;
  /** Meta's sha256 of the file, hex or base64 as Meta sends it; informational. */
  sha256?: string;
}

const ID = /^[A-Za-z0-9_.-]{1,128}$/;

export function encodeCloudHandle(h: CloudMediaHandle): string {
  return JSON.stringify(Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined && v !== '')));
}

/** True for a fileRef written by {@link encodeCloudHandle}. */
export const isCloudHandle = (fileRef: string): boolean => fileRef.startsWith('{"cloud":');

/** Parses a stored handle; throws a descriptive Error for a bad row. */
export function decodeCloudHandle(s: string): CloudMediaHandle {
  let o: unknown;
  try {
    o = JSON.parse(s);
  } catch {
    throw new Error('Malformed WhatsApp Cloud media handle: not JSON');
  }
  const h = o as Record<string, unknown>;
  if (typeof h !== 'object' || h === null || typeof h.cloud !== 'string' || !ID.test(h.cloud))
    throw new Error('Malformed WhatsApp Cloud media handle: "cloud" must be a media id');
  return h as unknown as CloudMediaHandle;
}
