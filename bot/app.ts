/**
 * The composition root: the only place that builds concrete store, channels and server.
 * @module
 */
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { openMigrated, type Db } from '../storage/database.ts';
import { loadOrCreateSecret, Pseudonymizer } from '../storage/pseudonym.ts';
import { Store } from '../storage/store.ts';
import { SENT_MESSAGE_TTL_MS } from '../storage/sent-messages.ts';
import type { ChannelPort, InboundMessage } from './channels/port.ts';
import { InboundBoundary } from './channels/boundary.ts';
import { DeadLetters } from '../storage/dead-letters.ts';
import { InboundHandler, type InboundInterceptor, type SurveyEntry } from './conversation/handler.ts';
import { createI18n, readLocales } from './i18n.ts';
import { Renderer } from './conversation/render.ts';
import { loadSurveyFile } from './conversation/survey-files.ts';
import type { RouteList } from './web/dashboard/index.ts';
import { createWebServer, type WebServer } from './web/server.ts';
import { rsvpInterceptor } from './conversation/followup/rsvp.ts';
import { createBankPilot } from './conversation/bank-pilot.ts';
import { PilotSurveys } from './conversation/pilot-surveys.ts';
import { PilotRepository } from '../storage/pilots.ts';
import { ReminderRepository } from '../storage/reminders.ts';
import { ReminderQueue } from '../workers/reminders.ts';
import { CampaignQueue } from '../workers/campaigns.ts';
import { queuePlanned } from './campaign-plans.ts';
import { phoneRegion } from './phone.ts';
import { CampaignRepository } from '../storage/campaigns.ts';
import { reminderDue, ReminderService } from './conversation/reminders.ts';
import { TryitChannel } from './channels/tryit/channel.ts';
import { registerTryit } from './channels/tryit/routes.ts';
import { TelegramRuntime } from './channels/telegram/bot.ts';
import type { WhatsAppRuntime } from './channels/whatsapp/runtime.ts';
import type { SocketOptions, WhatsAppSocket } from './channels/whatsapp/connection.ts';
import type { VersionSource } from './channels/whatsapp/version.ts';
import type { AuthenticationState } from './channels/whatsapp/baileys-types.ts';
import type { UserFromGetMe } from './channels/telegram/bot-api.ts';
import { createMedia, type MediaOptions, type MediaRuntime } from '../workers/main.ts';
import { connectRateLimitRedis } from '../workers/redis.ts';
import { TRYIT_PAGE } from './channels/tryit/page.ts';
import { mediaSettings } from './media-settings.ts';
import { Delivery } from './delivery/outbox.ts';
import { stepApplier } from './conversation/apply-step.ts';
import { mediaRejectionNotifier } from './conversation/media-notes.ts';
import { SendBudgets } from './send-budget.ts';
import { CLOUD_WEBHOOK_PATH, createWhatsAppCloud, type WhatsAppCloudRuntime } from './channels/whatsapp-cloud/runtime.ts';

export interface App {
  config: Config;
  db: Db;
  store: Store;
  handler: InboundHandler;
  /** The one owner of outbound delivery (outbox writes, flushes, the retry timer). */
  delivery: Delivery;
  server: WebServer;
  log: Logger;
  tryit: TryitChannel;
  telegram: TelegramRuntime | null;
  whatsapp: WhatsAppRuntime | null;
  /** WHATSAPP_MODE=cloud: the Cloud API channel (then `whatsapp` is null). */
  whatsappCloud: WhatsAppCloudRuntime | null;
  media: MediaRuntime;
  /** Planned reminders (delayed jobs) and their worker. */
  reminders: ReminderQueue;
  /** Invitations and results messages planned by `stemmen pilot invite` / `share-results`, sent from here. */
  campaigns: CampaignQueue;
  /** Every HTTP route (method, url pattern), to prove each one is behind the dashboard gate. */
  routes: RouteList;
  /** Starts listening; resolves with the URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** How long the traces of someone who never answered the consent question are kept. */
export const UNCONSENTED_TTL_MS = 24 * 60 * 60 * 1000;

/** How often undelivered replies are retried. */
export const OUTBOX_RETRY_MS = 30_000;

export { MigrationError } from '../storage/database.ts';

export interface AppOptions {
  logger?: Logger;
  /** Extra channel ports (tests, embedding); the try-it channel is added from config. */
  channels?: ChannelPort[];
  /** Telegram bot identity, to skip getMe (tests). */
  telegramBotInfo?: UserFromGetMe;
  /** Builds the WhatsApp socket (tests pass a fake whose events they drive). */
  makeWhatsAppSocket?: (auth: AuthenticationState, options: SocketOptions) => WhatsAppSocket;
  /** Where the WhatsApp Web version comes from (tests: never the internet); null: Baileys' built-in one. */
  whatsappVersion?: VersionSource | null;
  /** What to do when an update can neither be stored nor parked (the store is gone); default: exit so it is redelivered. */
  onFatal?: (error: unknown) => void;
  /**
   * Test seam: called inside each inbound message's transaction, before the engine. Throw to
   * make that message fail (for one respondent only, say) and watch the error boundary.
   */
  inboundFault?: (msg: InboundMessage) => void;
  /** First backoff of the inbound boundary's retries, in ms (tests: 0). */
  inboundBackoffMs?: number;
  /** Cloud API rate-limit back-off (tests: short waits). */
  cloudBackoff?: { initialMs: number; retries: number };
  /** Media pipeline options (tests: loopback WhatsApp media host, fast sweeps). */
  media?: MediaOptions & { sweepAfterMs?: number; sweepEveryMs?: number };
  now?: () => Date;
  newId?: () => string;
}

/** The interceptor with the test seam's fault injected before it. */
function faulty(intercept: InboundInterceptor, fault: AppOptions['inboundFault']): InboundInterceptor {
  if (!fault) return intercept;
  return async (tx, msg, respondentId, now) => {
    fault(msg);
    return intercept(tx, msg, respondentId, now);
  };
}

/** Builds the whole app from config: store (migrated), locales, surveys, handler, HTTP server. */
export async function createApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const log = opts.logger ?? pino({ level: config.logLevel });
  const loaded = loadSurveyFile(config.surveyFile, readLocales(config.localesDir));
  // The default survey's own texts (a locales/ folder beside its file) are laid over the project's.
  const locales = loaded.locales;
  const i18n = createI18n(locales);
  for (const w of loaded.warnings) log.warn({ survey: loaded.survey.id }, `${w.file}:${w.line}:${w.column} ${w.path}: ${w.message}`);

  const db = await openMigrated(config);
  const store = new Store(db);
  const now = opts.now ?? (() => new Date());
  await store.pilots.ensure(config.defaultPilot, 'Default pilot', loaded.survey.id, loaded.survey.version, now().toISOString());

  const surveys = new Map<string, SurveyEntry>([[loaded.survey.id, { survey: loaded.survey, resolveMedia: loaded.resolveMedia }]]);
  const pilotSurveys = new PilotSurveys(surveys, i18n, config.localesDir, log, config.surveyFile);
  for (const p of await new PilotRepository(db).list()) if (p.surveyFile !== null) pilotSurveys.load(p);
  const tryit = new TryitChannel();
  const channels = new Map<string, ChannelPort>(config.tryitEnabled ? [['tryit', tryit]] : []);
  for (const c of opts.channels ?? []) channels.set(c.name, c);
  const pseudonyms = new Pseudonymizer(loadOrCreateSecret(config.secretFile));
  const renderer = new Renderer(i18n);
  const newId = opts.newId ?? randomUUID;
  // Built first: every writer of the outbox (replies, reminders, media notes, campaigns, invitations) gets this one.
  const delivery = new Delivery({ store, channels, log, now });
  const { sweepAfterMs, sweepEveryMs, ...mediaOpts } = opts.media ?? {};
  const settings = mediaSettings(config, { ...(sweepAfterMs !== undefined ? { sweepAfterMs } : {}), ...(sweepEveryMs !== undefined ? { sweepEveryMs } : {}) });
  const notify = mediaRejectionNotifier({ store, renderer, limits: settings.media, delivery, log, now, newId });
  const media = await createMedia(settings, { db, notify, now, log }, mediaOpts);
  // One job per session and step; the worker runs here because reminders are rendered with this process's surveys and locales.
  const reminders = new ReminderQueue(config.redis, { sweepMs: config.reminderSweepMs, log, worker: true });
  const handler = new InboundHandler({
    store,
    pseudonyms,
    i18n,
    renderer,
    delivery,
    media: media.port,
    surveys,
    loadPilotSurvey: (p) => pilotSurveys.load(p),
    defaultPilot: config.defaultPilot,
    log,
    intercept: faulty(rsvpInterceptor({ i18n, newId }), opts.inboundFault),
    reminderDue: reminderDue(config.reminders),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.newId ? { newId: opts.newId } : {}),
  });

  // Both chat channels hand messages to this boundary: retries, dead letters, the apology.
  const inbound = new InboundBoundary({
    handler,
    delivery,
    deadLetters: new DeadLetters(store),
    pseudonyms,
    renderer,
    log,
    now,
    newId,
    languages: loaded.survey.languages,
    defaultLanguage: loaded.survey.defaultLanguage,
    maxAttempts: config.inboundMaxAttempts,
    ...(opts.inboundBackoffMs !== undefined ? { backoffMs: opts.inboundBackoffMs } : {}),
  });
  // One sending budget per channel over all processes; campaign messages yield to conversations.
  const budgets = new SendBudgets({ redis: config.redis, campaignShare: config.campaignShare, chatKey: (c, a) => pseudonyms.paceKey(c, a), log });
  const telegram = config.telegram
    ? new TelegramRuntime(config.telegram, {
        pacer: config.telegram.sendsPerSecond > 0 ? budgets.for('telegram', { perChatGapMs: 0, perMinute: config.telegram.sendsPerSecond * 60 }) : null,
        inbound,
        store,
        i18n,
        log,
        languages: loaded.survey.languages,
        defaultLanguage: loaded.survey.defaultLanguage,
        delivery,
        ...(opts.telegramBotInfo ? { botInfo: opts.telegramBotInfo } : {}),
        ...(opts.onFatal ? { onFatal: opts.onFatal } : {}),
      })
    : null;
  if (telegram) channels.set('telegram', telegram.channel);
  // Loaded only when enabled: Baileys and its crypto/media dependencies are heavy to import.
  const wa = config.whatsapp ? await import('./channels/whatsapp/runtime.ts') : null;
  const whatsapp =
    wa && config.whatsapp
      ? await wa.createWhatsApp(config.whatsapp, {
          db,
          store,
          handler,
          inbound,
          delivery,
          pseudonyms,
          i18n,
          log,
          pacer: budgets.for('whatsapp', { perChatGapMs: config.whatsapp.chatGapMs, perMinute: config.whatsapp.perMinute }),
          ...(opts.makeWhatsAppSocket ? { makeSocket: opts.makeWhatsAppSocket } : {}),
          ...(opts.whatsappVersion !== undefined ? { version: opts.whatsappVersion } : {}),
        })
      : null;
  if (whatsapp) channels.set('whatsapp', whatsapp.channel);
  const whatsappCloud = config.whatsappCloud
    ? createWhatsAppCloud(config.whatsappCloud, {
        db,
        store,
        inbound,
        pseudonyms,
        i18n,
        log,
        // Meta paces per business number; a person gets bursts (a 131056 answer backs off).
        pacer:
          config.whatsappCloud.sendsPerSecond > 0
            ? budgets.for('whatsapp', { perChatGapMs: 0, perMinute: config.whatsappCloud.sendsPerSecond * 60 })
            : { wait: async () => undefined },
        ...(opts.now ? { now: opts.now } : {}),
        ...(opts.cloudBackoff ? { backoff: opts.cloudBackoff } : {}),
      })
    : null;
  if (whatsappCloud) channels.set('whatsapp', whatsappCloud.channel);
  const reminderService = new ReminderService({
    repo: new ReminderRepository(db, (c, a) => pseudonyms.suppressionKey(c, a)),
    surveys,
    renderer,
    settings: config.reminders,
    delivery,
    applyStep: stepApplier({ renderer, outbox: delivery, newId, reminderDue: reminderDue(config.reminders) }),
    log,
    now,
    newId,
  });
  await reminders.start(() => reminderService.sweep());
  const campaignRepo = new CampaignRepository(db, (c, a) => pseudonyms.suppressionKey(c, a));
  const campaigns = new CampaignQueue(config.redis, log);
  campaigns.start(async (job) => {
    const r = await campaignRepo.send(job.campaignId, job.targetKey, now().toISOString(), newId, delivery);
    if (r.outcome === 'sent') await delivery.flush(r.channel, r.address);
    return r.outcome;
  }, config.campaignPerMinute);

  // Shared by every bot process, so a load balancer spreading requests does not multiply the budget.
  const limiterRedis =
    config.http.rateLimitStore === 'redis'
      ? await connectRateLimitRedis(config.redis.url, (e) => log.warn({ err: e.message }, 'rate-limit Redis problem; requests pass unlimited meanwhile'))
      : null;
  const { server, routes } = await createWebServer({
    log,
    queues: [...media.queues.all(), reminders.queue, campaigns.queue],
    http: { trustProxy: config.http.trustProxy, rateLimits: config.http.rateLimits, rateLimitNameSpace: `${config.redis.prefix}:ratelimit:` },
    rateLimitRedis: limiterRedis,
    inlinePages: config.tryitEnabled ? [TRYIT_PAGE] : [],
    dashboard: {
      db,
      store,
      i18n,
      delivery,
      surveys,
      now,
      newId,
      mediaDir: config.media.dir,
      createPilot: (r) =>
        createBankPilot({ db, localesDir: config.localesDir, surveysDir: join(config.dataDir, 'surveys'), register: (p) => void pilotSurveys.load(p) }, r),
      builder: {
        dataDir: config.dataDir,
        localesDir: config.localesDir,
        loadPilotSurvey: (p) => pilotSurveys.load(p),
        queueCampaign: (id) => queuePlanned(campaigns, campaignRepo, id, config.redis.url),
        renderer,
        inviteKey: (digits) => pseudonyms.respondentId('invite', digits),
        region: phoneRegion(config.phoneDefaultRegion) ?? 'NL',
        telegramBot: async () => {
          if (!telegram) return null;
          try {
            await telegram.bot.init();
            return telegram.bot.botInfo.username;
          } catch {
            return null;
          }
        },
        whatsappDigits: config.whatsapp?.pairingNumber ?? null,
      },
      suppressionKey: (c, a) => pseudonyms.suppressionKey(c, a),
      rule: { redShare: config.dashboard.redShare, greenShare: config.dashboard.greenShare, minRespondents: config.dashboard.minRespondents },
    },
    gate: {
      publicRoutes: [
        '/try',
        '/try/:code',
        '/try/api/messages',
        '/try/api/media',
        '/try/api/prompts/:id',
        ...(config.telegram?.webhook ? [config.telegram.webhook.path] : []),
        ...(whatsappCloud ? [CLOUD_WEBHOOK_PATH] : []),
      ],
      secureCookie: config.dashboard.secureCookie,
      sessionHours: config.dashboard.sessionHours,
      maxLoginFailures: config.dashboard.maxLoginFailures,
      publicOrigin: config.http.publicOrigin,
    },
    mounts: [
      ...(config.tryitEnabled ? [(s: WebServer) => registerTryit(s, { handler, delivery, channel: tryit, i18n, media: settings.media, now })] : []),
      ...(telegram ? [(s: WebServer) => telegram.mountWebhook(s)] : []),
      ...(whatsappCloud ? [(s: WebServer) => whatsappCloud.mount(s)] : []),
      ...(wa && whatsapp ? [(s: WebServer) => wa.mountWhatsAppAdmin(s, whatsapp.connection)] : []),
    ],
  });
  await delivery.flushAll();
  // Without consent nothing may stay: forget abandoned pre-consent sessions after a day.
  // Addresses no longer needed go too (a recontact yes withdrawn, a campaign message sent, a
  // media answer settled after completion); closing a session releases its own at once.
  const purge = async () => {
    const n = await store.purgeUnconsented(new Date(now().getTime() - UNCONSENTED_TTL_MS).toISOString());
    if (n > 0) log.info({ purged: n }, 'forgot respondents who never consented');
    const released = await store.contacts.sweep();
    if (released > 0) log.info({ released }, 'deleted contact addresses no longer needed');
    const sent = await store.sentMessages.purge(new Date(now().getTime() - SENT_MESSAGE_TTL_MS).toISOString());
    if (sent > 0) log.info({ sent }, 'forgot sent WhatsApp messages kept for retries');
    await whatsappCloud?.purge(now());
  };
  await purge();
  const purgeTimer = setInterval(() => void purge().catch((e: Error) => log.error({ err: e.message }, 'purge failed')), 60 * 60 * 1000);
  purgeTimer.unref();
  // Replies a channel refused (API down, disconnected) are retried even if the person stays silent.
  delivery.startRetry(OUTBOX_RETRY_MS);

  return {
    config,
    db,
    store,
    handler,
    delivery,
    server,
    log,
    tryit,
    telegram,
    whatsapp,
    whatsappCloud,
    media,
    reminders,
    campaigns,
    routes,
    async listen() {
      const url = await server.listen({ port: config.port, host: config.host });
      await telegram?.start();
      whatsapp?.connection.start();
      return url;
    },
    async close() {
      clearInterval(purgeTimer);
      delivery.stop();
      await telegram?.stop();
      await whatsapp?.connection.stop();
      await server.close();
      await handler.idle();
      // Workers finish (or hand back) their jobs before the database closes under them.
      await media.close();
      await reminders.close();
      await campaigns.close();
      await budgets.close();
      limiterRedis?.disconnect();
      await db.destroy();
    },
  };
}
