/**
 * Small inline SVG charts built from numbers and escaped labels (no script, no library),
 * each followed by the same numbers as a table (in a <details>), for screen readers, for
 * people who cannot tell the colours apart, and for copying.
 * @module
 */
import type { LightTally } from '../../../surveys/aggregate.ts';
import { escapeHtml, raw, type Html } from './html.ts';

export const COLOURS = { red: '#c0392b', orange: '#f0a30a', green: '#1e8449', none: '#8c8f94' } as const;

/** The table's words, in the page's language. */
export interface ChartLabels {
  /** The <summary> that opens the table ("The numbers"). */
  numbers: string;
  /** Header of the first column (outcome, value or choice). */
  row: string;
  red: string;
  orange: string;
  green: string;
  total: string;
  /** Header of the count column of a value chart. */
  count: string;
  light: string;
}

const cell = (s: string | number) => `<td>${escapeHtml(String(s))}</td>`;
const head = (cols: string[]) => `<thead><tr>${cols.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr></thead>`;
const details = (l: ChartLabels, title: string, table: string) =>
  `<details class="chart-data"><summary>${escapeHtml(l.numbers)}</summary><div class="scroll" tabindex="0"><table><caption class="visually-hidden">${escapeHtml(title)}</caption>${table}</table></div></details>`;

/** One horizontal stacked bar (red, orange, green) per labelled row. */
export function stackedBars(rows: Array<{ label: string; tally: LightTally }>, title: string, l: ChartLabels): Html {
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
  const table =
    head([l.row, l.red, l.orange, l.green, l.total]) +
    `<tbody>${rows.map((r) => `<tr><th scope="row">${escapeHtml(r.label)}</th>${cell(r.tally.red)}${cell(r.tally.orange)}${cell(r.tally.green)}${cell(r.tally.red + r.tally.orange + r.tally.green)}</tr>`).join('')}</tbody>`;
  return raw(
    `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${W} ${h}" width="100%" preserveAspectRatio="xMinYMin meet">${parts.join('')}</svg>${details(l, title, table)}`,
  );
}

/** Vertical bars, one per value (scale points or choices), each coloured by its traffic light. */
export function valueBars(bars: Array<{ label: string; n: number; light: keyof typeof COLOURS }>, title: string, l: ChartLabels): Html {
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
  const light = (k: keyof typeof COLOURS) => (k === 'none' ? '–' : l[k]);
  const table =
    head([l.row, l.count, l.light]) +
    `<tbody>${bars.map((b) => `<tr><th scope="row">${escapeHtml(b.label)}</th>${cell(b.n)}${cell(light(b.light))}</tr>`).join('')}</tbody>`;
  return raw(
    `<svg role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${W} ${H}" width="100%" preserveAspectRatio="xMinYMin meet">${parts.join('')}</svg>${details(l, title, table)}`,
  );
}

/** The table words from the dashboard's locale. */
export function chartLabels(t: (key: string) => string): ChartLabels {
  return {
    numbers: t('chart.numbers'),
    row: t('chart.row'),
    red: t('map.aggregate.red'),
    orange: t('map.aggregate.orange'),
    green: t('map.aggregate.green'),
    total: t('chart.total'),
    count: t('chart.count'),
    light: t('chart.light'),
  };
}
