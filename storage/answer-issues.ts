/**
 * Answer issues as data: a count per (pilot, survey, question, issue code) of inputs the
 * engine did not accept. Written by `StoreTx.countAnswerIssue` in the transaction of the message that caused it; read by
 * whoever wants to know which question confuses people. No respondent, text or time is kept.
 * @module
 */
import type { Db } from './database.ts';

export interface AnswerIssueCount {
  surveyId: string;
  /** Null when the input came outside a question (language, consent…). */
  questionId: string | null;
  code: string;
  count: number;
}

export class AnswerIssueRepository {
  constructor(private readonly db: Db) {}

  /** A pilot's counts, most frequent first. */
  async answerIssueCounts(pilotCode: string): Promise<AnswerIssueCount[]> {
    const rows = await this.db
      .selectFrom('answer_issues')
      .select(['survey_id', 'question_id', 'code', 'count'])
      .where('pilot_code', '=', pilotCode)
      .orderBy('count', 'desc')
      .orderBy('survey_id')
      .orderBy('question_id')
      .orderBy('code')
      .execute();
    return rows.map((r) => ({ surveyId: r.survey_id, questionId: r.question_id === '' ? null : r.question_id, code: r.code, count: Number(r.count) }));
  }
}
