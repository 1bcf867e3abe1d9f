/**
 * What masking personal details costs per answer text (workers/privacy/scrub.ts), which every
 * export row, API row and drill-down quote pays: plain sentences, sentences with small numbers,
 * and texts holding a phone number, an e-mail and an IBAN. Medians of repeated runs, in µs.
 * @module
 */
import { scrubText } from '../../workers/privacy/scrub.ts';

const KINDS = {
  plain: ['Het ziekenhuis is ver weg', 'الطبيب بعيد جدا', 'Werk is zwaar maar eerlijk', 'ሰላም ስራሕ ከቢድ እዩ'],
  numbers: ['Ik werk 40 uur per week sinds 2019', 'انتظرت ٣ أشهر للطبيب', 'Score 7 van 10, 2 kinderen'],
  details: ['Bel me op 06-12345678', 'رقمي +249 912 345 678', 'mail ahmed@example.org of NL91 ABNA 0417 1643 00'],
} as const;

export interface ScrubFigures {
  plainUs: number;
  numbersUs: number;
  detailsUs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function perText(texts: readonly string[], n: number): number {
  const runs: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) scrubText(texts[i % texts.length]!);
    runs.push(((performance.now() - t0) * 1000) / n);
  }
  return median(runs);
}

export function benchScrub(n = 5000): ScrubFigures {
  perText(KINDS.details, 500); // warm up libphonenumber and the patterns
  return { plainUs: perText(KINDS.plain, n), numbersUs: perText(KINDS.numbers, n), detailsUs: perText(KINDS.details, n) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = benchScrub();
  process.stdout.write(`scrub µs per text: plain ${f.plainUs.toFixed(1)}, small numbers ${f.numbersUs.toFixed(1)}, with details ${f.detailsUs.toFixed(1)}\n`);
}
