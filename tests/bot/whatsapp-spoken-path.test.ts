/**
 * Language from the channel and the spoken path, end to end over a Baileys socket: a +93
 * number is offered Dari and Pashto first; someone who chooses to listen hears the intro and
 * the consent question before they consent, and the consent row says it was heard.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthenticationState } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { scriptProblem } from '../helpers/language.ts';
import { FakeSocket, text } from '../helpers/whatsapp.ts';

const AFGHAN = '93701234567@s.whatsapp.net';
let app: TestApp | undefined;
let sockets: FakeSocket[] = [];
let dir: string | undefined;
const sock = () => sockets.at(-1)!;

async function start(env: Record<string, string> = {}): Promise<TestApp> {
  sockets = [];
  app = await startTestApp(
    { WHATSAPP_ENABLED: '1', TRYIT_ENABLED: '0', WHATSAPP_CHAT_GAP_MS: '0', WHATSAPP_PER_MINUTE: '600', ...env },
    {
      makeWhatsAppSocket: (auth: AuthenticationState) => {
        const s = new FakeSocket(auth);
        sockets.push(s);
        return s;
      },
    },
  );
  sock().emit('connection.update', { connection: 'open' });
  return app;
}
afterEach(async () => {
  await app?.dispose();
  app = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Sends `t` and returns what the bot sent back: texts, and `[audio file]` for recordings. */
async function say(t: string): Promise<Array<{ text: string; audio: string | null }>> {
  const before = sock().sent.length;
  sock().receive(text(AFGHAN, t));
  await app!.whatsapp!.connection.idle();
  await app!.handler.idle();
  return sock()
    .sent.slice(before)
    .map((s) => {
      const audio = s.content.audio as { url?: string } | undefined;
      return { text: String(s.content.text ?? s.content.caption ?? ''), audio: audio?.url ?? null };
    });
}

describe('WhatsApp: language from the number, and a spoken path', () => {
  it('offers a +93 number Dari and Pashto first, and the respondent still chooses', async () => {
    await start();
    const [picker] = await say('سلام');
    const list = [...picker!.text.matchAll(/^(\d+)\. (.+)$/gm)].map((m) => m[2]);
    expect(list.slice(0, 2)).toEqual(['دری', 'پښتو']);
    expect(list).toHaveLength(14);
    // The picker is in Dari already (the first suggestion), yet nothing is chosen for them.
    expect(scriptProblem(picker!.text, 'prs')).toBeNull();
    const consent = (await say('2')).map((m) => m.text).join('\n');
    expect(consent).toMatch(/ښ|ړ|ټ|ې/); // Pashto: the consent question in the language they tapped
    const session = await app!.db.selectFrom('sessions').select(['language', 'phase']).executeTakeFirstOrThrow();
    expect(session).toEqual({ language: 'ps', phase: 'consent' });
    const stored = JSON.stringify(await app!.db.selectFrom('sessions').selectAll().execute());
    expect(stored).not.toContain('93701234567');
  });

  it('lets someone who chooses to listen hear the intro and consent before consenting; the consent records it was heard', async () => {
    dir = mkdtempSync(join(tmpdir(), 'stemmen-spoken-'));
    mkdirSync(join(dir, 'prompts/prs'), { recursive: true });
    const tone = (file: string) =>
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libopus', '-y', join(dir!, 'prompts/prs', file)]);
    for (const f of ['language.ogg', 'form.ogg', 'intro.ogg', 'consent.ogg', 'arrival_year.ogg']) tone(f);
    writeFileSync(
      join(dir, 'spoken.yaml'),
      [
        'specVersion: 2',
        'id: spoken',
        'version: 1',
        'namespace: survey-default-pilot',
        'languages: [en, prs, ps]',
        'defaultLanguage: en',
        'mediaDir: prompts',
        'consent: { version: 1 }',
        'recontact: { atEnd: false }',
        'prompts:',
        '  language: { audio: { prs: prs/language.ogg } }',
        '  form: { audio: { prs: prs/form.ogg } }',
        '  intro: { audio: { prs: prs/intro.ogg } }',
        '  consent: { audio: { prs: prs/consent.ogg } }',
        'questions:',
        '  - { id: arrival_year, type: date, indicator: stability, outcome: secure_residence_status, audio: { prs: prs/arrival_year.ogg } }',
        '',
      ].join('\n'),
    );
    await start({ SURVEY_FILE: join(dir, 'spoken.yaml') });
    const audios = (turn: Array<{ audio: string | null }>) => turn.flatMap((m) => (m.audio ? [m.audio.replace(/.*prompts\//, '')] : []));
    expect(audios(await say('سلام'))).toEqual(['prs/language.ogg']);
    expect(audios(await say('1'))).toEqual(['prs/form.ogg']); // دری
    expect(await app!.db.selectFrom('consents').selectAll().execute()).toEqual([]);
    expect(audios(await say('2'))).toEqual(['prs/intro.ogg', 'prs/consent.ogg']); // listen
    expect(await app!.db.selectFrom('consents').selectAll().execute()).toEqual([]);
    expect(audios(await say('1'))).toEqual(['prs/arrival_year.ogg']); // yes, I take part
    const consents = await app!.db.selectFrom('consents').select(['kind', 'granted', 'prompt_form']).execute();
    expect(consents).toEqual([{ kind: 'participation', granted: 1, prompt_form: 'audio' }]);
  });
});
