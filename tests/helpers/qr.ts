/** Reading QR code PNGs back in tests, as a phone camera would. */
import { readFileSync } from 'node:fs';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** The text of the QR code in a PNG file, or null when none is found. */
export function decodeQr(file: string): string | null {
  const png = PNG.sync.read(readFileSync(file));
  // jsqr is CommonJS: its function sits on `.default` of the default import under Node ESM typing.
  return jsQR.default(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}
