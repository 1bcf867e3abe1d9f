/**
 * Small inline SVG charts built from numbers and escaped labels (no script, no library).
 * @module
 */
import type { LightTally } from '../../../surveys/aggregate.ts';
import { escapeHtml, raw, type Html } from './html.ts';

export const COLOURS = { red: '#c0392b', orange: '#f0a30a', green: '#1e8449', none: '#8c8f94' } as const;

/** One horizontal stacked bar (red, orange, green) per labelled row. */
export function stackedBars(rows: Array<{ label: string; tally: LightTally }>, title: string): Html {
  const W = 420;
  const rowH = 38;
  const h = rows.length * rowH + 4;
  const parts: string[] = [];
  rows.forEach((r, i) => {
    const y = i * rowH;
    const total = r.tally.red + r.tally.orange + r.tally.green;
    parts.push(`<text x="0" y="${y + 12}">${escapeHtml(r.label)} (${total})</text>`);
    let x = 0;
    for (const k of ['red', 'orange', 'green'] as const) {
      const w = total ? (r.tally[k] / total) * W : 0;
      if (w > 0)
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y + 17}" width="${w.toFixed(1)}" height="14" fill="${COLOURS[k]}"><title>${k}: ${r.tally[k]}</title></rect>`,
        );
      x += w;
    }
    if (!total) parts.push(`<rect x="0" y="${y + 17}" width="${W}" height="14" fill="#dcdcde"/>`);
  });
  return raw(
    `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${W} ${h}" width="100%" preserveAspectRatio="xMinYMin meet">${parts.join('')}</svg>`,
  );
}

/** Vertical bars, one per value (scale points or choices), each coloured by its traffic light. */
export function valueBars(bars: Array<{ label: string; n: number; light: keyof typeof COLOURS }>, title: string): Html {
  const W = 420;
  const H = 150;
  const max = Math.max(1, ...bars.map((b) => b.n));
  const slot = W / Math.max(1, bars.length);
  const bw = Math.max(4, slot * 0.7);
  const parts = bars.map((b, i) => {
    const h = (b.n / max) * (H - 40);
    const x = i * slot + (slot - bw) / 2;
    const chars = Math.max(3, Math.floor(slot / 7));
    const label = b.label.length > chars ? `${b.label.slice(0, chars - 1)}…` : b.label;
    return (
      `<rect x="${x.toFixed(1)}" y="${(H - 22 - h).toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[b.light]}"><title>${escapeHtml(b.label)}: ${b.n}</title></rect>` +
      `<text x="${(x + bw / 2).toFixed(1)}" y="${(H - 26 - h).toFixed(1)}" text-anchor="middle">${b.n}</text>` +
      `<text x="${(x + bw / 2).toFixed(1)}" y="${H - 6}" text-anchor="middle">${escapeHtml(label)}</text>`
    );
  });
  return raw(
    `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${W} ${H}" width="100%" preserveAspectRatio="xMinYMin meet">${parts.join('')}</svg>`,
  );
}
