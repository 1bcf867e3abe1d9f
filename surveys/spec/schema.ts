/**
 * The survey specification as researchers write it (YAML), validated with zod.
 *
 * This is the *current* spec version. Older files are upgraded by `migrations.ts` before
 * they reach this schema, so nothing downstream ever sees an old shape.
 * @module
 */
import { z } from 'zod';

export const CURRENT_SPEC_VERSION = 2;

export const QUESTION_TYPES = ['scale', 'single', 'multi', 'yesno', 'number', 'date', 'text', 'media', 'note'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

const id = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'must be lower-case letters, digits and _ and start with a letter (e.g. work_fair)')
  .max(40, 'must be at most 40 characters (it travels in button data)');

const lang = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language code such as nl, ar, prs or pt-BR');

/** A language → relative file path map for recorded prompts. */
const promptFiles = z.record(lang, z.string().min(1));

/**
 * The survey's own texts that can carry a recording, besides questions: the language and
 * prompt-form pickers, the intro, the consent question, recontact, expertpool, the thanks.
 */
export const SPOKEN_KEYS = ['language', 'form', 'intro', 'consent', 'recontact', 'expertpool', 'completion'] as const;
export type SpokenKey = (typeof SPOKEN_KEYS)[number];
const spokenPrompt = z.object({ audio: promptFiles.optional(), video: promptFiles.optional() }).strict();
/** `prompts: { consent: { audio: { ar: consent.ar.ogg } } }` — the spoken path outside the questions. */
export const spokenPromptsSchema = z.partialRecord(z.enum(SPOKEN_KEYS), spokenPrompt);

export type Condition =
  | {
      question: string;
      equals?: string | number | undefined;
      notEquals?: string | number | undefined;
      in?: Array<string | number> | undefined;
      includes?: string | undefined;
      lt?: number | undefined;
      lte?: number | undefined;
      gt?: number | undefined;
      gte?: number | undefined;
      answered?: boolean | undefined;
    }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

const leafCondition = z
  .object({
    question: id,
    equals: z.union([z.string(), z.number()]).optional(),
    notEquals: z.union([z.string(), z.number()]).optional(),
    in: z
      .array(z.union([z.string(), z.number()]))
      .min(1)
      .optional(),
    includes: z.string().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    answered: z.boolean().optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 1, {
    message: 'needs a test besides "question": equals, notEquals, in, includes, lt, lte, gt, gte or answered',
  });

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    leafCondition,
    z.object({ all: z.array(conditionSchema).min(1) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1) }).strict(),
    z.object({ not: conditionSchema }).strict(),
  ]),
);

const range = z.tuple([z.number(), z.number()]);
/** Traffic light for numeric answers: inclusive ranges; `default` = red ≤ 40 %, orange ≤ 60 % of the scale. */
const numericTraffic = z.union([
  z.literal('default'),
  z.object({ red: z.array(range).optional(), orange: z.array(range).optional(), green: z.array(range).optional() }).strict(),
]);
/** Traffic light for choice answers: choice ids per colour. */
const choiceTraffic = z.object({ red: z.array(z.string()).optional(), orange: z.array(z.string()).optional(), green: z.array(z.string()).optional() }).strict();

const choice = z.union([id, z.object({ id, text: z.string().optional() }).strict()]);

/**
 * `indicator` (the default) maps to an indicator and outcome; `background` describes the
 * respondent (age band, residence status …) so answers can be split by group. Follow-ups
 * inherit their parent's role.
 */
export const QUESTION_ROLES = ['indicator', 'background'] as const;
export type QuestionRole = (typeof QUESTION_ROLES)[number];

const base = {
  id,
  role: z.enum(QUESTION_ROLES).optional(),
  /** Background questions only: ask it again in every wave (e.g. municipality, household), not just the first time. */
  askEachWave: z.boolean().optional(),
  indicator: z.string().optional(),
  outcome: z.string().optional(),
  required: z.boolean().default(false),
  /** Text key in the survey's locale namespace; defaults to `q.<id>.text`. */
  text: z.string().optional(),
  hint: z.string().optional(),
  audio: promptFiles.optional(),
  video: promptFiles.optional(),
  when: conditionSchema.optional(),
};

type FollowUps = { followUps?: QuestionSpec[] | undefined };

/**
 * Who gets a schaalvraag follow-up (seed 003): `all` who answered the scale, only `low`
 * scores (red or orange: ≤ 6 on 0–10), or nobody (`off`, the default).
 */
export const SCALE_ASK = ['all', 'low', 'off'] as const;
const scaleAsk = z.enum(SCALE_ASK);
const scaleFollowUp = z.union([scaleAsk, z.object({ ask: scaleAsk, id: id.optional(), text: z.string().optional() }).strict()]);
/** "Why there?", "what already works?", "what would one step up look like?", asked right after the scale. */
const scaleMethod = z.object({ why: scaleFollowUp.optional(), works: scaleFollowUp.optional(), stepUp: scaleFollowUp.optional() }).strict();
export type ScaleMethodSpec = z.output<typeof scaleMethod>;

const scale = z
  .object({
    ...base,
    type: z.literal('scale'),
    min: z.number().int().default(0),
    max: z.number().int().default(10),
    minLabel: z.string().optional(),
    maxLabel: z.string().optional(),
    traffic: numericTraffic.optional(),
    scaleMethod: scaleMethod.optional(),
  })
  .strict();
const number = z
  .object({
    ...base,
    type: z.literal('number'),
    min: z.number().optional(),
    max: z.number().optional(),
    integer: z.boolean().default(true),
    traffic: numericTraffic.optional(),
  })
  .strict();
const single = z.object({ ...base, type: z.literal('single'), choices: z.array(choice).min(2), traffic: choiceTraffic.optional() }).strict();
const multi = z
  .object({
    ...base,
    type: z.literal('multi'),
    choices: z.array(choice).min(2),
    minSelected: z.number().int().min(1).optional(),
    maxSelected: z.number().int().min(1).optional(),
    traffic: choiceTraffic.optional(),
  })
  .strict();
const yesno = z.object({ ...base, type: z.literal('yesno'), traffic: choiceTraffic.optional() }).strict();
const date = z
  .object({
    ...base,
    type: z.literal('date'),
    min: z
      .string()
      .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be YYYY, YYYY-MM or YYYY-MM-DD')
      .optional(),
    max: z
      .string()
      .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be YYYY, YYYY-MM or YYYY-MM-DD')
      .optional(),
  })
  .strict();
const text = z
  .object({
    ...base,
    type: z.literal('text'),
    maxLength: z.number().int().min(1).max(20000).default(5000),
    /** Voice notes and videos count as answers too (for people who find writing hard). */
    acceptMedia: z.boolean().default(true),
  })
  .strict();
const media = z
  .object({
    ...base,
    type: z.literal('media'),
    accept: z
      .array(z.enum(['voice', 'audio', 'video', 'video_note', 'image', 'document']))
      .min(1)
      .default(['voice', 'video', 'video_note']),
    /** A typed answer is still accepted, because some people cannot record. */
    allowText: z.boolean().default(true),
  })
  .strict();
const note = z.object({ ...base, type: z.literal('note') }).strict();

export type QuestionSpec = (
  | z.output<typeof scale>
  | z.output<typeof number>
  | z.output<typeof single>
  | z.output<typeof multi>
  | z.output<typeof yesno>
  | z.output<typeof date>
  | z.output<typeof text>
  | z.output<typeof media>
  | z.output<typeof note>
) &
  FollowUps;

const withFollowUps = <T extends z.ZodObject>(s: T) => s.extend({ followUps: z.array(z.lazy(() => questionSchema)).optional() });

export const questionSchema: z.ZodType<QuestionSpec, unknown> = z.lazy(() =>
  z.discriminatedUnion('type', [
    withFollowUps(scale),
    withFollowUps(number),
    withFollowUps(single),
    withFollowUps(multi),
    withFollowUps(yesno),
    withFollowUps(date),
    withFollowUps(text),
    withFollowUps(media),
    withFollowUps(note),
  ]),
) as unknown as z.ZodType<QuestionSpec, unknown>;

export const surveySchema = z
  .object({
    specVersion: z.literal(CURRENT_SPEC_VERSION),
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and - (e.g. default-pilot)'),
    version: z.number().int().min(1),
    languages: z.array(lang).min(1),
    defaultLanguage: lang,
    /** Locale namespace holding this survey's texts; defaults to `survey-<id>`. */
    namespace: z.string().optional(),
    /** Folder (relative to the survey file) that prompt files are resolved against. */
    mediaDir: z.string().optional(),
    consent: z.object({ version: z.number().int().min(1), text: z.string().default('consent') }).strict(),
    recontact: z
      .object({
        version: z.number().int().min(1).default(1),
        afterRed: z.boolean().default(true),
        atEnd: z.boolean().default(true),
        expertpool: z.boolean().default(true),
      })
      .strict()
      .default({ version: 1, afterRed: true, atEnd: true, expertpool: true }),
    /** Seconds a respondent needs per question on average, for the length estimate. */
    secondsPerQuestion: z.number().positive().default(25),
    completion: z.string().default('completion'),
    /** Recordings of the survey's own texts (see {@link SPOKEN_KEYS}); files resolve like question prompts. */
    prompts: spokenPromptsSchema.optional(),
    questions: z.array(questionSchema).min(1),
  })
  .strict();

export type SurveySpec = z.output<typeof surveySchema>;
