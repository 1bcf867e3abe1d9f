/**
 * The change between waves over a large pilot: seeds N respondents who answer every indicator
 * in wave 1 and most of them again in wave 2 (a durable SQLite file), then times the wave
 * comparison query (same people and all people, 14 indicators).
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigrated } from '../../storage/database.ts';
import { waveChange } from '../../storage/wave-change.ts';
import { INDICATORS } from '../../surveys/indicators.ts';

export interface WaveBench {
  respondents: number;
  answers: number;
  seedMs: number;
  changeMs: number;
}

const LIGHTS = ['red', 'orange', 'green'] as const;

export async function benchWaves(respondents: number): Promise<WaveBench> {
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-waves-'));
  const db = await openMigrated({ databaseFile: join(dir, 'waves.sqlite'), databaseUrl: null });
  try {
    const at = '2027-03-01T10:00:00.000Z';
    let s = 7;
    const r = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    let answers = 0;
    const t0 = performance.now();
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < respondents; i += 100) {
        const people = Array.from({ length: Math.min(100, respondents - i) }, (_, k) => `r${i + k}`);
        await trx
          .insertInto('respondents')
          .values(people.map((id) => ({ id, created_at: at, last_seen_at: at, language: 'nl' })))
          .execute();
        const sessions = people.flatMap((id, k) => [1, ...((i + k) % 5 === 0 ? [] : [2])].map((wave) => ({ id, wave })));
        await trx
          .insertInto('sessions')
          .values(
            sessions.map(({ id, wave }) => ({
              id: `${id}-${wave}`,
              respondent_id: id,
              pilot_code: 'bench',
              survey_id: 's',
              survey_version: 1,
              channel: 'telegram',
              phase: 'completed',
              language: 'nl',
              state: '{}',
              state_version: 3,
              revision: 1,
              started_at: at,
              updated_at: at,
              completed_at: at,
              wave,
            })),
          )
          .execute();
        for (const { id, wave } of sessions) {
          const rows = INDICATORS.map((ind) => ({
            id: `${id}-${wave}-${ind.id}`,
            session_id: `${id}-${wave}`,
            respondent_id: id,
            pilot_code: 'bench',
            survey_id: 's',
            survey_version: 1,
            question_id: `q_${ind.id}`,
            parent_question_id: null,
            indicator: ind.id,
            outcome: ind.outcomes[0]!,
            question_type: 'scale',
            value_number: 5,
            value_choices: null,
            value_text: null,
            value_date: null,
            skipped: 0,
            language: 'nl',
            channel: 'telegram',
            modality: 'button',
            prompt_form: 'text',
            traffic_light: LIGHTS[Math.floor(r() * 3)]!,
            consent_version: 1,
            answered_at: at,
            source_message_id: 'm',
            revision: 1,
            media_kind: null,
            media_ref: null,
            media_status: null,
            wave,
          }));
          await trx.insertInto('answers').values(rows).execute();
          answers += rows.length;
        }
      }
    });
    const seedMs = performance.now() - t0;
    const times: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t = performance.now();
      await waveChange(db, 'bench', 1, 2);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { respondents, answers, seedMs, changeMs: times[2]! };
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
