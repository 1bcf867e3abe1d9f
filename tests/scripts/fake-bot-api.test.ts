import { Bot, InputFile } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';

// biome-ignore lint/suspicious/noExplicitAny: the Bot API's result has a different shape per method
type Answer = { ok: boolean; result?: any; error_code?: number; description?: string; parameters?: { retry_after?: number } };

let fake: FakeBotApi;
beforeEach(async () => {
  fake = await FakeBotApi.start();
});
afterEach(async () => {
  await fake.close();
});

async function call(
  method: string,
  params: Record<string, unknown> = {},
  opts: { token?: string; signal?: AbortSignal } = {},
): Promise<{ status: number; body: Answer }> {
  const res = await fetch(`${fake.url}/bot${opts.token ?? fake.token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return { status: res.status, body: (await res.json()) as Answer };
}

describe('FakeBotApi over plain HTTP', () => {
  it('answers a blocked, deactivated or unknown chat as Telegram does, until unblocked', async () => {
    fake.blockChat(7);
    expect(await call('sendMessage', { chat_id: 7, text: 'hi' })).toEqual({
      status: 403,
      body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
    });
    fake.blockChat(8, 'deactivated');
    expect((await call('sendVoice', { chat_id: 8, voice: 'x' })).body.description).toBe('Forbidden: user is deactivated');
    fake.blockChat(9, 'not_found');
    expect(await call('sendMessage', { chat_id: 9, text: 'hi' })).toMatchObject({ status: 400, body: { description: 'Bad Request: chat not found' } });
    expect((await call('sendMessage', { chat_id: 10, text: 'hi' })).status).toBe(200);
    fake.unblockChat(7);
    expect((await call('sendMessage', { chat_id: 7, text: 'hi' })).status).toBe(200);
  });

  it('pushes my_chat_member updates and keeps descriptions per language, with their limits', async () => {
    const kicked = fake.chatMemberUpdate(7, 'kicked');
    expect(kicked.my_chat_member).toMatchObject({
      chat: { id: 7, type: 'private' },
      old_chat_member: { status: 'member' },
      new_chat_member: { status: 'kicked' },
    });
    expect((await call('getUpdates', { offset: 0 })).body.result).toEqual([kicked]);

    expect((await call('getMyDescription', { language_code: 'nl' })).body.result).toEqual({ description: '' });
    expect((await call('setMyDescription', { description: 'Hallo', language_code: 'nl' })).body.result).toBe(true);
    expect((await call('getMyDescription', { language_code: 'nl' })).body.result).toEqual({ description: 'Hallo' });
    expect((await call('getMyDescription')).body.result).toEqual({ description: '' });
    expect((await call('setMyShortDescription', { short_description: 'x'.repeat(121) })).status).toBe(400);
    expect((await call('setMyShortDescription', { short_description: 'Kort' })).body.result).toBe(true);
    expect(fake.profile.get('short_description')).toBe('Kort');
  });

  it('holds a long poll until an update is pushed, then drops updates confirmed by offset', async () => {
    const started = Date.now();
    const poll = call('getUpdates', { offset: 0, timeout: 10 });
    await fake.waitForCall((c) => c.method === 'getUpdates');
    const pushed = fake.textUpdate(7, '/start abc', 'nl');
    const { body } = await poll;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(body.result).toEqual([pushed]);
    expect(pushed.message).toMatchObject({
      chat: { id: 7, type: 'private' },
      from: { id: 7, language_code: 'nl' },
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    });

    // Not confirmed yet: delivered again.
    expect((await call('getUpdates', { offset: pushed.update_id })).body.result).toHaveLength(1);
    expect((await call('getUpdates', { offset: pushed.update_id + 1 })).body.result).toEqual([]);
    expect((await call('getUpdates', {})).body.result).toEqual([]); // confirmed and dropped for good
    expect(fake.offsets).toEqual([0, pushed.update_id, pushed.update_id + 1, 0]);
  });

  it('answers [] when a long poll times out, and survives a client abort', async () => {
    const started = Date.now();
    expect((await call('getUpdates', { timeout: 1 })).body).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    const abort = new AbortController();
    const aborted = call('getUpdates', { timeout: 10 }, { signal: abort.signal });
    await fake.waitForCall((c) => c.method === 'getUpdates', { since: 1 });
    abort.abort();
    await expect(aborted).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    const pushed = fake.textUpdate(8, 'still here');
    expect((await call('getUpdates', { timeout: 1 })).body.result).toEqual([pushed]);
  });

  it('failNext answers the given error once, then the method works again', async () => {
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    const first = await call('sendMessage', { chat_id: 5, text: 'hi' });
    expect(first.status).toBe(429);
    expect(first.body).toEqual({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    expect(fake.rateLimited).toBe(1);
    const second = await call('sendMessage', { chat_id: 5, text: 'hi' });
    expect(second.body.result).toMatchObject({ message_id: 1, chat: { id: 5 }, from: { id: 123456, is_bot: true }, text: 'hi' });
    expect(fake.sentTo(5).map((m) => m.text)).toEqual(['hi']);
  });

  it('rate-limits send and edit calls per sliding second with retry_after', async () => {
    fake.setRateLimit(2);
    const results = await Promise.all([1, 2, 3].map((n) => call('sendMessage', { chat_id: 9, text: `m${n}` })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 429]);
    const limited = results.find((r) => r.status === 429)!.body;
    expect(limited.parameters?.retry_after).toBeGreaterThanOrEqual(1);
    expect(limited.description).toMatch(/^Too Many Requests: retry after \d+$/);
    expect(fake.rateLimited).toBe(1);
    expect(fake.sentTo(9)).toHaveLength(2);
    expect((await call('getMe')).status).toBe(200); // not a send
    fake.setRateLimit(null);
    expect((await call('sendMessage', { chat_id: 9, text: 'free' })).status).toBe(200);
  });

  it('validates texts, button data and edits like Telegram', async () => {
    expect((await call('sendMessage', { chat_id: 1, text: '' })).body.description).toBe('Bad Request: message text is empty');
    expect((await call('sendMessage', { chat_id: 1, text: 'x'.repeat(4097) })).body.description).toBe('Bad Request: message is too long');
    const keyboard = (data: string) => ({ inline_keyboard: [[{ text: 'b', callback_data: data }]] });
    expect((await call('sendMessage', { chat_id: 1, text: 'k', reply_markup: keyboard('x'.repeat(65)) })).body.description).toBe(
      'Bad Request: BUTTON_DATA_INVALID',
    );

    const sent = (await call('sendMessage', { chat_id: 1, text: 'pick', reply_markup: keyboard('a') })).body.result;
    const again = await call('editMessageReplyMarkup', { chat_id: 1, message_id: sent.message_id, reply_markup: keyboard('a') });
    expect(again.body.description).toMatch(/^Bad Request: message is not modified/);
    expect((await call('editMessageText', { chat_id: 1, message_id: 99, text: 'x' })).body.description).toBe('Bad Request: message to edit not found');
    const edited = await call('editMessageText', { chat_id: 1, message_id: sent.message_id, text: 'picked' });
    expect(edited.body.result).toMatchObject({ text: 'picked', edit_date: expect.any(Number) });
    expect(fake.sentTo(1)).toEqual([edited.body.result]); // keyboard gone, as with Telegram

    const query = fake.callbackUpdate(1, 'a', sent.message_id, 'ar').callback_query!;
    expect(query.message).toMatchObject({ message_id: sent.message_id, text: 'picked' });
    expect((await call('answerCallbackQuery', { callback_query_id: query.id })).body).toEqual({ ok: true, result: true });
  });

  it('takes a multipart voice upload, gives it a new file_id, and echoes a reused one', async () => {
    const form = new FormData();
    form.set('chat_id', '3');
    form.set('duration', '4');
    form.set('voice', new Blob([Buffer.from('OggS-voice')], { type: 'audio/ogg' }), 'hello.ogg');
    const res = await fetch(`${fake.url}/bot${fake.token}/sendVoice`, { method: 'POST', body: form });
    const voice = ((await res.json()) as Answer).result.voice;
    expect(voice).toMatchObject({ file_id: expect.stringMatching(/^fid-/), duration: 4, file_size: 10 });
    expect(fake.calls.at(-1)).toMatchObject({
      method: 'sendVoice',
      params: { chat_id: 3, duration: 4 },
      files: { voice: { name: 'hello.ogg', size: 10, type: 'audio/ogg' } },
    });

    const reused = await call('sendVoice', { chat_id: 3, voice: voice.file_id });
    expect(reused.body.result.voice.file_id).toBe(voice.file_id);
    expect((await call('sendVoice', { chat_id: 3, voice: 'nope' })).body.description).toBe('Bad Request: wrong file identifier/HTTP URL specified');
    expect(fake.sentTo(3).map((m) => m.voice?.file_id)).toEqual([voice.file_id, voice.file_id]);
  });

  it('round-trips bytes through getFile and the file download URL', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const added = fake.addFile(bytes, 'voice/file_7.oga');
    const { body } = await call('getFile', { file_id: added.file_id });
    expect(body.result).toEqual({ file_id: added.file_id, file_unique_id: added.file_unique_id, file_size: 5, file_path: 'voice/file_7.oga' });
    const download = await fetch(`${fake.url}/file/bot${fake.token}/${body.result.file_path}`);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
    expect((await fetch(`${fake.url}/file/bot${fake.token}/voice/missing.oga`)).status).toBe(404);
    expect((await call('getFile', { file_id: 'unknown' })).body.description).toBe('Bad Request: invalid file_id');
  });

  it('answers 401 for a wrong token and 404 for an unknown method', async () => {
    expect(await call('getMe', {}, { token: '1:wrong' })).toEqual({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    expect(await call('sendTelepathy')).toEqual({ status: 404, body: { ok: false, error_code: 404, description: 'Not Found: method not found' } });
    expect((await call('getMe')).body.result).toEqual(fake.botInfo);
  });
});

describe('FakeBotApi with real grammY', () => {
  it('serves long polling, replies with keyboards, and sees the offset confirmed on stop', async () => {
    const bot = new Bot(fake.token, { client: { apiRoot: fake.url }, botInfo: fake.botInfo });
    bot.on('message:text', (ctx) => ctx.reply(`echo ${ctx.msg.text}`, { reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'x' }]] } }));
    void bot.start({ timeout: 1 });
    const update = fake.textUpdate(42, 'hallo', 'nl');
    const sent = await fake.waitForCall((c) => c.method === 'sendMessage');
    expect(sent.params).toEqual({ chat_id: 42, text: 'echo hallo', reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'x' }]] } });
    await bot.stop();
    expect(fake.offsets.at(-1)).toBe(update.update_id + 1);
    expect(fake.sentTo(42)).toMatchObject([{ message_id: 2, text: 'echo hallo' }]);
  });

  it("parses grammY's multipart uploads", async () => {
    const bot = new Bot(fake.token, { client: { apiRoot: fake.url }, botInfo: fake.botInfo });
    const sent = await bot.api.sendVideoNote(42, new InputFile(Buffer.from('round video'), 'prompt.round.mp4'), { duration: 3 });
    expect(sent.video_note).toMatchObject({ file_id: expect.stringMatching(/^fid-/), duration: 3, file_size: 11 });
    expect(fake.calls.at(-1)?.files).toEqual({ video_note: { name: 'prompt.round.mp4', size: 11, type: 'application/octet-stream' } });
    const file = await bot.api.getFile(sent.video_note!.file_id);
    const bytes = await fetch(`${fake.url}/file/bot${fake.token}/${file.file_path}`).then((r) => r.arrayBuffer());
    expect(Buffer.from(bytes).toString()).toBe('round video');
  });
});
