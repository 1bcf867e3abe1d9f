/**
 * The spec's questions in asking order (a question, then its follow-ups, depth first — the
 * order `compileSurvey` uses), each with its spec path and what it inherits from its parent.
 * @module
 */
import type { SpecPath } from './positions.ts';
import { expandScaleMethod } from '../scale-method.ts';
import type { QuestionRole, QuestionSpec, SurveySpec } from './schema.ts';

type Path = Array<string | number>;

/** Did the file itself write this path (as opposed to a schema default filling it)? */
export type Has = (path: SpecPath) => boolean;

/** A question in flattened (asking) order, with what it inherits from its parent. */
export interface FlatQuestion {
  q: QuestionSpec;
  path: Path;
  index: number;
  parent: FlatQuestion | null;
  indicator: string | undefined;
  outcome: string | undefined;
  /** Own or inherited; `indicator` when neither says. */
  role: QuestionRole;
}

/** Flattens the question tree in asking order. */
export function flatten(spec: SurveySpec): FlatQuestion[] {
  const out: FlatQuestion[] = [];
  const walk = (q: QuestionSpec, path: Path, parent: FlatQuestion | null): void => {
    const f: FlatQuestion = {
      q,
      path,
      index: out.length,
      parent,
      indicator: q.indicator ?? parent?.indicator,
      outcome: q.outcome ?? parent?.outcome,
      role: q.role ?? parent?.role ?? 'indicator',
    };
    out.push(f);
    (q.followUps ?? []).forEach((c, i) => walk(c, [...path, 'followUps', i], f));
  };
  // The scale method's follow-ups come after a question's own, so those keep their paths in the file.
  expandScaleMethod(spec).questions.forEach((q, i) => walk(q, ['questions', i], null));
  return out;
}
