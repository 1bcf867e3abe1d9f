/**
 * An XLSForm (already read into plain rows) → a survey spec and its texts per language.
 *
 * Problems come back as data, each naming sheet, row and column: `error` stops the import
 * (a form we would get wrong), `unsupported` is something we leave out and list, so nothing
 * is ever dropped silently. Reading the .xlsx file is the caller's job.
 * @module
 */
import type { Condition } from '../spec/schema.ts';
import { closest, list } from '../spec/suggest.ts';
import { parseColumn, parseLanguage, type Column } from './columns.ts';
import { parseExpression, type Resolve, SELF } from './expressions.ts';
import { boundsOf, mapIndicator, rangeSpec, selectionBoundsOf } from './fields.ts';

export interface XlsRow {
  row: number;
  cells: Record<string, string>;
}
export interface XlsSheet {
  name: string;
  headers: string[];
  rows: XlsRow[];
}
/** Sheets by lower-case name. */
export type XlsWorkbook = Record<string, XlsSheet>;

export interface ImportIssue {
  sheet: string;
  row?: number;
  column?: string;
  message: string;
  severity: 'error' | 'unsupported';
}

type Raw = Record<string, unknown>;
type Texts = Record<string, Raw>;

export interface ImportResult {
  spec: Raw;
  /** lng → nested texts for the survey's namespace. */
  texts: Texts;
  issues: ImportIssue[];
  title: string | null;
  /** Rows without an indicator (and no mapping), imported as background questions. */
  background: Array<{ row: number; name: string }>;
  /** Every question name of the survey sheet, to check a mapping file against. */
  names: string[];
}

export interface ImportOptions {
  /** Survey id; default from settings form_id, else from `fileName`. */
  id?: string | undefined;
  /** The form's file name without extension, the id of last resort. */
  fileName: string;
  /** Texts the form cannot carry (intro, consent, completion, scale labels) per language, flat dotted keys. */
  commonTexts: (lng: string) => Record<string, string> | undefined;
  /** Question name → indicator and outcome, for forms without those columns (`--map mapping.csv`); a row's own columns win. */
  mapping?: ReadonlyMap<string, { indicator: string; outcome: string }> | undefined;
}

const SUPPORTED_TYPES = [
  'integer',
  'decimal',
  'range',
  'select_one',
  'select_multiple',
  'text',
  'date',
  'note',
  'acknowledge',
  'audio',
  'video',
  'begin_group',
  'end_group',
];
const METADATA = new Set(['start', 'end', 'today', 'deviceid', 'subscriberid', 'simserial', 'phonenumber', 'username', 'email', 'audit', 'start-geopoint']);
const KNOWN_UNSUPPORTED = new Set([
  'calculate',
  'hidden',
  'geopoint',
  'geotrace',
  'geoshape',
  'image',
  'file',
  'barcode',
  'time',
  'datetime',
  'dateTime',
  'rank',
  'background-audio',
  'select_one_from_file',
  'select_multiple_from_file',
  'xml-external',
  'csv-external',
  'trigger',
  'begin_repeat',
  'end_repeat',
  'username',
]);
const HANDLED = new Set(['type', 'name', 'required', 'relevant', 'constraint', 'indicator', 'outcome', 'parameters']);
const TRUE = /^(yes|true|true\(\)|1)$/i;
const FALSE = /^(no|false|false\(\)|0|)$/i;

/** XLSForm names allow capitals, dots and dashes; spec ids are `[a-z][a-z0-9_]*`, ≤ 40. */
export function toId(name: string): string {
  let id = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(id)) id = `q_${id}`;
  return id.slice(0, 40);
}

interface Choice {
  id: string;
  labels: Record<string, string>;
  row: number;
}
interface Group {
  relevant: Condition | null;
  indicator: string | undefined;
  outcome: string | undefined;
  repeat: boolean;
  row: number;
}

class Importer {
  readonly issues: ImportIssue[] = [];
  readonly texts: Texts = {};
  readonly languages: string[] = [];
  private defaultLanguage = 'en';
  private readonly lists = new Map<string, Choice[]>();
  private readonly names = new Map<string, { row: number; id: string | null; why?: string }>();
  private readonly seenIds = new Map<string, number>();
  private readonly background: ImportResult['background'] = [];

  constructor(
    private readonly wb: XlsWorkbook,
    private readonly opts: ImportOptions,
  ) {}

  private add(sheet: string, row: number | undefined, column: string | undefined, message: string, severity: ImportIssue['severity']): void {
    this.issues.push({ sheet, ...(row !== undefined ? { row } : {}), ...(column !== undefined ? { column } : {}), message, severity });
  }

  private setText(lng: string, key: string, value: string): void {
    let node = (this.texts[lng] ??= {});
    const parts = key.split('.');
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Raw;
    node[parts[parts.length - 1]!] = value;
  }

  private lang(sheet: string, col: Column): string | null {
    if (col.tag === null) return this.defaultLanguage;
    const l = parseLanguage(col.tag);
    if (!l.ok) {
      this.add(sheet, 1, col.header, l.message, 'error');
      return null;
    }
    return l.code;
  }

  run(): ImportResult {
    const survey = this.wb.survey;
    if (!survey) {
      this.add(
        'survey',
        undefined,
        undefined,
        `the workbook has no "survey" sheet (it has: ${list(Object.values(this.wb).map((s) => s.name)) || 'no sheets'}); is this an XLSForm?`,
        'error',
      );
      return { spec: {}, texts: {}, issues: this.issues, title: null, background: [], names: [] };
    }
    const settings = this.readSettings();
    this.findLanguages(survey);
    this.readChoices();
    this.collectNames(survey);
    const questions = this.readSurvey(survey);
    const id = this.opts.id ?? toId(settings.form_id || this.opts.fileName).replace(/_/g, '-');
    if (!/^[a-z][a-z0-9-]*$/.test(id))
      this.add(
        'settings',
        2,
        'form_id',
        `"${id}" cannot be a survey id (lower-case letters, digits and -); set form_id in the settings sheet or pass --id`,
        'error',
      );
    const version = /^\d+$/.test(settings.version ?? '') && Number(settings.version) >= 1 && Number(settings.version) < 2 ** 31 ? Number(settings.version) : 1;
    if (settings.version && version === 1 && settings.version !== '1')
      this.add('settings', 2, 'version', `version "${settings.version}" is not a whole number below 2147483648; imported as version 1`, 'unsupported');
    for (const lng of this.languages) {
      const common = this.opts.commonTexts(lng);
      if (!common) {
        this.add(
          'survey',
          1,
          undefined,
          `no intro, consent and closing texts for "${lng}" (stemmen supplies them for its own languages); add them to the survey's locale file after import or drop the ${lng} columns`,
          'error',
        );
        continue;
      }
      for (const [k, v] of Object.entries(common)) this.setText(lng, k, v);
    }
    const spec: Raw = {
      specVersion: 2,
      id,
      version,
      languages: this.languages,
      defaultLanguage: this.defaultLanguage,
      consent: { version: 1 },
      questions,
    };
    return {
      spec,
      texts: this.texts,
      issues: this.issues,
      title: settings.form_title ?? null,
      background: this.background,
      names: [...this.names.keys()],
    };
  }

  private readSettings(): Record<string, string> {
    const s = this.wb.settings;
    const first = s?.rows[0];
    if (!s || !first) return {};
    const out: Record<string, string> = {};
    for (const [h, v] of Object.entries(first.cells)) {
      const key = h.toLowerCase();
      if (['form_id', 'version', 'default_language', 'form_title'].includes(key)) out[key] = v;
      else if (v !== '') this.add('settings', first.row, h, `"${h}" has no meaning for a chat survey and is not imported`, 'unsupported');
    }
    if (out.default_language) {
      const l = parseLanguage(out.default_language);
      if (l.ok) this.defaultLanguage = l.code;
      else this.add('settings', first.row, 'default_language', l.message, 'error');
    }
    return out;
  }

  private findLanguages(survey: XlsSheet): void {
    const tagged = survey.headers.map(parseColumn).filter((c) => c.kind === 'label');
    const langs = tagged.map((c) => this.lang('survey', c)).filter((l): l is string => l !== null);
    if (tagged.length > 0 && tagged.every((c) => c.tag !== null) && !langs.includes(this.defaultLanguage)) this.defaultLanguage = langs[0]!;
    for (const l of [this.defaultLanguage, ...langs]) if (!this.languages.includes(l)) this.languages.push(l);
    if (tagged.length === 0) this.add('survey', 1, undefined, 'no label column; add "label" or "label::English (en)" columns', 'error');
  }

  private readChoices(): void {
    const sheet = this.wb.choices;
    if (!sheet) return;
    const cols = sheet.headers.map(parseColumn);
    const listCol = sheet.headers.find((h) => /^list[ _]name$/i.test(h.trim()));
    if (!listCol) {
      if (sheet.rows.length > 0) this.add('choices', 1, undefined, 'no "list_name" column; the choices sheet needs list_name, name and label columns', 'error');
      return;
    }
    const ignored = new Map<string, number[]>();
    for (const r of sheet.rows) {
      const listName = r.cells[listCol]?.trim() ?? '';
      const name = r.cells.name?.trim() ?? '';
      if (listName === '' && name === '') continue;
      if (name === '') {
        this.add('choices', r.row, 'name', `choice of list "${listName}" has no name; fill it in`, 'error');
        continue;
      }
      const id = toId(name);
      const choices = this.lists.get(listName) ?? [];
      const dup = choices.find((c) => c.id === id);
      if (dup) {
        this.add('choices', r.row, 'name', `choice "${name}" appears twice in list "${listName}" (also row ${dup.row}); rename or remove one`, 'error');
        continue;
      }
      const labels: Record<string, string> = {};
      for (const c of cols) {
        const v = r.cells[c.header]?.trim() ?? '';
        if (c.kind === 'label') {
          const l = this.lang('choices', c);
          if (l && v) labels[l] = v;
        } else if (v !== '' && c.header !== listCol && c.base !== 'name') ignored.set(c.header, [...(ignored.get(c.header) ?? []), r.row]);
      }
      choices.push({ id, labels, row: r.row });
      this.lists.set(listName, choices);
    }
    for (const [h, rows] of ignored) {
      this.add(
        'choices',
        rows[0],
        h,
        `column "${h}" (rows ${rows[0]}–${rows[rows.length - 1]}) is not imported (choice filters and choice media are not supported)`,
        'unsupported',
      );
    }
  }

  private collectNames(survey: XlsSheet): void {
    for (const r of survey.rows) {
      const name = r.cells.name?.trim();
      if (name) if (!this.names.has(name)) this.names.set(name, { row: r.row, id: null });
    }
  }

  /** `own` is the question's own name: in its constraint, `${own}` means `.`. */
  private resolver(row: number, own?: string): Resolve {
    return (name) => {
      if (own !== undefined && name === own) return { id: SELF };
      const n = this.names.get(name);
      if (!n) {
        const hint = closest(name, [...this.names.keys()]);
        return { error: `\${${name}} is not a question name in this form${hint !== null ? `; did you mean \${${hint}}?` : ''}` };
      }
      if (n.row >= row) return { error: `\${${name}} is asked later (row ${n.row}); a condition can only use earlier answers` };
      if (n.id === null) return { unsupported: `\${${name}} (row ${n.row}) is not imported${n.why ? ` (${n.why})` : ''}` };
      return { id: n.id };
    };
  }

  private condition(r: XlsRow, column: string, allowSelf: boolean): Condition | null {
    const src = r.cells[column]?.trim() ?? '';
    if (src === '') return null;
    const res = parseExpression(src, this.resolver(r.row, allowSelf ? r.cells.name?.trim() : undefined), allowSelf);
    if (res.ok) return res.condition;
    if (res.kind === 'syntax') this.add('survey', r.row, column, `cannot read "${src}": ${res.message}`, 'error');
    else this.add('survey', r.row, column, `"${src}" is not imported: ${res.message}; the question is asked without this ${column}`, 'unsupported');
    return null;
  }

  private readSurvey(survey: XlsSheet): Raw[] {
    const cols = survey.headers.map(parseColumn);
    const out: Raw[] = [];
    const groups: Group[] = [];
    for (const r of survey.rows) {
      const rawType = (r.cells.type ?? '').trim().replace(/\s+/g, ' ');
      const name = (r.cells.name ?? '').trim();
      if (rawType === '' && name === '') continue;
      if (rawType === '') {
        this.add('survey', r.row, 'type', `"${name}" has no type; fill in one of: ${SUPPORTED_TYPES.join(', ')}`, 'error');
        continue;
      }
      const [head = '', ...rest] = rawType
        .replace(/^(begin|end)[ _](group|repeat)\b/i, (_m, a: string, b: string) => `${a.toLowerCase()}_${b.toLowerCase()}`)
        .split(' ');
      const type = head;
      const inRepeat = groups.some((g) => g.repeat);

      if (type === 'begin_group' || type === 'begin_repeat') {
        if (type === 'begin_repeat') this.add('survey', r.row, 'type', 'repeats are not supported; the questions inside it are not imported', 'unsupported');
        const parent = groups[groups.length - 1];
        const rel = this.condition(r, 'relevant', false);
        const relevant = rel && parent?.relevant ? { all: [parent.relevant, rel] } : (rel ?? parent?.relevant ?? null);
        groups.push({
          relevant,
          indicator: r.cells.indicator?.trim() || parent?.indicator,
          outcome: r.cells.outcome?.trim() || parent?.outcome,
          repeat: type === 'begin_repeat',
          row: r.row,
        });
        continue;
      }
      if (type === 'end_group' || type === 'end_repeat') {
        if (!groups.pop()) this.add('survey', r.row, 'type', `"${rawType}" without a matching begin; remove it or add the begin row`, 'error');
        continue;
      }
      if (inRepeat) {
        this.mark(name, 'inside a repeat');
        this.add('survey', r.row, 'type', `"${name}" is inside a repeat and is not imported`, 'unsupported');
        continue;
      }
      if (METADATA.has(head)) {
        this.mark(name, 'metadata');
        this.add('survey', r.row, 'type', `${head} is form metadata, which a chat survey does not collect; not imported`, 'unsupported');
        continue;
      }
      if (KNOWN_UNSUPPORTED.has(head)) {
        this.mark(name, `type ${head}`);
        this.add('survey', r.row, 'type', `type "${head}" is not supported; "${name}" is not imported`, 'unsupported');
        continue;
      }
      const q = this.question(r, head, rest, cols, groups[groups.length - 1]);
      if (q) out.push(q);
    }
    for (const g of groups) this.add('survey', g.row, 'type', 'this group is never closed; add an "end group" row', 'error');
    return out;
  }

  private mark(name: string, why: string): void {
    const n = this.names.get(name);
    if (n) n.why = why;
  }

  private question(r: XlsRow, head: string, rest: string[], cols: Column[], group: Group | undefined): Raw | null {
    const name = (r.cells.name ?? '').trim();
    if (name === '') {
      this.add('survey', r.row, 'name', `a ${head} question has no name; fill in a unique name`, 'error');
      return null;
    }
    const id = toId(name);
    const prev = this.seenIds.get(id);
    if (prev !== undefined) {
      this.add(
        'survey',
        r.row,
        'name',
        `question name "${name}" is already used in row ${prev}${toId(name) !== name ? ` (as id "${id}")` : ''}; names must be unique`,
        'error',
      );
      return null;
    }
    this.seenIds.set(id, r.row);

    const q: Raw = { id };
    switch (head) {
      case 'integer':
      case 'decimal':
        Object.assign(q, { type: 'number', integer: head === 'integer' });
        break;
      case 'text':
        q.type = 'text';
        break;
      case 'date':
        q.type = 'date';
        break;
      case 'note':
      case 'acknowledge':
        q.type = 'note';
        break;
      case 'audio':
        Object.assign(q, { type: 'media', accept: ['voice', 'audio'] });
        break;
      case 'video':
        Object.assign(q, { type: 'media', accept: ['video', 'video_note'] });
        break;
      case 'range': {
        const range = rangeSpec(r.cells.parameters ?? '');
        if ('column' in range) this.add('survey', r.row, range.column, range.message, 'error');
        else {
          Object.assign(q, range.spec);
          if (range.note) this.add('survey', r.row, 'parameters', range.note, 'unsupported');
        }
        break;
      }
      case 'select_one':
      case 'select_multiple':
      case 'select': {
        const ok = this.select(r, head, rest, q, id);
        if (!ok) return null;
        break;
      }
      default: {
        const hint = closest(head, SUPPORTED_TYPES);
        this.add(
          'survey',
          r.row,
          'type',
          `unknown type "${head}"${hint !== null ? `; did you mean "${hint}"?` : `; supported: ${SUPPORTED_TYPES.join(', ')}`}`,
          'error',
        );
        return null;
      }
    }
    if (head === 'acknowledge') this.add('survey', r.row, 'type', 'acknowledge is imported as a note (shown, no answer needed)', 'unsupported');

    const note = q.type === 'note';
    const own = { indicator: r.cells.indicator?.trim(), outcome: r.cells.outcome?.trim() };
    const mapped = own.indicator || own.outcome ? undefined : this.opts.mapping?.get(name);
    const indicator = own.indicator || mapped?.indicator || group?.indicator;
    const outcome = own.outcome || mapped?.outcome || group?.outcome;
    if (!note && !indicator && !outcome) {
      // What researchers bring often asks about the person too (age, status): keep it, for breakdowns.
      q.role = 'background';
      this.background.push({ row: r.row, name });
    } else if (!note || indicator) {
      const m = mapIndicator(name, indicator, outcome);
      if ('column' in m) this.add('survey', r.row, m.column, m.message, 'error');
      else Object.assign(q, m);
    }

    const required = r.cells.required?.trim() ?? '';
    if (TRUE.test(required)) {
      if (!note) q.required = true;
    } else if (!FALSE.test(required))
      this.add('survey', r.row, 'required', `"${required}" is not imported (only yes/no); the question is optional`, 'unsupported');

    const rel = this.condition(r, 'relevant', false);
    const when = rel && group?.relevant ? { all: [group.relevant, rel] } : (rel ?? group?.relevant ?? null);
    if (when) q.when = when;
    this.constraint(r, q);

    let hasHint = false;
    for (const c of cols) {
      const v = r.cells[c.header]?.trim() ?? '';
      if (v === '') continue;
      if (c.kind === null) {
        if (!HANDLED.has(c.base)) this.add('survey', r.row, c.header, `column "${c.header}" is not imported`, 'unsupported');
        continue;
      }
      const lng = this.lang('survey', c);
      if (!lng) continue;
      if (c.kind === 'label') {
        if (/\$\{/.test(v))
          this.add('survey', r.row, c.header, 'answers inserted into labels (${…}) are not supported; the reference is shown as written', 'unsupported');
        this.setText(lng, `q.${id}.text`, v);
      } else if (c.kind === 'hint') {
        hasHint = true;
        this.setText(lng, `q.${id}.hint`, v);
      } else ((q[c.kind] ??= {}) as Raw)[lng] = v;
    }
    for (const lng of this.languages) {
      if (!hasText(this.texts[lng], `q.${id}.text`))
        this.add('survey', r.row, `label (${lng})`, `"${name}" has no label in ${lng}; fill it in (or remove the ${lng} columns)`, 'error');
      if (hasHint && !hasText(this.texts[lng], `q.${id}.hint`))
        this.add('survey', r.row, `hint (${lng})`, `"${name}" has a hint in another language but not in ${lng}; fill it in or clear the hint`, 'error');
    }
    if (hasHint) q.hint = `q.${id}.hint`;
    const n = this.names.get(name);
    if (n && n.row === r.row) n.id = id;
    return q;
  }

  private select(r: XlsRow, head: string, rest: string[], q: Raw, id: string): boolean {
    // `select_one list`, `select_one list or_other`, and the old `select one from list`.
    let words = rest;
    let multiple = head === 'select_multiple';
    if (head === 'select') {
      multiple = words[0] === 'multiple' || words[0] === 'all';
      words = words.slice(words.indexOf('from') + 1);
    }
    const listName = words[0] ?? '';
    if (
      words
        .slice(1)
        .join(' ')
        .match(/or(_| )?(specify )?other/)
    )
      this.add('survey', r.row, 'type', '"or other" is not supported; the list is imported without the other option', 'unsupported');
    if (listName === '') {
      this.add('survey', r.row, 'type', `"${head}" needs a list name, as in "select_one yes_no"`, 'error');
      return false;
    }
    const choices = this.lists.get(listName);
    if (!choices) {
      const hint = closest(listName, [...this.lists.keys()]);
      this.add(
        'survey',
        r.row,
        'type',
        `list "${listName}" has no rows in the choices sheet${hint !== null ? `; did you mean "${hint}"?` : '; add them there'}`,
        'error',
      );
      return false;
    }
    if (choices.length < 2) {
      this.add('choices', choices[0]?.row, 'name', `list "${listName}" has only one choice; a question needs at least two`, 'error');
      return false;
    }
    q.type = multiple ? 'multi' : 'single';
    q.choices = choices.map((c) => c.id);
    for (const c of choices) {
      for (const lng of this.languages) {
        const label = c.labels[lng];
        if (label) this.setText(lng, `q.${id}.choices.${c.id}`, label);
        else this.add('choices', c.row, `label (${lng})`, `choice "${c.id}" of list "${listName}" has no label in ${lng}; fill it in`, 'error');
      }
    }
    if (r.cells.choice_filter?.trim())
      this.add(
        'survey',
        r.row,
        'choice_filter',
        `choice_filter "${r.cells.choice_filter.trim()}" is not supported; every choice of "${listName}" is offered`,
        'unsupported',
      );
    return true;
  }

  /**
   * `. >= 0 and . <= 120` on numbers becomes min/max, `count-selected(.) <= 3` on a
   * select_multiple minSelected/maxSelected; anything else is listed.
   */
  private constraint(r: XlsRow, q: Raw): void {
    const src = r.cells.constraint?.trim() ?? '';
    if (src === '') return;
    const c = this.condition(r, 'constraint', true);
    if (!c) return;
    if (q.type === 'multi') {
      const sel = selectionBoundsOf(c, Array.isArray(q.choices) ? q.choices.length : 0);
      if ('message' in sel) this.add('survey', r.row, 'constraint', `"${src}" ${sel.message}`, sel.severity);
      else Object.assign(q, sel);
      return;
    }
    const bounds = q.type === 'number' ? boundsOf(c, q.integer === true) : null;
    if (bounds) Object.assign(q, bounds);
    else
      this.add(
        'survey',
        r.row,
        'constraint',
        `"${src}" is not imported (only lower and upper bounds on numbers, like ". >= 0 and . <= 120", and count-selected(.) bounds on select_multiple); answers are not checked against it`,
        'unsupported',
      );
  }
}

function hasText(texts: Raw | undefined, key: string): boolean {
  let node: unknown = texts;
  for (const p of key.split('.')) node = node && typeof node === 'object' ? (node as Raw)[p] : undefined;
  return typeof node === 'string' && node.length > 0;
}

/** Converts a read workbook; check `issues` for errors before using the result. */
export function importXlsForm(wb: XlsWorkbook, opts: ImportOptions): ImportResult {
  return new Importer(wb, opts).run();
}
