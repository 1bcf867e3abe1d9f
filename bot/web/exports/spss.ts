/**
 * SPSS syntax for the wide CSV: GET DATA with every variable's format, then VARIABLE LABELS
 * (the question texts), VALUE LABELS (choices, scale ends, 0/1 of multi-select columns) and
 * MISSING VALUES (choices such as "prefer not to say"), in one survey language. PSPP runs it
 * too; `SAVE OUTFILE` at the end writes the .sav that no maintained JS library writes.
 * @module
 */
import type { Survey } from '../../../surveys/model.ts';
import { REFUSAL_CHOICE, type WideColumn } from './wide-columns.ts';

/** SPSS keeps at most this many bytes of a variable label and of a value label. */
const VARIABLE_LABEL_BYTES = 255;
const VALUE_LABEL_BYTES = 120;

/** Cuts a UTF-8 string to at most `max` bytes without splitting a character. */
function cutBytes(s: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch);
    if (bytes + b > max) break;
    out += ch;
    bytes += b;
  }
  return out;
}

/** A quoted SPSS string: one line, ' doubled, cut to `max` bytes. */
export function spssString(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return `'${cutBytes(one, max).replace(/'/g, "''")}'`;
}

function format(c: WideColumn): string {
  switch (c.kind) {
    case 'meta':
      return c.field === 'wave' ? 'F4.0' : c.field === 'survey_version' ? 'F6.0' : c.field === 'respondent_id' ? 'A100' : 'A32';
    case 'number':
      return c.integer ? 'F8.0' : 'F16.6';
    case 'code':
      return 'F4.0';
    case 'flag':
      return 'F1.0';
    case 'date':
      return 'A10';
    case 'text':
      // Characters may take up to 4 bytes in UTF-8 (Ge'ez takes 3); SPSS strings stop at 32767.
      return `A${Math.min(32767, Math.max(1, c.maxLength) * 4)}`;
  }
}

export interface SpssOptions {
  survey: Survey;
  columns: readonly WideColumn[];
  /** The survey's (or the bot's) text of a key in the chosen language. */
  label: (key: string) => string;
  language: string;
  csvFile: string;
  savFile: string;
}

export function variableLabel(c: WideColumn, label: (key: string) => string): string {
  if (c.kind === 'meta') return c.description;
  const text = label(c.question.textKey) || c.question.id;
  return c.kind === 'flag' ? `${text}: ${label(c.choice.textKey) || c.choice.id}` : text;
}

/** The labelled values of a column, if any: value → label. */
export function valueLabels(c: WideColumn, label: (key: string) => string): Array<[number, string]> {
  switch (c.kind) {
    case 'code':
      return c.codes.map((x) => [x.code, label(x.choice.textKey) || x.choice.id]);
    case 'flag':
      return [
        [0, label('bot:common.no')],
        [1, label('bot:common.yes')],
      ];
    case 'number':
      if (c.question.type !== 'scale') return [];
      return [
        [c.question.min, label(c.question.minLabelKey)],
        [c.question.max, label(c.question.maxLabelKey)],
      ].filter(([, l]) => l !== '') as Array<[number, string]>;
    default:
      return [];
  }
}

/** The user-missing codes of a column: choices that stand for a refusal such as "prefer not to say". */
export function missingCodes(c: WideColumn): number[] {
  return c.kind === 'code' ? c.codes.filter((x) => REFUSAL_CHOICE.test(x.choice.id)).map((x) => x.code) : [];
}

export function spssSyntax(o: SpssOptions): string {
  const { survey, columns, label } = o;
  const lines: string[] = [
    `* Encoding: UTF-8.`,
    `* stemmen: wide table of survey ${survey.id} v${survey.version}, labels in language "${o.language}".`,
    `* Run from the export folder (or put the full path in /FILE). PSPP: pspp wide.sps.`,
    `* Text cells a spreadsheet would run as a formula (= + - @) begin with an added apostrophe; see datapackage.json.`,
    '',
    'GET DATA',
    '  /TYPE=TXT',
    `  /FILE=${spssString(o.csvFile, 1000)}`,
    "  /ENCODING='UTF8'",
    '  /ARRANGEMENT=DELIMITED',
    '  /DELCASE=LINE',
    '  /FIRSTCASE=2',
    "  /DELIMITERS=','",
    `  /QUALIFIER='"'`,
    '  /VARIABLES=',
    ...columns.map((c) => `    ${c.name} ${format(c)}`),
    '.',
    '',
    'VARIABLE LABELS',
    `  ${columns.map((c) => `${c.name} ${spssString(variableLabel(c, label), VARIABLE_LABEL_BYTES)}`).join('\n  /')}`,
    '.',
  ];
  const labelled = columns.map((c) => [c, valueLabels(c, label)] as const).filter(([, v]) => v.length > 0);
  if (labelled.length > 0) {
    lines.push('', 'VALUE LABELS');
    lines.push(`  ${labelled.map(([c, v]) => `${c.name} ${v.map(([n, l]) => `${n} ${spssString(l, VALUE_LABEL_BYTES)}`).join(' ')}`).join('\n  /')}`);
    lines.push('.');
  }
  const missing = columns.map((c) => [c, missingCodes(c)] as const).filter(([, m]) => m.length > 0);
  lines.push('');
  if (missing.length > 0) {
    lines.push('* Choices such as "prefer not to say" are user-missing; skipped and not-asked questions are empty cells (system-missing).');
    // SPSS allows at most three discrete missing values per variable.
    for (const [c, m] of missing) lines.push(`MISSING VALUES ${c.name} (${m.slice(0, 3).join(', ')}).`);
  } else {
    lines.push('* MISSING VALUES: no choice stands for a refusal; skipped and not-asked questions are empty cells (system-missing).');
  }
  lines.push('', 'EXECUTE.', `SAVE OUTFILE=${spssString(o.savFile, 1000)}.`, '');
  return lines.join('\n');
}
