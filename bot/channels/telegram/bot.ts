/**
 * The Telegram channel: a grammY bot that feeds the inbound handler by long polling or
 * by webhook, and delivers replies through {@link TelegramChannel}.
 *
 * Why nothing Telegram delivered is lost: with long polling, grammY handles a batch
 * one update at a time and confirms the batch (the next `getUpdates` offset) only after
 * every update's middleware finished — and our middleware finishes only once the message
 * is committed to the store. A process killed before that leaves the offset unconfirmed,
 * so Telegram delivers the update again and the inbox table drops it if it was stored.
 * With a webhook, the HTTP answer likewise waits for the commit; Telegram retries otherwise.
 *
 * Why one bad update does not block everyone: updates go through the inbound boundary,
 * which parks an update that keeps failing (and apologises), so it is confirmed like any
 * other. Only when the store cannot even park it does the process exit, unconfirmed.
 * @module
 */
import { jsonCalls } from './json-calls.ts';
import { autoRetry } from '@grammyjs/auto-retry';
import { Pacer, type SendPacer } from '../pacer.ts';
import { Bot, webhookCallback, type BotError, type Context } from 'grammy';
import { BatchPolling } from './polling.ts';
import type { LanguageCode, UserFromGetMe } from 'grammy/types';
import type { FastifyInstance } from 'fastify';
import type { i18n as I18n } from 'i18next';
import type { Logger } from 'pino';
import type { Store } from '../../../storage/store.ts';
import type { InboundReceiver } from '../boundary.ts';
import { ChannelError } from '../errors.ts';
import { StoreError } from '../../../storage/errors.ts';
import { toInbound } from './inbound.ts';
import { isReadableUpdate } from './shape.ts';
import { TelegramChannel } from './outbound.ts';
import { membershipChange } from './membership.ts';
import { isTelegramLanguage, registerDescriptions, type DescriptionOutcome } from './descriptions.ts';
import type { Delivery } from '../../delivery/outbox.ts';

export interface TelegramConfig {
  token: string;
  apiRoot: string;
  /** Messages per second over all chats; 0 = no pacing. */
  sendsPerSecond: number;
  webhook: { url: string; path: string; secret: string } | null;
}

export interface TelegramDeps {
  /** The inbound boundary (retries, dead letters) in front of the handler. */
  inbound: InboundReceiver;
  store: Store;
  i18n: I18n;
  log: Logger;
  /** Languages to register command descriptions and bot descriptions for. */
  languages: readonly string[];
  /** The survey's base language: the default (no language_code) bot description is in it. */
  defaultLanguage: string;
  /** Told when a my_chat_member update says a person blocked (or unblocked) the bot. */
  delivery: Pick<Delivery, 'unreachable' | 'reachable'>;
  /** Skips getMe (tests, or a known bot). */
  botInfo?: UserFromGetMe;
  /** The sending budget (bot/app.ts: shared by all processes in Redis); default: this process's own pacer at `sendsPerSecond`. */
  pacer?: SendPacer | null;
  /** Called when an update could neither be stored nor parked; the default exits so Telegram redelivers it. */
  onFatal?: (error: unknown) => void;
}

const COMMANDS = ['start', 'help', 'language', 'stop', 'delete'] as const;
/** my_chat_member tells us live when someone blocks or unblocks the bot. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

export class TelegramRuntime {
  readonly bot: Bot;
  readonly channel: TelegramChannel;
  private polling: Promise<void> | null = null;
  private poller: BatchPolling | null = null;
  private stopping = false;

  constructor(
    private readonly config: TelegramConfig,
    private readonly deps: TelegramDeps,
  ) {
    this.bot = new Bot(config.token, { client: { apiRoot: config.apiRoot }, ...(deps.botInfo ? { botInfo: deps.botInfo } : {}) });
    // JSON calls straight over node:http (json-calls.ts); installed first, so auto-retry wraps it.
    this.bot.api.config.use(jsonCalls(config.apiRoot, config.token));
    // 429s wait for retry_after; 5xx and network errors back off. Bounded, so a dead
    // API surfaces as an error instead of a hang.
    this.bot.api.config.use(autoRetry({ maxRetryAttempts: 8, maxDelaySeconds: 120 }));
    const pacer =
      deps.pacer !== undefined ? deps.pacer : config.sendsPerSecond > 0 ? new Pacer({ perChatGapMs: 0, perMinute: config.sendsPerSecond * 60 }) : null;
    this.channel = new TelegramChannel(this.bot.api, config.token.split(':')[0]!, deps.store, pacer);
    this.bot.use((ctx) => this.onUpdate(ctx));
    this.bot.catch((err) => this.onError(err));
  }

  private onError(err: BotError): void {
    const deps = this.deps;
    const e = err.error;
    if (e instanceof StoreError && e.code === 'unavailable') {
      deps.log.error({ err: e.message, update: err.ctx.update.update_id }, 'telegram update neither stored nor parked');
      (deps.onFatal ?? defaultFatal)(e);
      return;
    }
    // Only what the boundary never saw lands here (an update we could not read): log, confirm.
    deps.log.error(
      { layer: 'channel', code: e instanceof ChannelError ? e.code : 'unexpected', err: (e as Error)?.message, update: err.ctx.update.update_id },
      'telegram update dropped',
    );
  }

  private async onUpdate(ctx: Context): Promise<void> {
    const member = membershipChange(ctx.update);
    if (member) {
      // Awaited, like a message: the update is confirmed only once the mark is stored.
      if (member.change === 'blocked') await this.deps.delivery.unreachable('telegram', member.address, 'blocked');
      else await this.deps.delivery.reachable('telegram', member.address);
      return;
    }
    let msg: ReturnType<typeof toInbound>;
    try {
      msg = toInbound(ctx.update);
    } catch (e) {
      throw new ChannelError('unreadable', `telegram update ${ctx.update.update_id} could not be read: ${(e as Error).message}`, { cause: e });
    }
    // Not awaited: the toast is cosmetic and must not hold up the next update.
    if (ctx.update.callback_query) void this.acknowledge(ctx);
    if (!msg) {
      if (!isReadableUpdate(ctx.update)) this.deps.log.warn({ update: ctx.update.update_id }, 'malformed telegram update ignored');
      return;
    }
    await this.deps.inbound.receive(msg, { delivery: 'background' });
  }

  /**
   * Stops the spinner on the tapped button and shows the chosen label as a toast ("✓ Yes":
   * a symbol and the label the survey already translated). Best effort: failures are logged.
   *
   * The keyboard's message is not edited into the chosen answer. An edit counts toward
   * Telegram's limits like a send (about 30 a second per bot, one a second per chat), so
   * marking every tap would double the calls per answer and halve how many people can answer
   * at once; answering a callback query is no message and costs none of that budget. The
   * question stays in the chat as it was asked; a tap on an old keyboard gets a calm reply.
   * Where a tap redraws the same prompt (a toggled choice), the redraw itself is the edit
   * (see outbound.ts): that saves a send instead of costing one.
   */
  private async acknowledge(ctx: Context): Promise<void> {
    const q = ctx.update.callback_query!;
    try {
      const label = q.message?.reply_markup?.inline_keyboard.flat().find((b) => 'callback_data' in b && b.callback_data === q.data)?.text;
      await ctx.answerCallbackQuery(label ? { text: `✓ ${label}`.slice(0, 200) } : {});
    } catch (e) {
      this.deps.log.debug({ err: (e as Error).message }, 'could not answer the callback query');
    }
  }

  /** Registers /start, /help, … with descriptions in every survey language. Never fatal. */
  async registerCommands(): Promise<void> {
    const list = (lng: string) => COMMANDS.map((c) => ({ command: c, description: this.deps.i18n.t(`commands.${c}`, { lng, ns: 'bot' }).slice(0, 256) }));
    // Telegram takes two-letter ISO 639-1 codes only; Dari, Sorani, Kurmanji get the default set.
    for (const lng of ['', ...this.deps.languages.filter(isTelegramLanguage)]) {
      try {
        await this.bot.api.setMyCommands(list(lng || 'en'), lng ? { language_code: lng as LanguageCode } : {});
      } catch (e) {
        this.deps.log.warn({ lng: lng || 'default', err: (e as Error).message }, 'could not register bot commands');
      }
    }
  }

  /** Sets the bot's (short) description in every survey language, where it differs. Never fatal. */
  registerDescriptions(): Promise<DescriptionOutcome> {
    return registerDescriptions(this.bot.api, this.deps);
  }

  /** Serves the webhook on the app's HTTP server; Telegram's secret header is checked. */
  mountWebhook(server: FastifyInstance): void {
    const hook = this.config.webhook;
    if (!hook) return;
    server.post(hook.path, webhookCallback(this.bot, 'fastify', { secretToken: hook.secret }));
  }

  /** Starts receiving: sets the webhook, or starts long polling (after removing any webhook). */
  async start(): Promise<void> {
    await this.bot.init();
    void this.registerCommands()
      .then(() => this.registerDescriptions())
      .catch((e: Error) => this.deps.log.warn({ err: e.message }, 'could not set the telegram bot descriptions'));
    const hook = this.config.webhook;
    if (hook) {
      await this.bot.api.setWebhook(hook.url, { secret_token: hook.secret, allowed_updates: [...ALLOWED_UPDATES] });
      return;
    }
    // Removes any webhook itself before polling; handles each batch across chats at once.
    this.poller = new BatchPolling(this.bot, { allowedUpdates: ALLOWED_UPDATES, onError: (err) => this.onError(err) });
    this.polling = this.poller.run();
    this.polling.catch((e: Error) => {
      // stop() aborting a retry delay rejects the polling promise too; that is no failure.
      if (this.stopping) return;
      this.deps.log.error({ err: e.message }, 'telegram polling stopped');
      (this.deps.onFatal ?? defaultFatal)(e);
    });
  }

  /** Stops polling after the update in hand is stored. */
  async stop(): Promise<void> {
    if (!this.polling) return;
    this.stopping = true;
    await this.poller?.stop();
    await this.polling.catch(() => undefined);
    this.polling = null;
  }
}

function defaultFatal(): void {
  // Exit without confirming the update: a supervisor restarts us and Telegram redelivers it.
  process.exit(70);
}
