/**
 * The query string of the open-answers page and its API twin: every filter, the search words
 * and the page cursor, checked with zod and turned into the storage filter.
 * @module
 */
import { z } from 'zod';
import { MODALITIES, type OpenAnswerFilter } from '../../../storage/open-answers.ts';
import { filterQuery } from './traffic-map.ts';

const none = z.literal('').transform(() => undefined);
const id = (example: string) =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, `an id such as ${example}`)
    .optional()
    .or(none);

export const openAnswersQuery = z.object({
  indicator: id('work'),
  outcome: id('paid_work'),
  question: id('work_why'),
  language: filterQuery.shape.language,
  group: filterQuery.shape.group,
  wave: z.coerce.number().int().min(1).max(10_000).optional().or(none),
  modality: z.enum(MODALITIES).optional().or(none),
  /** A code id, or "uncoded". */
  code: id('uncoded'),
  /** Search words (any text: it is cut into words, never run as syntax). */
  q: z.string().max(500, 'at most 500 characters').optional().or(none),
  /** The `next` cursor of the previous page. */
  after: z.string().max(200).optional().or(none),
});
export type OpenAnswersQuery = z.output<typeof openAnswersQuery>;

export function toOpenFilter(q: OpenAnswersQuery): OpenAnswerFilter {
  const [question, value] = q.group ? (q.group.split(':') as [string, string]) : [];
  return {
    indicator: q.indicator,
    outcome: q.outcome,
    question: q.question,
    language: q.language,
    group: question && value ? { question, value } : undefined,
    wave: q.wave,
    modality: q.modality,
    code: q.code,
    search: q.q,
  };
}
