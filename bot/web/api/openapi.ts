/**
 * The OpenAPI 3.1 description of the read API, written by hand next to the routes; a test
 * checks that every registered /api/v1 route is described here.
 * @module
 */
import { OPEN_ANSWER_SCHEMA, OPEN_ANSWERS_PATHS } from './open-answers.ts';

const pilotParam = { name: 'code', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,31}$' } };
const filterParams = [
  { name: 'language', in: 'query', schema: { type: 'string' }, description: 'Only answers given in this language (e.g. nl, ar)' },
  { name: 'channel', in: 'query', schema: { type: 'string' }, description: 'Only answers from this channel (telegram, whatsapp, tryit)' },
  { name: 'from', in: 'query', schema: { type: 'string', format: 'date' }, description: 'First day (UTC), inclusive' },
  { name: 'to', in: 'query', schema: { type: 'string', format: 'date' }, description: 'Last day (UTC), inclusive' },
];
const splitParams = [
  {
    name: 'split',
    in: 'query',
    schema: { type: 'string' },
    description:
      'A background question of the pilot\'s survey (e.g. residence_status): one cell per group (its choices, then not_answered: no answer, a skip or prefer_not). Each cell counts distinct people; a cell from fewer than minRespondents people, or one that would give such a cell away by subtraction from the unsplit figure, has respondents, tally and shares null and aggregate "small_group". A person with several choices counts in each of their groups. Any other question is a 400 naming the valid ones.',
  },
  {
    name: 'group',
    in: 'query',
    schema: { type: 'string', pattern: '^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$' },
    description:
      "Only one group, `<background question>:<value>` (e.g. residence_status:asylum, or residence_status:not_answered): that group's column of the split, hidden where the split hides it.",
  },
];
const errors = {
  '400': { description: 'Bad parameters; `error` names each one', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '401': { description: 'Missing, unknown or revoked token', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '403': { description: 'The token is for another pilot', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
};
const json = (schema: object) => ({ 'application/json': { schema } });
const nullable = (type: string, extra: object = {}) => ({ type: [type, 'null'], ...extra });

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'stemmen read API',
    version: '1.0.0',
    description:
      'Read-only access to one pilot per token: answers (the answers_v2 contract), traffic-light summaries and the response funnel. Respondents are pseudonymous; no phone numbers or chat ids are ever returned. Tokens: `stemmen token create --pilot <code>`.',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  paths: {
    '/api/v1/openapi.json': {
      get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document', content: json({ type: 'object' }) }, '401': errors['401'] } },
    },
    '/api/v1/pilots': {
      get: {
        summary: 'The pilots this token may read (one)',
        responses: {
          '200': {
            description: 'Pilots',
            content: json({ type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Pilot' } } } }),
          },
          '401': errors['401'],
        },
      },
    },
    '/api/v1/pilots/{code}': {
      get: {
        summary: 'One pilot',
        parameters: [pilotParam],
        responses: {
          '200': { description: 'Pilot', content: json({ $ref: '#/components/schemas/Pilot' }) },
          ...errors,
          '404': { description: 'No such pilot' },
        },
      },
    },
    '/api/v1/pilots/{code}/answers': {
      get: {
        summary: 'Answers, one page at a time (ordered by answer_id)',
        parameters: [
          pilotParam,
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 5000, default: 500 } },
          { name: 'after', in: 'query', schema: { type: 'string' }, description: 'The `next` cursor of the previous page' },
        ],
        responses: {
          '200': {
            description: 'A page',
            content: json({
              type: 'object',
              required: ['data', 'next'],
              properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Answer' } }, next: nullable('string') },
            }),
          },
          ...errors,
        },
      },
    },
    ...OPEN_ANSWERS_PATHS,
    '/api/v1/pilots/{code}/answers.ndjson': {
      get: {
        summary: 'All answers as newline-delimited JSON, streamed',
        parameters: [pilotParam],
        responses: {
          '200': { description: 'One Answer object per line', content: { 'application/x-ndjson': { schema: { $ref: '#/components/schemas/Answer' } } } },
          ...errors,
        },
      },
    },
    '/api/v1/pilots/{code}/indicators': {
      get: {
        summary: 'Traffic-light summary of the 14 indicators and their outcomes, optionally split or filtered by a background question',
        parameters: [pilotParam, ...filterParams, ...splitParams],
        responses: {
          '200': {
            description: 'Summaries: IndicatorSummary items, or with `split` SplitIndicator items and the groups with their people',
            content: json({
              type: 'object',
              properties: {
                rule: { type: 'object' },
                split: {
                  type: 'object',
                  description: 'Only with `split`',
                  properties: {
                    question: { type: 'string' },
                    groups: {
                      type: 'array',
                      items: { type: 'object', properties: { id: { type: 'string' }, respondents: nullable('integer', { description: 'null when too few' }) } },
                    },
                  },
                },
                group: { type: 'object', description: 'Only with `group`', properties: { question: { type: 'string' }, value: { type: 'string' } } },
                data: {
                  type: 'array',
                  items: { oneOf: [{ $ref: '#/components/schemas/IndicatorSummary' }, { $ref: '#/components/schemas/SplitIndicator' }] },
                },
              },
            }),
          },
          ...errors,
        },
      },
    },
    '/api/v1/compare': {
      get: {
        summary: 'The indicator maps of several pilots side by side, or pooled',
        description:
          "A token may compare the pilots of its own pilot's organisation (any of them, its own pilot need not be among them); any other code is refused with 403, whether or not it exists. Every cell carries `respondents` (null below the minimum group size, with `aggregate` small_group), `asked` (whether that pilot's survey asks about it) and `minRespondents`. A pooled cell counts each person once and is hidden (`hiddenBecause` names the pilots) when one pilot's own cell is too small, so the small group cannot be worked out by subtraction. Pilots with different surveys are compared by indicator and outcome; `unmatched` lists the questions whose indicator and outcome another compared survey does not ask.",
        parameters: [
          { name: 'pilots', in: 'query', required: true, schema: { type: 'string' }, description: 'Two or more pilot codes, comma-separated (at most 12)' },
          { name: 'pooled', in: 'query', schema: { type: 'string', enum: ['0', '1'] }, description: '1: also a pooled cell per row' },
          { name: 'outcomes', in: 'query', schema: { type: 'string', enum: ['0', '1'] }, description: '1: also the outcomes of each indicator asked' },
          ...filterParams,
        ],
        responses: {
          '200': {
            description: 'The comparison',
            content: json({
              type: 'object',
              properties: {
                rule: { type: 'object' },
                pilots: { type: 'array' },
                sameSurvey: { type: 'boolean' },
                minRespondents: { type: 'integer' },
                indicators: { type: 'array' },
                unmatched: { type: 'array' },
              },
            }),
          },
          ...errors,
          '403': { description: "A pilot that is not of the token's organisation (or does not exist)", content: json({ $ref: '#/components/schemas/Error' }) },
        },
      },
    },
    '/api/v1/pilots/{code}/waves': {
      get: {
        summary: 'Change per indicator between two waves: red and green shares for the same people and for all people, each with n',
        parameters: [
          pilotParam,
          { name: 'wave', in: 'query', schema: { type: 'integer', minimum: 2 }, description: 'Compare this wave with the one before (default: the newest)' },
        ],
        responses: {
          '200': {
            description: 'Per indicator with coloured answers; a cell from fewer people than rule.minRespondents has n, red and green null',
            content: json({ $ref: '#/components/schemas/WaveReport' }),
          },
          ...errors,
        },
      },
    },
    '/api/v1/pilots/{code}/funnel': {
      get: {
        summary: 'Response funnel in total and per language and channel',
        parameters: [pilotParam],
        responses: { '200': { description: 'Funnel', content: json({ $ref: '#/components/schemas/Funnel' }) }, ...errors },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `stemmen token create --pilot <code>`' } },
    schemas: {
      SplitCell: {
        type: 'object',
        description: 'One group of a split; null numbers and aggregate "small_group" when too few people (or derivable by subtraction)',
        properties: {
          group: { type: 'string' },
          respondents: nullable('integer'),
          tally: nullable('object'),
          shares: nullable('object'),
          aggregate: { type: 'string', enum: ['red', 'orange', 'green', 'none', 'small_group'] },
        },
      },
      SplitIndicator: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          group: { type: 'string', description: 'The framework group of the indicator' },
          cells: { type: 'array', items: { $ref: '#/components/schemas/SplitCell' } },
          outcomes: {
            type: 'array',
            items: { type: 'object', properties: { id: { type: 'string' }, cells: { type: 'array', items: { $ref: '#/components/schemas/SplitCell' } } } },
          },
        },
      },
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
      OpenAnswer: OPEN_ANSWER_SCHEMA,
      WaveReport: (() => {
        const cell = {
          type: 'object',
          description: 'Per cent of the people with red / green answers (each person once); all null when too few people',
          properties: { n: nullable('integer'), red: nullable('integer'), green: nullable('integer') },
        };
        const side = {
          type: 'object',
          properties: {
            from: cell,
            to: cell,
            change: {
              type: ['object', 'null'],
              description: 'Percentage points from `from` to `to`',
              properties: { red: { type: 'integer' }, green: { type: 'integer' } },
            },
          },
        };
        return {
          type: 'object',
          properties: {
            rule: { type: 'object' },
            waves: { type: 'array', items: { type: 'integer' } },
            from: nullable('integer'),
            to: nullable('integer'),
            data: { type: 'array', items: { type: 'object', properties: { indicator: { type: 'string' }, same: side, all: side } } },
          },
        };
      })(),
      Pilot: {
        type: 'object',
        required: ['code', 'name', 'surveyId', 'createdAt'],
        properties: { code: { type: 'string' }, name: { type: 'string' }, surveyId: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } },
      },
      Answer: {
        type: 'object',
        description:
          'A row of the answers_v2 view: the answers_v1 contract plus media duration, transcript and translations (README "answers_v1", "media pipeline")',
        properties: {
          answer_id: { type: 'string' },
          respondent_id: { type: 'string' },
          pilot_code: { type: 'string' },
          survey_id: { type: 'string' },
          survey_version: { type: 'integer' },
          question_id: { type: 'string' },
          parent_question_id: nullable('string'),
          indicator: nullable('string'),
          outcome: nullable('string'),
          question_type: { type: 'string' },
          value_number: nullable('number'),
          value_choices: nullable('string', { description: 'JSON array of choice ids' }),
          value_text: nullable('string', { description: 'Typed answer; phone numbers, e-mail, IBAN, BSN, addresses and URLs masked ([phone], [email] …)' }),
          value_date: nullable('string'),
          skipped: { type: 'integer', enum: [0, 1] },
          language: { type: 'string' },
          channel: { type: 'string' },
          modality: { type: 'string' },
          prompt_form: { type: 'string' },
          traffic_light: nullable('string', { enum: ['red', 'orange', 'green', null] }),
          consent_version: { type: 'integer' },
          answered_at: { type: 'string', format: 'date-time' },
          source_message_id: { type: 'string' },
          revision: { type: 'integer' },
          media_kind: nullable('string'),
          media_status: nullable('string', { enum: ['pending', 'ready', 'failed', 'rejected', null] }),
          media_duration_seconds: nullable('number'),
          media_error: nullable('string'),
          transcript: nullable('string'),
          transcript_language: nullable('string'),
          transcript_status: nullable('string'),
          translations: nullable('string', { description: 'JSON object: language code → translated typed answer or transcript (personal details masked)' }),
          translation_status: nullable('string'),
        },
      },
      Tally: {
        type: ['object', 'null'],
        description: 'People per light, each person once (fractions where one person gave answers of several colours); null below the minimum group size',
        properties: { red: { type: 'number' }, orange: { type: 'number' }, green: { type: 'number' } },
      },
      IndicatorSummary: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          group: { type: 'string' },
          respondents: nullable('integer', {
            description:
              'Distinct people with a scored answer; null when fewer than MAP_MIN_RESPONDENTS (then every number is null and aggregate is small_group)',
          }),
          tally: { $ref: '#/components/schemas/Tally' },
          shares: { $ref: '#/components/schemas/Tally', description: 'Whole per cents adding up to 100' },
          aggregate: { type: 'string', enum: ['red', 'orange', 'green', 'none', 'small_group'] },
          outcomes: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                respondents: nullable('integer'),
                tally: { $ref: '#/components/schemas/Tally' },
                aggregate: { type: 'string' },
              },
            },
          },
        },
      },
      Funnel: {
        type: 'object',
        description:
          'Small-group protection: no number comes from fewer than MAP_MIN_RESPONDENTS people. Below it in total, smallGroup is true and every number is null. A language × channel row below it is hidden (hidden: true, numbers null), and so are the next smallest rows until the hidden ones together reach the minimum (complementary suppression, so no hidden row follows from the total by subtraction); their sum is otherRows.',
        properties: {
          rule: { type: 'object', properties: { minRespondents: { type: 'integer' } } },
          smallGroup: { type: 'boolean', description: 'Fewer than the minimum of people started: every number below is null' },
          invited: nullable('integer', {
            description:
              'Invitations sent by `stemmen pilot invite` (people who came through a link or QR code are not counted); null when fewer than the minimum',
          }),
          started: nullable('integer', { description: 'Counted when a session starts; kept after a decline or the 24 h purge of people without consent' }),
          consented: nullable('integer'),
          declined: nullable('integer'),
          stopped: nullable('integer', { description: 'Said STOP (also as a first message, before any session)' }),
          completed: nullable('integer'),
          unreachable: nullable('integer', {
            description:
              'Blocked the bot or the account is gone, so reminders and invitations skip them; counted when it happened, not uncounted when they come back',
          }),
          reminded: nullable('integer', { description: 'Sessions that got at least one reminder; null when fewer than the minimum' }),
          completedAfterReminder: nullable('integer'),
          responseRate: nullable('number', { description: 'started ÷ invited; null without invitations, or fewer than the minimum' }),
          consentRate: nullable('number', { description: 'consented ÷ started' }),
          completionRate: nullable('number'),
          reminderEffect: nullable('number', { description: 'completedAfterReminder ÷ reminded; null when fewer than the minimum were reminded' }),
          byLanguageAndChannel: { type: 'array', items: { $ref: '#/components/schemas/FunnelRow' } },
          otherRows: {
            oneOf: [{ $ref: '#/components/schemas/FunnelCounts' }, { type: 'null' }],
            description: 'The hidden rows summed (at least the minimum of people); null when no row is hidden, or every row (then the total says it)',
          },
        },
      },
      FunnelCounts: {
        type: 'object',
        properties: {
          started: nullable('integer'),
          consented: nullable('integer'),
          declined: nullable('integer'),
          stopped: nullable('integer'),
          completed: nullable('integer'),
          unreachable: nullable('integer', { description: 'Blocked the bot or the account is gone (counted when it happened)' }),
          completionRate: nullable('number', { description: 'completed ÷ started' }),
        },
      },
      FunnelRow: {
        allOf: [
          { $ref: '#/components/schemas/FunnelCounts' },
          {
            type: 'object',
            properties: {
              language: nullable('string', { description: 'null: not chosen yet' }),
              channel: { type: 'string' },
              hidden: { type: 'boolean', description: 'Numbers withheld (null) to protect a small group' },
            },
          },
        ],
      },
    },
  },
} as const;
