/**
 * The schaalvraag method (seed 003) on scale questions: `scaleMethod: { why, works, stepUp }`
 * becomes ordinary text follow-ups, so the engine, checks, exports and the length estimate
 * see nothing new.
 *
 * Each follow-up is asked of everyone who answered the scale (`all`), only of red and orange
 * scores (`low`), or not at all (`off`). Its id is `<scale>_why`, `<scale>_works` or
 * `<scale>_step_up` unless the spec names one (to keep the ids of answers already collected);
 * its text is the bot's shared wording (`bot:scaleMethod.*`, in every language) unless the
 * spec names a key of its own. They come after the question's own follow-ups, so those keep
 * their places in the file for error messages.
 * @module
 */
import type { QuestionSpec, ScaleMethodSpec, SurveySpec } from './spec/schema.ts';
import { defaultBands } from './traffic-bands.ts';

const PARTS = [
  ['why', 'why'],
  ['works', 'works'],
  ['stepUp', 'step_up'],
] as const;

type ScaleSpec = Extract<QuestionSpec, { type: 'scale' }>;

/** The highest score that counts as low: the top of the orange (else red) band. */
function lowTop(q: ScaleSpec): number {
  const t = q.traffic;
  if (t === undefined || t === 'default') return defaultBands(q.min, q.max).orange[0]?.[1] ?? q.min;
  const bands = [...(t.orange ?? []), ...(t.red ?? [])];
  return bands.length > 0 ? Math.max(...bands.map(([, hi]) => hi)) : q.min;
}

function followUpsOf(q: ScaleSpec, method: ScaleMethodSpec): QuestionSpec[] {
  const out: QuestionSpec[] = [];
  for (const [part, suffix] of PARTS) {
    const entry = method[part];
    const o = typeof entry === 'object' ? entry : { ask: entry ?? 'off' };
    if (o.ask === 'off') continue;
    out.push({
      id: 'id' in o && o.id !== undefined ? o.id : `${q.id}_${suffix}`,
      type: 'text',
      required: false,
      text: 'text' in o && o.text !== undefined ? o.text : `bot:scaleMethod.${part}`,
      maxLength: 5000,
      acceptMedia: true,
      ...(o.ask === 'low' ? { when: { question: q.id, lte: lowTop(q) } } : {}),
    });
  }
  return out;
}

function expand(q: QuestionSpec): QuestionSpec {
  const own = q.followUps?.map(expand);
  const extra = q.type === 'scale' && q.scaleMethod ? followUpsOf(q, q.scaleMethod) : [];
  if (own === undefined && extra.length === 0) return q;
  return { ...q, followUps: [...(own ?? []), ...extra] };
}

/** The spec with every `scaleMethod` turned into follow-ups. */
export function expandScaleMethod(spec: SurveySpec): SurveySpec {
  return { ...spec, questions: spec.questions.map(expand) };
}
