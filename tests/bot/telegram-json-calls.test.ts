import { createServer, type Server } from 'node:http';
import { Api, GrammyError, HttpError, InputFile } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonCalls } from '../../bot/channels/telegram/json-calls.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';

let fake: FakeBotApi;
beforeEach(async () => {
  fake = await FakeBotApi.start();
});
afterEach(async () => {
  await fake.close();
});

/** An Api as the runtime builds it: the JSON transformer innermost. */
const api = (root: string, token = fake.token) => {
  const a = new Api(token, { apiRoot: root });
  a.config.use(jsonCalls(root, token));
  return a;
};

/** A local server that answers every request with `body` and `status`. */
async function answering(status: number, body: string): Promise<{ url: string; close(): Promise<void> }> {
  const srv: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': 'text/html' }).end(body));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => srv.close(() => r())) };
}

describe('Telegram JSON calls over node:http', () => {
  it('sends the payload as JSON without null fields and returns the result', async () => {
    const sent = await api(fake.url).sendMessage(42, 'Hello', { reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'y' }]] } });
    expect(sent.chat.id).toBe(42);
    const call = fake.calls.find((c) => c.method === 'sendMessage')!;
    expect(call.params).toMatchObject({ chat_id: 42, text: 'Hello', reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'y' }]] } });
  });

  it("passes Telegram's refusals on as GrammyError (ok: false reaches grammY)", async () => {
    fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' });
    const e = await api(fake.url)
      .sendMessage(42, 'Hello')
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GrammyError);
    expect((e as GrammyError).error_code).toBe(400);
  });

  it('turns an answer that is no JSON (a proxy error page) into HttpError naming the status', async () => {
    const proxy = await answering(502, '<html>Bad Gateway</html>');
    try {
      const e = await api(proxy.url)
        .getMe()
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(HttpError);
      expect((e as HttpError).message).toBe("Network request for 'getMe' failed! (502: Bad Gateway)");
    } finally {
      await proxy.close();
    }
  });

  it('turns a refused connection and an aborted call into HttpError', async () => {
    const closed = await answering(200, '{}');
    await closed.close();
    expect(
      await api(closed.url)
        .getMe()
        .catch((x: unknown) => x),
    ).toBeInstanceOf(HttpError);
    const abort = new AbortController();
    fake.delayMs = 5_000;
    const pending = api(fake.url)
      .getMe(abort.signal as never)
      .catch((x: unknown) => x);
    abort.abort();
    expect(await pending).toBeInstanceOf(HttpError);
  });

  it("leaves file uploads to grammY's multipart path", async () => {
    const sent = await api(fake.url).sendAudio(42, new InputFile(Buffer.from('ID3 not really audio'), 'q1.mp3'));
    expect(sent.chat.id).toBe(42);
    expect(fake.calls.some((c) => c.method === 'sendAudio')).toBe(true);
  });
});
