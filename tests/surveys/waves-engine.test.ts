import { describe, expect, it } from 'vitest';
import { advance, start } from '../../surveys/engine/engine.ts';
import type { AnswerValue, EngineContext, SessionState, Step } from '../../surveys/engine/types.ts';
import { compileSurvey } from '../../surveys/model.ts';
import { surveySchema } from '../../surveys/spec/schema.ts';

/** A later wave's session: known background answers are skipped (their follow-ups too), unless asked each wave. */
const survey = compileSurvey(
  surveySchema.parse({
    specVersion: 2,
    id: 'w',
    version: 1,
    languages: ['en'],
    defaultLanguage: 'en',
    consent: { version: 1 },
    recontact: { version: 1, afterRed: false, atEnd: false, expertpool: false },
    questions: [
      {
        id: 'residence',
        type: 'single',
        role: 'background',
        choices: ['asylum', 'other'],
        followUps: [{ id: 'residence_since', type: 'number', when: { question: 'residence', equals: 'asylum' } }],
      },
      { id: 'municipality', type: 'single', role: 'background', askEachWave: true, choices: ['a', 'b'] },
      { id: 'household', type: 'single', role: 'background', choices: ['alone', 'family'] },
      { id: 'work_fair', type: 'scale', indicator: 'work', outcome: 'treated_fairly_at_work', when: { question: 'residence', equals: 'asylum' } },
    ],
  }),
);

let n = 0;
const ctx: EngineContext = { now: '2027-03-01T10:00:00.000Z', newId: () => `id${++n}`, messageId: 'm' };

/** Consents, then answers each asked question with its first button (or a number); the ids in asking order. */
function askedAfter(first: Step): string[] {
  let state: SessionState = first.state;
  let step = advance(survey, state, { kind: 'button', data: 'consent:yes' }, ctx);
  const asked: string[] = [];
  for (let i = 0; i < 10 && step.state.phase === 'question'; i++) {
    state = step.state;
    asked.push(state.current!);
    const q = survey.questions.find((x) => x.id === state.current)!;
    step = advance(survey, state, q.type === 'single' ? { kind: 'button', data: `a:${q.id}:${q.choices[0]!.id}` } : { kind: 'text', text: '3' }, ctx);
  }
  return asked;
}

describe('a session in a later wave', () => {
  it('asks every question when nothing is known (the first wave)', () => {
    expect(askedAfter(start(survey, {}, ctx))).toEqual(['residence', 'residence_since', 'municipality', 'household', 'work_fair']);
  });

  it('skips known background answers and their follow-ups, asks the askEachWave one, and still reads known values in conditions', () => {
    const known: Record<string, AnswerValue> = { residence: { kind: 'choices', choices: ['asylum'] }, household: { kind: 'skipped' } };
    const first = start(survey, { known }, ctx);
    expect(first.state.skip).toEqual(['residence', 'residence_since', 'household']);
    expect(first.state.values).toEqual({ residence: 'asylum' });
    expect(askedAfter(first)).toEqual(['municipality', 'work_fair']);
  });

  it('asks a background question not answered before', () => {
    const first = start(survey, { known: { household: { kind: 'choices', choices: ['family'] } } }, ctx);
    expect(askedAfter(first)).toEqual(['residence', 'residence_since', 'municipality', 'work_fair']);
  });
});
