/**
 * `GET /api/v1/pilots/{code}/open-answers`: the open-answers page as JSON, with the same
 * filters, search and small-group rule; and its OpenAPI description (spread into OPENAPI).
 * Not under `/answers`, which is the raw answers_v3 contract for statistics tools.
 * @module
 */
import { holdsPersonalDetail, shownText, shownTranslations } from '../shown.ts';
import type { FastifyInstance } from 'fastify';
import { MODALITIES, type OpenAnswer, type OpenAnswers } from '../../../storage/open-answers.ts';
import type { AggregateRule } from '../../../surveys/aggregate.ts';
import type { Survey } from '../../../surveys/model.ts';
import { resolveBreakdown } from '../reporting/breakdown.ts';
import { openAnswersQuery, toOpenFilter } from '../reporting/open-answers-query.ts';

const REFUSALS = {
  personal_detail:
    'the search looks like a personal detail (a phone number, e-mail address, IBAN, BSN, street address or URL); searching for personal details is not allowed (it would reveal who said it)',
};

/** What an API client gets of a respondent's words; the one place a scrubber of personal details goes (as on the page). */
/** The answer as API readers may see it: personal details masked in every text (bot/web/shown.ts). */
function shownAnswer(a: OpenAnswer): OpenAnswer {
  return {
    ...a,
    text: a.text === null ? null : shownText(a.text),
    transcript: a.transcript === null ? null : shownText(a.transcript),
    translations: shownTranslations(a.translations),
  };
}

export function registerOpenAnswersApi(
  api: FastifyInstance,
  deps: { open: OpenAnswers; rule: AggregateRule; surveyOf: (pilot: string) => Promise<Survey | undefined> },
): void {
  api.get('/pilots/:code/open-answers', async (req, reply) => {
    const parsed = openAnswersQuery.safeParse(req.query);
    if (!parsed.success) return reply.code(400).send({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const pilot = req.apiPilot!;
    const filter = toOpenFilter(parsed.data);
    if (filter.group) {
      const survey = await deps.surveyOf(pilot);
      if (!survey) return reply.code(404).send({ error: `the survey of pilot "${pilot}" is not loaded; restart the bot after fixing its survey file` });
      const checked = resolveBreakdown(survey, {}, { group: filter.group });
      if (!checked.ok)
        return reply.code(400).send({ error: `group: ${checked.issue.code} "${checked.issue.id}"; valid: ${checked.issue.valid.join(', ') || 'none'}` });
    }
    const rule = { minRespondents: deps.rule.minRespondents };
    if (holdsPersonalDetail(filter.search)) return reply.code(400).send({ error: `q: ${REFUSALS.personal_detail}` });
    const r = await deps.open.page(pilot, filter, parsed.data.after ?? null);
    if (r.status === 'refused') return reply.code(400).send({ error: `q: ${REFUSALS[r.reason]}` });
    if (r.status === 'too_few') return { rule, smallGroup: true, total: null, totalCapped: null, data: [], next: null };
    return { rule, smallGroup: false, total: r.total, totalCapped: r.totalCapped, data: r.items.map(shownAnswer), next: r.next };
  });
}

const idParam = (name: string, description: string) => ({ name, in: 'query', schema: { type: 'string' }, description });
const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

export const OPEN_ANSWERS_PATHS = {
  '/api/v1/pilots/{code}/open-answers': {
    get: {
      summary: 'Open answers (typed, voice, video) with filters and full-text search, 50 a page, newest first',
      description:
        'Originals, transcripts and translations. When fewer than minRespondents people stand behind the filters other than `q` and `code`, `smallGroup` is true and no answers are returned. A `q` that holds a personal detail (phone number, e-mail address, IBAN, BSN, street address, URL) is a 400. Counting stops past 10,000: `total` is then 10000 and `totalCapped` true.',
      parameters: [
        { name: 'code', in: 'path', required: true, schema: { type: 'string' } },
        idParam('indicator', 'An indicator id (e.g. work)'),
        idParam('outcome', 'An outcome id'),
        idParam('question', 'A question id'),
        idParam('language', 'The language the answer was given in'),
        {
          name: 'group',
          in: 'query',
          schema: { type: 'string', pattern: '^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$' },
          description: '`<background question>:<value>`, as for /indicators',
        },
        { name: 'wave', in: 'query', schema: { type: 'integer', minimum: 1 } },
        { name: 'modality', in: 'query', schema: { type: 'string', enum: [...MODALITIES] } },
        idParam('code', 'A code id of the codebook, or `uncoded`'),
        {
          name: 'q',
          in: 'query',
          schema: { type: 'string', maxLength: 500 },
          description: 'Search words; all must occur in the original, transcript or a translation. Operators are read as words.',
        },
        { name: 'after', in: 'query', schema: { type: 'string' }, description: 'The `next` cursor of the previous page' },
      ],
      responses: {
        '200': {
          description: 'A page',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['rule', 'smallGroup', 'total', 'totalCapped', 'data', 'next'],
                properties: {
                  rule: { type: 'object', properties: { minRespondents: { type: 'integer' } } },
                  smallGroup: { type: 'boolean' },
                  total: { type: ['integer', 'null'], description: 'Matching answers; at most 10000 (see totalCapped)' },
                  totalCapped: { type: ['boolean', 'null'], description: 'True when there are more than 10000 matches and `total` stopped there' },
                  data: { type: 'array', items: { $ref: '#/components/schemas/OpenAnswer' } },
                  next: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
        '400': error('Bad parameters, or a search for personal details; `error` says which'),
        '401': error('Missing, unknown or revoked token'),
        '403': error('The token is for another pilot'),
      },
    },
  },
};

export const OPEN_ANSWER_SCHEMA = {
  type: 'object',
  properties: {
    answerId: { type: 'string' },
    questionId: { type: 'string' },
    indicator: { type: ['string', 'null'] },
    outcome: { type: ['string', 'null'] },
    language: { type: 'string' },
    modality: { type: 'string', enum: [...MODALITIES] },
    text: { type: ['string', 'null'] },
    mediaKind: { type: ['string', 'null'] },
    mediaStatus: { type: ['string', 'null'] },
    hasMedia: { type: 'boolean' },
    transcript: { type: ['string', 'null'] },
    transcriptLanguage: { type: ['string', 'null'] },
    translations: { type: 'object', additionalProperties: { type: 'string' }, description: 'Language code → machine translation' },
    translationStatus: { type: ['string', 'null'] },
    wave: { type: 'integer' },
    answeredOn: { type: 'string', format: 'date' },
    codes: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, label: { type: 'string' } } } },
    shared: { type: 'boolean', description: 'Marked shareable for viewers' },
  },
};
