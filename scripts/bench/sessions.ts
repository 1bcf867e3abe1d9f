/**
 * Memory with many open sessions: the bot keeps no session in memory (each message loads its
 * session from the store), so its RSS should not grow with the number of people mid-survey.
 * Seeds `sessions` respondents half-way through the default pilot, starts the real
 * `stemmen start`, lets `active` of them answer over the try-it API, and samples the process's RSS.
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest, openSqlite } from '../../storage/database.ts';
import { PilotRepository } from '../../storage/pilots.ts';
import { loadOrCreateSecret, Pseudonymizer } from '../../storage/pseudonym.ts';

const ROOT = join(import.meta.dirname, '../..');

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

export async function benchSessions(
  sessions: number,
  active: number,
): Promise<{ sessions: number; active: number; rssEmptyMb: number; rssStartMb: number; rssAfterMb: number }> {
  const measure = async (seed: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-sessions-'));
    const db = openSqlite(join(dir, 'stemmen.sqlite'));
    await migrateToLatest(db);
    const pseudonyms = new Pseudonymizer(loadOrCreateSecret(join(dir, 'pseudonym.key')));
    const now = new Date().toISOString();
    const state = (lng: string) =>
      JSON.stringify({
        v: 1,
        surveyId: 'default-pilot',
        surveyVersion: 1,
        phase: 'question',
        returnTo: null,
        language: lng,
        languageHint: null,
        consentVersion: 1,
        form: 'text',
        formChosen: false,
        current: 'housing_suitable',
        deliveredForm: 'text',
        prev: 'work_has_paid_work',
        values: { arrival_year: '2019' },
        answeredCount: 2,
        multiDraft: null,
        pendingThemes: [],
        grantedThemes: [],
        refusedThemes: [],
        themeDraft: null,
        invalidStreak: 0,
        paused: false,
        startedAt: now,
        lastActivityAt: now,
        completedAt: null,
      });
    await new PilotRepository(db).ensure('default', 'Default pilot', 'default-pilot', 1, now);
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < seed; i += 500) {
        const batch = Array.from({ length: Math.min(500, seed - i) }, (_, k) => {
          const token = `bench-session-${String(i + k).padStart(8, '0')}`;
          return { token, id: pseudonyms.respondentId('tryit', token), lng: ['ar', 'fa', 'ti', 'uk', 'nl'][(i + k) % 5]! };
        });
        await trx
          .insertInto('respondents')
          .values(batch.map((b) => ({ id: b.id, created_at: now, last_seen_at: now, language: b.lng })))
          .execute();
        await trx
          .insertInto('contacts')
          .values(batch.map((b) => ({ channel: 'tryit', address: b.token, respondent_id: b.id, created_at: now, updated_at: now })))
          .execute();
        await trx
          .insertInto('sessions')
          .values(
            batch.map((b) => ({
              id: `s-${b.id}`,
              respondent_id: b.id,
              pilot_code: 'default',
              survey_id: 'default-pilot',
              survey_version: 1,
              channel: 'tryit',
              phase: 'question',
              language: b.lng,
              state: state(b.lng),
              state_version: 1,
              revision: 1,
              started_at: now,
              updated_at: now,
              completed_at: null,
            })),
          )
          .execute();
        await trx
          .insertInto('consents')
          .values(
            batch.map((b) => ({
              id: `c-${b.id}`,
              respondent_id: b.id,
              pilot_code: 'default',
              survey_id: 'default-pilot',
              kind: 'participation',
              theme: null,
              version: 1,
              granted: 1,
              recorded_at: now,
              source_message_id: 'seed',
            })),
          )
          .execute();
      }
    });
    await db.destroy();
    const bot = spawn(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), 'start'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'error', QUEUE_PREFIX: `ses${process.pid}${Date.now().toString(36)}` },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        bot.stdout!.on('data', (d) => {
          out += String(d);
          const m = /Try it:\s+(http:\/\/\S+)\/try/.exec(out);
          if (m) resolve(m[1]!);
        });
        bot.once('exit', (code) => reject(new Error(`stemmen start exited with ${code}`)));
      });
      await new Promise((r) => setTimeout(r, 1000));
      const start = rssMb(bot.pid!);
      let peak = start;
      for (let i = 0; i < Math.min(active, seed); i++) {
        const token = `bench-session-${String(Math.floor((i * seed) / Math.max(1, active))).padStart(8, '0')}`;
        const res = await fetch(`${url}/try/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token, messageId: `m${i}`, text: '7' }),
        });
        if (!res.ok) throw new Error(`try-it answered ${res.status}: ${await res.text()}`);
        if (i % 100 === 0) peak = Math.max(peak, rssMb(bot.pid!));
      }
      return { start, after: Math.max(peak, rssMb(bot.pid!)) };
    } finally {
      bot.kill('SIGTERM');
      await new Promise((r) => bot.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const empty = await measure(0);
  const full = await measure(sessions);
  return { sessions, active, rssEmptyMb: Math.round(empty.start), rssStartMb: Math.round(full.start), rssAfterMb: Math.round(full.after) };
}
