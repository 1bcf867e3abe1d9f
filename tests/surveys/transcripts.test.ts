import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUESTION_TYPES } from '../../surveys/spec/schema.ts';
import { run, type Transcript } from '../helpers/transcript.ts';

const dir = join(import.meta.dirname, '../fixtures/transcripts');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Transcript;

describe('engine transcripts', () => {
  for (const f of files) {
    it(`${f}: ${load(f).description}`, () => {
      const t = load(f);
      const { steps, state } = run(t);
      // UPDATE_TRANSCRIPTS=1 rewrites expectations; review the diff before committing.
      if (process.env.UPDATE_TRANSCRIPTS === '1') {
        writeFileSync(join(dir, f), `${JSON.stringify({ ...t, expected: steps, finalPhase: state.phase }, null, 2)}\n`);
        return;
      }
      expect(steps).toEqual(t.expected);
      expect(state.phase).toBe(t.finalPhase);
    });
  }

  it('every question type has at least one transcript', () => {
    const covered = new Set<string>();
    const visit = (q: { type: string; followUps?: unknown[] }) => {
      covered.add(q.type);
      (q.followUps ?? []).forEach((x) => visit(x as never));
    };
    for (const f of files) (load(f).survey as { questions: never[] }).questions.forEach(visit);
    expect(QUESTION_TYPES.filter((t) => !covered.has(t))).toEqual([]);
  });
});
