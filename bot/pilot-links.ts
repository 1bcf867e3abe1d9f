/**
 * A pilot's links and their QR codes: the Telegram deep link and the wa.me link, once for the
 * pilot and, per survey language, with that language preselected (`<code>-<lng>`). Shared by
 * `stemmen pilot links` (files) and the dashboard's launch page (downloads).
 * @module
 */
import QRCode from 'qrcode';

export const telegramLink = (bot: string, start: string): string => `https://t.me/${bot}?start=${encodeURIComponent(start)}`;
/** The pre-filled text "start <code>" is what the handler recognises as joining the pilot. */
export const whatsappLink = (number: string, start: string): string => `https://wa.me/${number}?text=${encodeURIComponent(`start ${start}`)}`;

export interface PilotLink {
  /** `telegram`, `whatsapp-ar`, …: the file name without its extension. */
  file: string;
  channel: 'telegram' | 'whatsapp';
  /** The preselected language, or null for the pilot's own link. */
  language: string | null;
  url: string;
}

/** Every link of a pilot; `telegramBot` (username) and `whatsappDigits` (E.164 without +) for the channels it uses. */
export function pilotLinks(
  pilot: { code: string; channels: readonly string[] },
  languages: readonly string[],
  o: { perLanguage: boolean; telegramBot?: string | undefined; whatsappDigits?: string | undefined },
): PilotLink[] {
  const starts: Array<{ language: string | null; start: string }> = [{ language: null, start: pilot.code }];
  if (o.perLanguage) for (const l of languages) starts.push({ language: l, start: `${pilot.code}-${l}` });
  const out: PilotLink[] = [];
  const add = (channel: PilotLink['channel'], url: (start: string) => string) => {
    for (const s of starts) out.push({ file: `${channel}${s.language ? `-${s.language}` : ''}`, channel, language: s.language, url: url(s.start) });
  };
  if (pilot.channels.includes('telegram') && o.telegramBot !== undefined) add('telegram', (s) => telegramLink(o.telegramBot!, s));
  if (pilot.channels.includes('whatsapp') && o.whatsappDigits !== undefined) add('whatsapp', (s) => whatsappLink(o.whatsappDigits!, s));
  return out;
}

const QR = { errorCorrectionLevel: 'M' as const, margin: 2 };

/** The QR code of a link as a PNG for posters and print. */
export const qrPng = (url: string): Promise<Buffer> => QRCode.toBuffer(url, { ...QR, type: 'png', width: 600 });
/** The QR code of a link as an SVG, for any size. */
export const qrSvg = (url: string): Promise<string> => QRCode.toString(url, { ...QR, type: 'svg' });
