/**
 * A synthetic long survey for measurements: `n` scale questions over all 14 indicators,
 * every fourth with a "why" follow-up asked only on a low score.
 */
import { INDICATORS } from '../../surveys/indicators.ts';
import { compileSurvey, type Survey } from '../../surveys/model.ts';
import { surveySchema } from '../../surveys/spec/schema.ts';

export function longSurvey(n: number): Survey {
  const questions = Array.from({ length: n }, (_, i) => {
    const ind = INDICATORS[i % INDICATORS.length]!;
    const q: Record<string, unknown> = { id: `q${i + 1}`, type: 'scale', indicator: ind.id, outcome: ind.outcomes[0], traffic: 'default' };
    if (i % 4 === 3) q.followUps = [{ id: `q${i + 1}_why`, type: 'text', when: { question: `q${i + 1}`, lte: 4 } }];
    return q;
  });
  return compileSurvey(
    surveySchema.parse({
      specVersion: 2,
      id: 'bench',
      version: 1,
      languages: ['en', 'ar'],
      defaultLanguage: 'en',
      consent: { version: 1 },
      recontact: { afterRed: false, atEnd: false, expertpool: false },
      questions,
    }),
  );
}
