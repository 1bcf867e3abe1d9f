/**
 * A Frictionless Data Package descriptor (Table Schema) for an export, so R (frictionless),
 * pandas/frictionless-py and other tools load answers and codebook with the right types.
 * @module
 */
import type { Survey } from '../../../surveys/model.ts';
import type { ExportFormat } from './format.ts';
import { missingCodes, valueLabels, variableLabel } from './spss.ts';
import type { WideColumn } from './wide-columns.ts';

/** What csv.ts does to text cells, said where R, pandas and SPSS users read the schema. */
export const FORMULA_NOTE =
  "Text cells that start with = + - @, a tab or a carriage return begin with an added ' so that spreadsheets show them as text instead of running them as formulas (CSV injection); remove that one leading ' to get the text as given. Numbers, negative ones too, are written unchanged. JSON Lines exports are not altered.";

type Field = { name: string; type: string; description: string; constraints?: Record<string, unknown>; trueValues?: string[]; falseValues?: string[] };

const bool = (name: string, description: string): Field => ({ name, type: 'boolean', description, trueValues: ['1'], falseValues: ['0'] });

const ANSWER_FIELDS: Field[] = [
  { name: 'answer_id', type: 'string', description: 'Stable id of the answer' },
  { name: 'respondent_id', type: 'string', description: 'Pseudonymous respondent id (keyed hash; not a phone number or chat id)' },
  { name: 'pilot_code', type: 'string', description: 'Pilot the answer belongs to' },
  { name: 'survey_id', type: 'string', description: 'Survey id' },
  { name: 'survey_version', type: 'integer', description: 'Survey version answered' },
  { name: 'question_id', type: 'string', description: 'Question id; see codebook.csv' },
  { name: 'parent_question_id', type: 'string', description: 'For follow-up questions: the question they follow' },
  { name: 'indicator', type: 'string', description: 'Indicator of Integration (id)' },
  { name: 'outcome', type: 'string', description: 'Outcome of the indicator (id)' },
  { name: 'question_type', type: 'string', description: 'scale, single, multi, yesno, number, date, text or media' },
  { name: 'value_number', type: 'number', description: 'Numeric answer (scale, number)' },
  { name: 'value_choices', type: 'string', description: 'Chosen value ids as a JSON array (single, multi, yesno); labels in codebook.csv' },
  {
    name: 'value_text',
    type: 'string',
    description: "Typed answer, in the respondent's language; phone numbers, e-mail, IBAN, BSN, street addresses and URLs masked as [phone], [email] …",
  },
  { name: 'value_date', type: 'date', description: 'Date answer' },
  bool('skipped', 'The respondent skipped the question'),
  { name: 'language', type: 'string', description: 'Language the question was answered in' },
  { name: 'channel', type: 'string', description: 'telegram, whatsapp or tryit' },
  { name: 'modality', type: 'string', description: 'How the answer was given: button, text, voice, audio, video, video_note, image, document or none' },
  { name: 'prompt_form', type: 'string', description: 'How the question was shown: text, audio or video' },
  {
    name: 'traffic_light',
    type: 'string',
    description: "red, orange or green by the survey's rule; empty when not scored",
    constraints: { enum: ['red', 'orange', 'green'] },
  },
  { name: 'consent_version', type: 'integer', description: 'Version of the consent text agreed to' },
  { name: 'answered_at', type: 'datetime', description: 'When the answer was given (ISO 8601, UTC)' },
  { name: 'source_message_id', type: 'string', description: 'Keyed hash of the channel message (for de-duplication; not reversible)' },
  { name: 'revision', type: 'integer', description: '1 for the first answer, +1 per change' },
  { name: 'media_kind', type: 'string', description: 'voice, audio, video, video_note, image or document when the answer was media' },
  {
    name: 'media_status',
    type: 'string',
    description:
      'Processing state of the media answer: pending, ready, failed (gave up after retries) or rejected (not usable: wrong type, too large, damaged, too long)',
    constraints: { enum: ['pending', 'ready', 'failed', 'rejected'] },
  },
  { name: 'media_duration_seconds', type: 'number', description: 'Length of the voice note or video in seconds (ffprobe)' },
  { name: 'media_error', type: 'string', description: 'Why the media was failed or rejected (a reason code)' },
  { name: 'transcript', type: 'string', description: 'Speech-to-text of the voice note or video, in the language spoken; personal details masked' },
  { name: 'transcript_language', type: 'string', description: 'Language of the transcript (ISO 639-1)' },
  {
    name: 'transcript_status',
    type: 'string',
    description: 'pending, ready, failed, off (no speech-to-text configured) or skipped (nothing spoken to transcribe)',
  },
  {
    name: 'translations',
    type: 'string',
    description: 'Machine translations (MT_TARGETS) of the typed answer or the transcript as a JSON object: language code → text; personal details masked',
  },
  { name: 'translation_status', type: 'string', description: 'pending, ready, failed, off (no translation server configured) or skipped' },
];

/** The CSV answers' free-text fields say that they may carry the added '. */
function answerFields(format: ExportFormat): Field[] {
  if (format !== 'csv') return ANSWER_FIELDS;
  const note = " (in CSV a leading ' is added before text a spreadsheet would run as a formula: = + - @, tab or CR; see the resource description)";
  return ANSWER_FIELDS.map((f) => (f.name === 'value_text' || f.name === 'transcript' ? { ...f, description: `${f.description}${note}` } : f));
}

/** The wide table's fields: types R and pandas read, the question text, and codes as Table Schema categories. */
function wideFields(columns: readonly WideColumn[], label: (key: string) => string): Field[] {
  return columns.map((c) => {
    const description = variableLabel(c, label);
    if (c.kind === 'meta') return { name: c.name, type: c.field === 'wave' || c.field === 'survey_version' ? 'integer' : 'string', description };
    if (c.kind === 'text' || c.kind === 'date') return { name: c.name, type: 'string', description: `${description} (question ${c.question.id})` };
    const labels = valueLabels(c, label);
    const missing = missingCodes(c);
    const field: Field & { categories?: Array<{ value: number; label: string }> } = {
      name: c.name,
      type: c.kind === 'number' && !c.integer ? 'number' : 'integer',
      description: `${description} (question ${c.question.id}${missing.length ? `; ${missing.join(', ')} = no answer given on purpose` : ''})`,
    };
    if (c.kind === 'code' || c.kind === 'flag') {
      field.constraints = { enum: labels.map(([v]) => v) };
      field.categories = labels.map(([value, l]) => ({ value, label: l }));
    }
    return field;
  });
}

/** The wide table as a resource: one row per respondent and wave (wide.csv, described by wide.sps for SPSS/PSPP). */
export function wideResource(columns: readonly WideColumn[], label: (key: string) => string, language: string): Record<string, unknown> {
  return {
    name: 'wide',
    path: 'wide.csv',
    profile: 'tabular-data-resource',
    format: 'csv',
    mediatype: 'text/csv',
    encoding: 'utf-8',
    description: `One row per respondent and wave, one column per question; a multi-select question has one 0/1 column per choice; single and yes/no answers are codes 1, 2, … (see each field's categories); empty = skipped or not asked. Labels in language "${language}"; wide.sps reads it into SPSS or PSPP. ${FORMULA_NOTE}`,
    schema: { fields: wideFields(columns, label), primaryKey: ['respondent_id', 'wave'], missingValues: [''] },
  };
}

export function dataPackage(opts: {
  pilot: string;
  survey: Survey;
  format: ExportFormat;
  created: string;
  /** Also describe the wide table (wide.csv). */
  wide?: { columns: readonly WideColumn[]; label: (key: string) => string; language: string };
}): Record<string, unknown> {
  const { survey } = opts;
  const csvNote = opts.format === 'csv' ? ` ${FORMULA_NOTE}` : '';
  const answers =
    opts.format === 'csv'
      ? { name: 'answers', path: 'answers.csv', profile: 'tabular-data-resource', format: 'csv', mediatype: 'text/csv', encoding: 'utf-8' }
      : { name: 'answers', path: 'answers.jsonl', profile: 'data-resource', format: 'jsonl', mediatype: 'application/jsonl', encoding: 'utf-8' };
  return {
    profile: 'tabular-data-package',
    name: `stemmen-${opts.pilot}`,
    title: `stemmen answers of pilot ${opts.pilot} (survey ${survey.id} v${survey.version})`,
    created: opts.created,
    resources: [
      {
        ...answers,
        description: `One row per answer, from the stable answers_v2 view (answers_v1 plus media duration, transcript and translations).${csvNote}`,
        schema: { fields: answerFields(opts.format), primaryKey: ['answer_id'], missingValues: [''] },
      },
      {
        name: 'codebook',
        path: 'codebook.csv',
        profile: 'tabular-data-resource',
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8',
        description: `Every question with indicator, outcome, type and the label of each value per language. ${FORMULA_NOTE}`,
        schema: {
          fields: [
            { name: 'question_id', type: 'string', description: 'Question id' },
            { name: 'parent_question_id', type: 'string', description: 'Parent question of a follow-up' },
            { name: 'indicator', type: 'string', description: 'Indicator id' },
            { name: 'outcome', type: 'string', description: 'Outcome id' },
            { name: 'question_type', type: 'string', description: 'Question type' },
            { name: 'value', type: 'string', description: 'Empty: the question text; otherwise the stored value this label belongs to' },
            ...survey.languages.map((l) => ({ name: `label_${l}`, type: 'string', description: `Text in language "${l}"` })),
          ],
          missingValues: [''],
        },
      },
      ...(opts.wide ? [wideResource(opts.wide.columns, opts.wide.label, opts.wide.language)] : []),
    ],
  };
}
