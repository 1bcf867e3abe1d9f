/**
 * Privacy scan of typed personal details. A try-it respondent types a Dutch mobile, a Sudanese
 * +249 number, a number in Eastern-Arabic digits, an e-mail address and an IBAN into a "why"
 * answer; the answer is translated through a local LibreTranslate-compatible server. Then the
 * dashboard drill-down, every export file (the downloads, and the files `stemmen export`
 * writes) and the read API (JSON and NDJSON) are scanned for every form of each detail:
 * as typed, digits only, E.164, national and spaced. Zero hits; the translation server never
 * got them either. The same scanner finds them in the answers table, where the original stays.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import { runTokenCreate } from '../../scripts/commands/token.ts';
import { FakeLibreTranslate } from '../../scripts/dev/fake-libretranslate.ts';
import { ROOT, startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { Browser, createUser } from '../helpers/dashboard.ts';
import { describeHits, filesUnder, scanDatabase, scanFiles, scanText, type Hit } from '../helpers/privacy.ts';

const TYPED = 'Bel me op 06-12345678 of mijn broer +249 912 345 678, mijn moeder ٠٦٨٧٦٥٤٣٢١. Mail ahmed.x@example.org, mijn IBAN is NL91 ABNA 0417 1643 00.';
/** Every form each detail could leak in. */
const NEEDLES = [
  ...['06-12345678', '0612345678', '+31612345678', '31612345678', '612345678', '06 12345678', '06 1234 5678'],
  ...['+249 912 345 678', '249912345678', '+249912345678', '00249912345678', '912345678', '912 345 678'],
  ...['٠٦٨٧٦٥٤٣٢١', '0687654321', '+31687654321', '31687654321', '687654321'],
  ...['ahmed.x@example.org', 'ahmed.x', 'NL91 ABNA 0417 1643 00', 'NL91ABNA0417164300', '0417164300', '0417 1643 00'],
];

let app: TestApp;
let mt: FakeLibreTranslate;

beforeAll(async () => {
  mt = new FakeLibreTranslate();
  await mt.start();
  app = await startTestApp({ MT_URL: mt.url, MAP_MIN_RESPONDENTS: '1' }, { media: { retryDelayMs: 20 } });
  const c = new TryitClient(app.url, undefined, 'nl');
  await c.send({ command: 'start' });
  await c.send({ button: 'lang:nl' });
  await c.send({ button: 'consent:yes' });
  await c.send({ text: '2019' });
  await c.send({ button: 'a:work_has_paid_work:yes' });
  await c.send({ button: 'a:work_fair:3' });
  const reply = await c.send({ text: TYPED });
  expect(reply.messages.length).toBeGreaterThan(0);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const row = await app.db.selectFrom('answers').select('translation_status').where('question_id', '=', 'work_fair_why').executeTakeFirst();
    if (row && row.translation_status !== 'pending') break;
    await new Promise((r) => setTimeout(r, 50));
  }
}, 60_000);

afterAll(async () => {
  await app.dispose();
  await mt.close();
});

const expectNoHits = (hits: Hit[]) => expect(hits, describeHits(hits)).toEqual([]);

describe('typed personal details are masked wherever staff read', () => {
  it('the original is in the answers table and the answer was translated (the scan has something to find)', async () => {
    const row = await app.db.selectFrom('answers').selectAll().where('question_id', '=', 'work_fair_why').executeTakeFirstOrThrow();
    expect(row.value_text).toBe(TYPED);
    expect(row.translation_status).toBe('ready');
    const { hits } = await scanDatabase(app.db, NEEDLES, ['contacts', 'outbox']);
    expect(hits.some((h) => h.where.startsWith('answers['))).toBe(true);
    // The stored translations were made from the scrubbed text.
    expectNoHits(scanText('translations', row.translations!, NEEDLES));
  });

  it('the translation server never received any of them', () => {
    expect(mt.requests.length).toBeGreaterThan(0);
    expectNoHits(mt.requests.flatMap((r, i) => scanText(`MT request ${i}`, JSON.stringify(r), NEEDLES)));
  });

  it('not on the drill-down, in any export download or in the read API', async () => {
    await createUser(app.db, 'admin@example.org', 'admin');
    const b = new Browser(app.server);
    await b.login('admin@example.org');
    const hits: Hit[] = [];
    const drill = await b.get('/pilots/default/indicators/work');
    expect(drill.body).toContain('[phone]');
    expect(drill.body).toContain('[email]');
    expect(drill.body).toContain('[iban]');
    hits.push(...scanText('drill-down', drill.body, NEEDLES));
    for (const file of ['answers.csv', 'answers.jsonl', 'wide.csv', 'datapackage.json']) {
      const res = await b.get(`/pilots/default/exports/${file}`);
      expect(res.statusCode, file).toBe(200);
      if (file !== 'datapackage.json') expect(res.body, file).toContain('[phone]');
      hits.push(...scanText(file, res.body, NEEDLES));
    }

    let printed = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => {
      printed += s;
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await runTokenCreate(loadConfig({ DATA_DIR: app.dir }, ROOT), 'default', 'typed details scan')).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const token = /^(stm_\S+)$/m.exec(printed)![1]!;
    for (const url of ['/api/v1/pilots/default/answers', '/api/v1/pilots/default/answers.ndjson']) {
      const res = await app.server.inject({ url, headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('[phone]');
      hits.push(...scanText(url, res.body, NEEDLES));
    }
    expectNoHits(hits);
  });

  it('not in the files `stemmen export` writes (CSV and JSON Lines)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stemmen-scrub-export-'));
    try {
      for (const format of ['csv', 'jsonl']) {
        const r = spawnSync(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), 'export', 'default', '--format', format, '--out', join(dir, format)], {
          cwd: ROOT,
          env: { ...process.env, DATA_DIR: app.dir },
          encoding: 'utf8',
        });
        expect(r.status, r.stderr).toBe(0);
      }
      const files = filesUnder(dir);
      expect(files.length).toBe(10);
      expectNoHits(scanFiles(files, NEEDLES, dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
