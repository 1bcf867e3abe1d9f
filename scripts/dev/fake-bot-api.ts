/**
 * A fake Telegram Bot API served over real HTTP on 127.0.0.1: the far side of the wire for
 * tests in which real grammY long-polls, sends, edits, uploads and downloads. It keeps the
 * state such tests look at: the update queue, the messages the bot sent per chat, files, and
 * every call received.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InlineKeyboardMarkup, Message, Update, User, UserFromGetMe } from '../../bot/channels/telegram/bot-api.ts';
import { parseBody, parseJson, type Upload } from './bot-api-body.ts';
import { FakeBotProfile, PROFILE_METHODS, type ProfileError } from './fake-bot-profile.ts';
import { TelegramLimits, type TelegramLimitOptions } from './bot-api-limits.ts';

type Call = { method: string; params: Record<string, unknown>; files: Record<string, { name: string; size: number; type: string }>; at: number };
type ApiError = { error_code: number; description: string; parameters?: { retry_after?: number } };
type Known = { file_id: string; file_unique_id: string; file_size: number; file_path: string; content: Buffer };

class Fail extends Error {
  constructor(readonly error: ApiError) {
    super(error.description);
  }
}
const bad = (what: string): Fail => new Fail({ error_code: 400, description: `Bad Request: ${what}` });

const MEDIA: Record<string, { field: 'voice' | 'video' | 'video_note' | 'audio' | 'photo' | 'document'; dir: string }> = {
  sendVoice: { field: 'voice', dir: 'voice' },
  sendVideo: { field: 'video', dir: 'videos' },
  sendVideoNote: { field: 'video_note', dir: 'video_notes' },
  sendAudio: { field: 'audio', dir: 'music' },
  sendPhoto: { field: 'photo', dir: 'photos' },
  sendDocument: { field: 'document', dir: 'documents' },
};
const ANSWER_TRUE = new Set(['setMyCommands', 'deleteMyCommands', 'setWebhook', 'setChatMenuButton', 'sendChatAction']);
const KNOWN = new Set([
  ...Object.keys(MEDIA),
  ...ANSWER_TRUE,
  'getMe',
  'getUpdates',
  'sendMessage',
  'answerCallbackQuery',
  'editMessageText',
  'editMessageReplyMarkup',
  'deleteWebhook',
  'getFile',
  ...PROFILE_METHODS,
]);
/** What Telegram answers a bot for a chat it cannot reach (see blockChat). */
const UNREACHABLE: Record<'blocked' | 'deactivated' | 'not_found', ApiError> = {
  blocked: { error_code: 403, description: 'Forbidden: bot was blocked by the user' },
  deactivated: { error_code: 403, description: 'Forbidden: user is deactivated' },
  not_found: { error_code: 400, description: 'Bad Request: chat not found' },
};
// Free text and file references stay strings in multipart/query params even when they look like numbers.
const CONFLICT: ApiError = {
  error_code: 409,
  description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
};

const now = (): number => Math.floor(Date.now() / 1000);
const privateChat = (id: number) => ({ id, type: 'private' as const, first_name: 'User' });
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

export class FakeBotApi {
  readonly botInfo: UserFromGetMe = {
    id: 123456,
    is_bot: true,
    first_name: 'Stemmen Test',
    username: 'stemmen_test_bot',
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
  /** Every API call received, in order: method, parsed params (JSON body, or multipart fields with JSON-looking values parsed), uploaded files. */
  readonly calls: Call[] = [];
  /** The offset of every getUpdates call, in order; updates below an offset were confirmed and dropped. */
  readonly offsets: number[] = [];
  /** Number of 429 answers given. */
  rateLimited = 0;
  /** Milliseconds added before answering every call but getUpdates: a real round trip to Telegram (load benches). */
  delayMs = 0;
  /** The bot's descriptions and short descriptions per language, as set through the API. */
  readonly profile = new FakeBotProfile();

  private queue: Update[] = [];
  private lastUpdateId = 0;
  private counter = 0;
  private readonly messageIds = new Map<number, number>();
  private readonly sent = new Map<number, Message[]>();
  private readonly files = new Map<string, Known>();
  private readonly openQueries = new Set<string>();
  private readonly failures: Array<{ method: string; error: ApiError; left: number }> = [];
  private readonly unreachable = new Map<number, ApiError>();
  private perSecond: number | null = null;
  private sendTimes: number[] = [];
  private readonly pollers = new Set<(why: 'update' | 'conflict' | 'close') => void>();
  private readonly waiters = new Set<(call: Call | null) => void>();

  /** Called right after a getUpdates answer carrying updates was written. */
  onServe: ((updates: Update[]) => void) | null = null;
  /** Called for every message the bot sent or edited (load generators react to it without polling `sentTo`). */
  onMessage: ((chatId: number, message: Message, how: 'sent' | 'edited') => void) | null = null;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly token: string,
  ) {}

  static async start(opts: { token?: string } = {}): Promise<FakeBotApi> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const fake = new FakeBotApi(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, opts.token ?? '123456:TEST-token');
    server.on('request', (req, res) => void fake.handle(req, res));
    return fake;
  }

  /** Queue an update for getUpdates; assigns update_id = previous + 1 unless given. */
  pushUpdate(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
    const full: Update = { ...update, update_id: update.update_id ?? this.lastUpdateId + 1 };
    this.lastUpdateId = Math.max(this.lastUpdateId, full.update_id);
    this.queue.push(full);
    this.queue.sort((a, b) => a.update_id - b.update_id);
    if (full.callback_query) this.openQueries.add(full.callback_query.id);
    for (const poller of [...this.pollers]) poller('update');
    return full;
  }

  /** Pushes a private text message; a leading /command gets its bot_command entity, as Telegram adds it. */
  textUpdate(userId: number, text: string, lang?: string): Update {
    const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?/.exec(text);
    return this.messageUpdate(userId, { text, ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}) }, lang);
  }

  /** Pushes a button press on the bot's message `messageId` in the user's chat (as stored, or a minimal one). */
  callbackUpdate(userId: number, data: string, messageId: number, lang?: string): Update {
    const stored = this.sent.get(userId)?.find((m) => m.message_id === messageId);
    const message: Message = stored ? structuredClone(stored) : { message_id: messageId, date: now(), chat: privateChat(userId), from: this.botUser() };
    const id = `${userId}${String(++this.counter).padStart(6, '0')}`;
    return this.pushUpdate({ callback_query: { id, from: this.user(userId, lang), chat_instance: `ci-${userId}`, data, message } });
  }

  /**
   * Pushes any kind of private message (voice, sticker, location…): `extra` merged into a base
   * message. Message ids count per chat and are shared with the bot's own messages, as in Telegram.
   */
  messageUpdate(userId: number, extra: Partial<Message>, lang?: string): Update {
    const base = { message_id: this.nextMessageId(userId), date: now(), chat: privateChat(userId), from: this.user(userId, lang) };
    return this.pushUpdate({ message: { ...base, ...extra } as NonNullable<Update['message']> });
  }

  /**
   * Pushes a my_chat_member update for the user's private chat: `kicked` when they block the
   * bot, `member` when they unblock it. Call {@link blockChat} too for the sends to fail.
   */
  chatMemberUpdate(userId: number, status: 'kicked' | 'member'): Update {
    const member = { status: 'member' as const, user: this.botUser() };
    const kicked = { status: 'kicked' as const, user: this.botUser(), until_date: 0 };
    return this.pushUpdate({
      my_chat_member: {
        chat: privateChat(userId),
        from: this.user(userId, undefined),
        date: now(),
        old_chat_member: status === 'kicked' ? member : kicked,
        new_chat_member: status === 'kicked' ? kicked : member,
      },
    });
  }

  /** Every call naming this chat_id fails as Telegram answers a blocked user, a deleted account or an unknown chat, until unblockChat. */
  blockChat(chatId: number, why: keyof typeof UNREACHABLE = 'blocked'): void {
    this.unreachable.set(chatId, UNREACHABLE[why]);
  }

  unblockChat(chatId: number): void {
    this.unreachable.delete(chatId);
  }

  /** Respond to the next `times` calls of `method` with this error. */
  failNext(method: string, error: ApiError, times = 1): void {
    this.failures.push({ method, error, left: times });
  }

  /** At most `perSecond` send and edit calls in any sliding second; beyond that, 429. null = off. */
  setRateLimit(perSecond: number | null): void {
    this.perSecond = perSecond;
    this.sendTimes = [];
  }

  /** Telegram's limits, when enforced (see {@link enforceTelegramLimits}). */
  limits: TelegramLimits | null = null;

  /**
   * Enforces Telegram's sending limits: 30 sends and edits a second per bot and 1 a second
   * per chat by default, 429 with `retry_after` beyond either; `limits` counts what it refused.
   */
  enforceTelegramLimits(options: TelegramLimitOptions = { perSecond: 30, perChatPerSecond: 1 }): TelegramLimits {
    this.limits = new TelegramLimits(options);
    return this.limits;
  }

  /** Resolves with the first call matching `pred` at index ≥ `since`, received already or later. */
  waitForCall(pred: (c: Call) => boolean, opts: { since?: number; timeoutMs?: number } = {}): Promise<Call> {
    const found = this.calls.slice(opts.since ?? 0).find(pred);
    if (found) return Promise.resolve(found);
    const ms = opts.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const done = (outcome: Call | Error): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        return outcome instanceof Error ? reject(outcome) : resolve(outcome);
      };
      const waiter = (call: Call | null): void => {
        try {
          if (!call) throw new Error('FakeBotApi closed while waiting for a call');
          if (pred(call)) done(call);
        } catch (e) {
          done(e as Error);
        }
      };
      const timer = setTimeout(() => done(new Error(`waitForCall: no matching call within ${ms} ms. Last calls:\n${this.describeCalls()}`)), ms);
      this.waiters.add(waiter);
    });
  }

  /** Messages the bot sent to this chat (text and media), in order, with edits applied. */
  sentTo(chatId: number): Message[] {
    return structuredClone(this.sent.get(chatId) ?? []);
  }

  /** Register downloadable file content. */
  addFile(content: Buffer, filePath?: string): { file_id: string; file_unique_id: string; file_path: string; file_size: number } {
    const { file_id, file_unique_id, file_path, file_size } = this.register(content, filePath ?? `documents/file_${this.counter + 1}`);
    return { file_id, file_unique_id, file_path, file_size };
  }

  async close(): Promise<void> {
    for (const poller of [...this.pollers]) poller('close');
    for (const waiter of [...this.waiters]) waiter(null);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.url);
      const download = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname);
      const api = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
      if (!download && !api) return this.error(res, { error_code: 404, description: 'Not Found' });
      if ((download ?? api)![1] !== this.token) return this.error(res, { error_code: 401, description: 'Unauthorized' });
      if (download) {
        const path = decodeURIComponent(download[2]!);
        const file = [...this.files.values()].find((f) => f.file_path === path);
        this.calls.push({ method: 'download', params: { file_path: path }, files: {}, at: Date.now() });
        if (!file) return this.error(res, { error_code: 404, description: 'Not Found' });
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.content.length }).end(file.content);
        return;
      }
      const method = api![2]!;
      let body: { params: Record<string, unknown>; uploads: Record<string, Upload> };
      try {
        body = await parseBody(req, url);
      } catch {
        return this.error(res, { error_code: 400, description: "Bad Request: can't parse request body" });
      }
      const call: Call = { method, params: body.params, files: {}, at: Date.now() };
      for (const [part, up] of Object.entries(body.uploads)) {
        const param = Object.keys(body.params).find((k) => body.params[k] === `attach://${part}`) ?? part;
        call.files[param] = { name: up.name, size: up.size, type: up.type };
      }
      this.calls.push(call);
      try {
        if (!KNOWN.has(method)) throw new Fail({ error_code: 404, description: 'Not Found: method not found' });
        this.gate(method, body.params);
        this.limit(method, body.params);
        if (method === 'getUpdates') this.poll(body.params, res);
        else {
          const result = this.run(method, body.params, body.uploads);
          // The round trip back: the call took effect, the bot learns so only later.
          if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
          json(res, 200, { ok: true, result });
        }
      } catch (e) {
        if (!(e instanceof Fail)) throw e;
        this.error(res, e.error);
      }
      for (const waiter of [...this.waiters]) waiter(call);
    } catch (e) {
      json(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  private error(res: ServerResponse, error: ApiError): void {
    if (error.error_code === 429) this.rateLimited++;
    json(res, error.error_code, { ok: false, ...error });
  }

  private gate(method: string, params: Record<string, unknown>): void {
    const blocked = this.unreachable.get(num(params.chat_id) ?? Number.NaN);
    if (blocked) throw new Fail(blocked);
    const failure = this.failures.find((f) => f.method === method);
    if (failure) {
      if (--failure.left <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      throw new Fail(failure.error);
    }
    if (this.perSecond === null || !/^(send|edit)/.test(method) || method === 'sendChatAction') return;
    const t = Date.now();
    this.sendTimes = this.sendTimes.filter((s) => s > t - 1000);
    if (this.sendTimes.length >= this.perSecond) {
      const retry = Math.max(1, Math.ceil((this.sendTimes[0]! + 1000 - t) / 1000));
      throw new Fail({ error_code: 429, description: `Too Many Requests: retry after ${retry}`, parameters: { retry_after: retry } });
    }
    this.sendTimes.push(t);
  }

  private limit(method: string, params: Record<string, unknown>): void {
    const refusal = this.limits?.check(method, params);
    if (refusal) throw new Fail(refusal);
  }

  private poll(p: Record<string, unknown>, res: ServerResponse): void {
    const offset = num(p.offset) ?? 0;
    const limit = Math.min(100, Math.max(1, num(p.limit) ?? 100));
    const timeout = num(p.timeout) ?? 0;
    this.offsets.push(offset);
    this.queue = offset < 0 ? this.queue.slice(offset) : this.queue.filter((u) => u.update_id >= offset);
    for (const older of [...this.pollers]) older('conflict');
    const take = (): Update[] => this.queue.filter((u) => u.update_id >= offset).slice(0, limit);
    const ready = take();
    if (ready.length || timeout <= 0) return this.serve(res, ready);
    const finish = (answer: () => void): void => {
      clearTimeout(timer);
      this.pollers.delete(poller);
      answer();
    };
    const poller = (why: 'update' | 'conflict' | 'close'): void => {
      const updates = take();
      if (why === 'update' && !updates.length) return;
      finish(() => (why === 'conflict' ? this.error(res, CONFLICT) : this.serve(res, why === 'close' ? [] : updates)));
    };
    const timer = setTimeout(() => finish(() => this.serve(res, take())), timeout * 1000);
    this.pollers.add(poller);
    // The client may abort a long poll (grammY does on bot.stop()).
    res.on('close', () => finish(() => {}));
  }

  /** Answers a getUpdates call and tells `onServe` (tests that kill the bot right then). */
  private serve(res: ServerResponse, updates: Update[]): void {
    json(res, 200, { ok: true, result: updates });
    if (updates.length) this.onServe?.(updates);
  }

  private run(method: string, p: Record<string, unknown>, uploads: Record<string, Upload>): unknown {
    switch (method) {
      case 'getMe':
        return this.botInfo;
      case 'sendMessage':
        return this.post(chatId(p), { text: textParam(p.text) }, p);
      case 'editMessageText':
      case 'editMessageReplyMarkup':
        return this.edit(method, p);
      case 'answerCallbackQuery':
        if (!this.openQueries.delete(String(p.callback_query_id))) throw bad('query is too old and response timeout expired or query ID is invalid');
        return true;
      case 'deleteWebhook':
        if (p.drop_pending_updates === true) this.queue = [];
        return true;
      case 'getFile': {
        const f = this.files.get(String(p.file_id));
        if (!f) throw bad('invalid file_id');
        return { file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.file_size, file_path: f.file_path };
      }
      default:
        if (PROFILE_METHODS.includes(method)) return this.profileCall(method, p);
        return method in MEDIA ? this.sendMedia(method, p, uploads) : true;
    }
  }

  private profileCall(method: string, p: Record<string, unknown>): unknown {
    try {
      return this.profile.run(method, p);
    } catch (e) {
      throw new Fail(e as ProfileError);
    }
  }

  private sendMedia(method: string, p: Record<string, unknown>, uploads: Record<string, Upload>): Message {
    const { field, dir } = MEDIA[method]!;
    const chat = chatId(p);
    const ref = p[field];
    const up = typeof ref === 'string' && ref.startsWith('attach://') ? uploads[ref.slice('attach://'.length)] : uploads[field];
    let file: Known | undefined;
    if (up) file = this.register(up.content, `${dir}/file_${this.counter + 1}${/\.[A-Za-z0-9]+$/.exec(up.name)?.[0] ?? ''}`);
    else if (typeof ref === 'string' && ref !== '') file = this.files.get(ref);
    else throw bad(`there is no ${field} in the request`);
    if (!file) throw bad('wrong file identifier/HTTP URL specified');
    const base = { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size };
    const duration = num(p.duration) ?? 0;
    const content: Partial<Message> =
      field === 'voice'
        ? { voice: { ...base, duration, mime_type: 'audio/ogg' } }
        : field === 'video'
          ? { video: { ...base, width: num(p.width) ?? 0, height: num(p.height) ?? 0, duration, mime_type: 'video/mp4' } }
          : field === 'video_note'
            ? { video_note: { ...base, length: num(p.length) ?? 240, duration } }
            : field === 'audio'
              ? { audio: { ...base, duration, mime_type: 'audio/mpeg', ...(up ? { file_name: up.name } : {}) } }
              : field === 'photo'
                ? { photo: [{ ...base, width: 800, height: 600 }] }
                : { document: { ...base, mime_type: up?.type || 'application/octet-stream', ...(up ? { file_name: up.name } : {}) } };
    if (p.caption !== undefined && p.caption !== '') {
      if (String(p.caption).length > 1024) throw bad('message caption is too long');
      content.caption = String(p.caption);
    }
    return this.post(chat, content, p);
  }

  private post(chat: number, content: Partial<Message>, p: Record<string, unknown>): Message {
    const markup = inlineMarkup(p.reply_markup);
    const message: Message = {
      message_id: this.nextMessageId(chat),
      date: now(),
      chat: privateChat(chat),
      from: this.botUser(),
      ...content,
      ...(markup ? { reply_markup: markup } : {}),
    };
    this.sent.set(chat, [...(this.sent.get(chat) ?? []), message]);
    this.onMessage?.(chat, message, 'sent');
    return structuredClone(message);
  }

  private edit(method: string, p: Record<string, unknown>): Message {
    const list = this.sent.get(chatId(p)) ?? [];
    const index = list.findIndex((m) => m.message_id === num(p.message_id));
    const old = list[index];
    if (!old) throw bad('message to edit not found');
    const next: Message = { ...old };
    if (method === 'editMessageText') {
      if (old.text === undefined) throw bad('there is no text in the message to edit');
      next.text = textParam(p.text);
    }
    // Like Telegram, an edit without reply_markup removes the inline keyboard.
    const markup = inlineMarkup(p.reply_markup);
    delete next.reply_markup;
    if (markup) next.reply_markup = markup;
    if (next.text === old.text && JSON.stringify(next.reply_markup) === JSON.stringify(old.reply_markup)) {
      throw bad(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    next.edit_date = now();
    list[index] = next;
    this.onMessage?.(chatId(p), next, 'edited');
    return structuredClone(next);
  }

  private register(content: Buffer, filePath: string): Known {
    const n = ++this.counter;
    const file = { file_id: `fid-${n}`, file_unique_id: `ufid-${n}`, file_size: content.length, file_path: filePath, content };
    this.files.set(file.file_id, file);
    return file;
  }

  private nextMessageId(chat: number): number {
    const id = (this.messageIds.get(chat) ?? 0) + 1;
    this.messageIds.set(chat, id);
    return id;
  }

  private botUser(): User {
    return { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username };
  }

  private user(id: number, lang: string | undefined): User {
    return { id, is_bot: false, first_name: 'User', ...(lang ? { language_code: lang } : {}) };
  }

  private describeCalls(): string {
    return (
      this.calls
        .slice(-10)
        .map((c, i) => `  #${this.calls.length - Math.min(10, this.calls.length) + i} ${c.method} ${JSON.stringify(c.params).slice(0, 200)}`)
        .join('\n') || '  (none)'
    );
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function chatId(p: Record<string, unknown>): number {
  if (p.chat_id === undefined || p.chat_id === '') throw bad('chat_id is empty');
  const id = num(p.chat_id);
  if (id === undefined) throw bad('chat not found');
  return id;
}

function textParam(v: unknown): string {
  const text = v === undefined || v === null ? '' : String(v);
  if (!text.trim()) throw bad('message text is empty');
  if (text.length > 4096) throw bad('message is too long');
  return text;
}

/** The inline keyboard of a reply_markup (object or JSON string), validated; other markups are not part of a Message. */
function inlineMarkup(v: unknown): InlineKeyboardMarkup | undefined {
  const markup = typeof v === 'string' ? parseJson(v) : v;
  if (typeof v === 'string' && markup === undefined) throw bad("can't parse reply keyboard markup JSON object");
  const rows = (markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard;
  if (!Array.isArray(rows)) return undefined;
  for (const button of rows.flat() as Array<Record<string, unknown> | null>) {
    const data = button?.callback_data;
    if (data !== undefined && (typeof data !== 'string' || Buffer.byteLength(data) < 1 || Buffer.byteLength(data) > 64)) throw bad('BUTTON_DATA_INVALID');
  }
  return { inline_keyboard: rows } as InlineKeyboardMarkup;
}
