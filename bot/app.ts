/**
 * The composition root: the only place that builds concrete store, channels and server.
 * @module
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { openMigrated, type Db } from '../storage/database.ts';
import { loadOrCreateSecret, Pseudonymizer } from '../storage/pseudonym.ts';
import { Store } from '../storage/store.ts';
import type { ChannelPort } from './channels/port.ts';
import { InboundHandler, type SurveyEntry } from './conversation/handler.ts';
import { createI18n, readLocales } from './i18n.ts';
import { Renderer } from './conversation/render.ts';
import { loadSurveyFile } from './conversation/survey-files.ts';
import { mountDashboard, type RouteList } from './web/dashboard/index.ts';
import { rsvpInterceptor } from './conversation/followup/rsvp.ts';
import { PilotSurveys } from './conversation/pilot-surveys.ts';
import { PilotRepository } from '../storage/pilots.ts';
import { ReminderRepository } from '../storage/reminders.ts';
import { ReminderQueue } from '../workers/reminders.ts';
import { CampaignQueue } from '../workers/campaigns.ts';
import { CampaignRepository } from '../storage/campaigns.ts';
import { reminderPort, ReminderService } from './conversation/reminders.ts';
import { TryitChannel } from './channels/tryit/channel.ts';
import { registerTryit } from './channels/tryit/routes.ts';
import { TelegramRuntime } from './channels/telegram/bot.ts';
import type { WhatsAppRuntime } from './channels/whatsapp/runtime.ts';
import type { WhatsAppSocket } from './channels/whatsapp/connection.ts';
import type { AuthenticationState } from '@whiskeysockets/baileys';
import type { UserFromGetMe } from 'grammy/types';
import { createMedia, type MediaOptions, type MediaRuntime } from './media.ts';
import { mountQueueBoard } from './web/queue-board.ts';

export interface App {
  config: Config;
  db: Db;
  store: Store;
  handler: InboundHandler;
  server: FastifyInstance;
  log: Logger;
  tryit: TryitChannel;
  telegram: TelegramRuntime | null;
  whatsapp: WhatsAppRuntime | null;
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
  makeWhatsAppSocket?: (auth: AuthenticationState) => WhatsAppSocket;
  /** What to do when an update cannot be stored; default: exit so it is redelivered. */
  onFatal?: (error: unknown) => void;
  /** Media pipeline options (tests: loopback WhatsApp media host, fast sweeps). */
  media?: MediaOptions;
  now?: () => Date;
  newId?: () => string;
}

/** Builds the whole app from config: store (migrated), locales, surveys, handler, HTTP server. */
export async function createApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const log = opts.logger ?? pino({ level: config.logLevel });
  const locales = readLocales(config.localesDir);
  const i18n = createI18n(locales);
  const loaded = loadSurveyFile(config.surveyFile, locales);
  for (const w of loaded.warnings) log.warn({ survey: loaded.survey.id }, `${w.file}:${w.line}:${w.column} ${w.path}: ${w.message}`);

  const db = await openMigrated(config);
  const store = new Store(db);
  const now = opts.now ?? (() => new Date());
  await store.ensurePilot(config.defaultPilot, 'Default pilot', loaded.survey.id, loaded.survey.version, now().toISOString());

  const surveys = new Map<string, SurveyEntry>([[loaded.survey.id, { survey: loaded.survey, resolveMedia: loaded.resolveMedia }]]);
  const pilotSurveys = new PilotSurveys(surveys, i18n, config.localesDir, log, config.surveyFile);
  for (const p of await new PilotRepository(db).list()) if (p.surveyFile !== null) pilotSurveys.load(p);
  const tryit = new TryitChannel();
  const channels = new Map<string, ChannelPort>(config.tryitEnabled ? [['tryit', tryit]] : []);
  for (const c of opts.channels ?? []) channels.set(c.name, c);
  const pseudonyms = new Pseudonymizer(loadOrCreateSecret(config.secretFile));
  const renderer = new Renderer(i18n);
  // The handler and the media runtime need each other (submit jobs / flush rejection notes).
  let media: MediaRuntime | undefined;
  const newId = opts.newId ?? randomUUID;
  // One job per session and step; the worker runs here because reminders are rendered with this process's surveys and locales.
  const reminders = new ReminderQueue(config.redis, { steps: config.reminders.delaysMs.length + 1, now, log, worker: true });
  const handler = new InboundHandler({
    store, pseudonyms, i18n, renderer,
    surveys, loadPilotSurvey: (p) => pilotSurveys.load(p), defaultPilot: config.defaultPilot, channels, log, intercept: rsvpInterceptor({ i18n, newId }),
    reminders: reminderPort(reminders, config.reminders),
    media: {
      submit: (items) => (media ? media.port.submit(items) : Promise.reject(new Error('media pipeline not started yet'))),
      forget: (files) => (media ? media.port.forget(files) : Promise.resolve()),
      withdraw: (items) => (media?.port.withdraw ? media.port.withdraw(items) : Promise.resolve()),
    },
    ...(opts.now ? { now: opts.now } : {}), ...(opts.newId ? { newId: opts.newId } : {}),
  });

  const telegram = config.telegram
    ? new TelegramRuntime(config.telegram, {
        handler, store, i18n, log, languages: loaded.survey.languages,
        ...(opts.telegramBotInfo ? { botInfo: opts.telegramBotInfo } : {}), ...(opts.onFatal ? { onFatal: opts.onFatal } : {}),
      })
    : null;
  if (telegram) channels.set('telegram', telegram.channel);
  // Loaded only when enabled: Baileys and its crypto/media dependencies are heavy to import.
  const wa = config.whatsapp ? await import('./channels/whatsapp/runtime.ts') : null;
  const whatsapp = wa && config.whatsapp
    ? await wa.createWhatsApp(config.whatsapp, { db, store, handler, pseudonyms, i18n, log, ...(opts.makeWhatsAppSocket ? { makeSocket: opts.makeWhatsAppSocket } : {}) })
    : null;
  if (whatsapp) channels.set('whatsapp', whatsapp.channel);
  const mediaRuntime = await createMedia(config, { store, renderer, log, now, flush: (channel, address) => handler.flush(channel, address) }, opts.media);
  media = mediaRuntime;
  const reminderService = new ReminderService({
    repo: new ReminderRepository(db, (c, a) => pseudonyms.suppressionKey(c, a)), surveys, renderer, settings: config.reminders,
    flush: (channel, address) => handler.flush(channel, address), log, now, newId,
  });
  reminders.start((job) => reminderService.run(job));
  const campaignRepo = new CampaignRepository(db, (c, a) => pseudonyms.suppressionKey(c, a));
  const campaigns = new CampaignQueue(config.redis, log);
  campaigns.start(async (job) => {
    const r = await campaignRepo.send(job.campaignId, job.targetKey, now().toISOString(), newId);
    if (r.outcome === 'sent') await handler.flush(r.channel, r.address);
    return r.outcome;
  }, config.campaignPerMinute);

  const server = Fastify({ logger: false, bodyLimit: 256 * 1024 });
  // One error boundary for HTTP: log without request bodies (they hold answers), answer calmly.
  server.setErrorHandler((error, req, reply) => {
    const err = error as { message?: string; name?: string; statusCode?: number };
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    log.error({ err: { message: err.message, name: err.name }, route: req.routeOptions.url }, 'request failed');
    void reply.code(status).send({ error: status < 500 ? err.message : 'internal error; see the server log' });
  });
  // First, so its gate covers every route: only these (and the login page) are open to anyone.
  const routes = await mountDashboard(server, {
    db, store, i18n, handler, surveys, now, newId, mediaDir: config.media.dir,
    rule: { redShare: config.dashboard.redShare, greenShare: config.dashboard.greenShare },
  }, {
    publicRoutes: ['/healthz', '/try', '/try/api/messages', '/try/api/prompts/:id', ...(config.telegram?.webhook ? [config.telegram.webhook.path] : [])],
    secureCookie: config.dashboard.secureCookie, sessionHours: config.dashboard.sessionHours, maxLoginFailures: config.dashboard.maxLoginFailures,
  });
  server.get('/healthz', async () => ({ ok: true }));
  if (config.tryitEnabled) registerTryit(server, { handler, channel: tryit, now });
  telegram?.mountWebhook(server);
  if (wa && whatsapp) wa.mountWhatsAppAdmin(server, whatsapp.connection);
  await mountQueueBoard(server, mediaRuntime.queues);
  await handler.flushAll();
  // Without consent nothing may stay: forget abandoned pre-consent sessions after a day.
  const purge = async () => {
    const n = await store.purgeUnconsented(new Date(now().getTime() - UNCONSENTED_TTL_MS).toISOString());
    if (n > 0) log.info({ purged: n }, 'forgot respondents who never consented');
  };
  await purge();
  const purgeTimer = setInterval(() => void purge().catch((e: Error) => log.error({ err: e.message }, 'purge failed')), 60 * 60 * 1000);
  purgeTimer.unref();
  // Replies a channel refused (API down, disconnected) are retried even if the person stays silent.
  const retryTimer = setInterval(() => void handler.flushAll().catch((e: Error) => log.warn({ err: e.message }, 'outbox retry failed')), OUTBOX_RETRY_MS);
  retryTimer.unref();

  return {
    config, db, store, handler, server, log, tryit, telegram, whatsapp, media: mediaRuntime, reminders, campaigns, routes,
    async listen() {
      const url = await server.listen({ port: config.port, host: config.host });
      await telegram?.start();
      whatsapp?.connection.start();
      return url;
    },
    async close() {
      clearInterval(purgeTimer);
      clearInterval(retryTimer);
      await telegram?.stop();
      await whatsapp?.connection.stop();
      await server.close();
      await handler.idle();
      // Workers finish (or hand back) their jobs before the database closes under them.
      await mediaRuntime.close();
      await reminders.close();
      await campaigns.close();
      await db.destroy();
    },
  };
}
