/**
 * Delivering rendered messages over the WhatsApp Cloud API: reply buttons and lists, recorded
 * prompts uploaded once and re-sent by media id, approved templates for invitations, reminders
 * and results messages outside the 24-hour customer-service window, paced by the shared send
 * budget with back-off when Meta says we go too fast.
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { i18n as I18n } from 'i18next';
import type { Logger } from 'pino';
import type { SendPriority } from '../../../storage/send-priority.ts';
import type { CloudWhatsAppStore } from '../../../storage/whatsapp-cloud.ts';
import type { RenderedMessage } from '../../conversation/render.ts';
import { ChannelError, RecipientUnreachableError, UndeliverableError } from '../errors.ts';
import type { SendPacer } from '../pacer.ts';
import type { ChannelPort } from '../port.ts';
import type { Templates } from './config.ts';
import { GraphError, isRateLimit, isUnreachable, isWindowClosed, type GraphClient } from './graph.ts';
import { interactiveOrText, promptBody, templateBody, type CloudBody } from './messages.ts';

/** Meta's customer-service window: free-form messages only this long after the person last wrote. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;
/** Uploaded media ids live 30 days at Meta; renew a day early. */
const MEDIA_TTL_MS = 29 * 24 * 60 * 60 * 1000;
const MIME: Record<string, string> = {
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.mp4': 'video/mp4',
};

export interface CloudChannelDeps {
  graph: Pick<GraphClient, 'sendMessage' | 'uploadMedia'>;
  pacer: SendPacer;
  i18n: I18n;
  store: CloudWhatsAppStore;
  templates: Templates;
  /** The keyed hash a person's window is stored under (never the number). */
  windowKey: (address: string) => string;
  log: Logger;
  now?: () => Date;
  /** Back-off after a rate-limit answer: first wait, doubled per retry, and retries before the outbox takes over. */
  backoff?: { initialMs: number; retries: number };
  sleep?: (ms: number) => Promise<void>;
}

type Meta = { id: string; respondentId?: string | null; priority?: SendPriority };

export class CloudWhatsAppChannel implements ChannelPort {
  readonly name = 'whatsapp';
  private readonly uploads = new Map<string, Promise<string>>();

  constructor(private readonly deps: CloudChannelDeps) {}

  async send(address: string, message: RenderedMessage, meta?: Meta): Promise<void> {
    // An address from Baileys mode is a JID; the Cloud API wants the bare number.
    const to = address.replace(/@.*$/, '');
    const purpose = message.purpose ?? null;
    if (purpose && !(await this.windowOpen(address))) return this.sendTemplate(to, address, message, meta);
    try {
      if (message.media) await this.post(to, address, promptBody(message.media.form, await this.mediaId(message.media)), meta, purpose);
      await this.post(to, address, interactiveOrText(message, this.words(message.language)), meta, purpose);
    } catch (e) {
      // Our record of the window was behind (the person wrote on another process, or long ago).
      if (purpose && e instanceof GraphError && isWindowClosed(e)) return this.sendTemplate(to, address, message, meta);
      throw this.toChannelError(e, address);
    }
  }

  private async sendTemplate(to: string, address: string, message: RenderedMessage, meta: Meta | undefined): Promise<void> {
    const kind = message.purpose!;
    const t = this.deps.templates[kind]?.[message.language];
    if (!t) {
      // Counted as failed for the funnel, under the outbox row's id (Meta never gave one).
      const id = `failed:${meta?.id ?? randomUUID()}`;
      await this.deps.store.sent(id, meta?.respondentId ?? null, kind, this.iso());
      await this.deps.store.status(id, 'failed', null, this.iso());
      throw new UndeliverableError(
        `WhatsApp Cloud API: no approved template for the ${kind} in language "${message.language}", and the person has not written for 24 hours, so only a template may go. Add it to WHATSAPP_TEMPLATES as {"${kind}":{"${message.language}":{"name":"…","language":"${message.language}"}}} and restart.`,
      );
    }
    try {
      await this.post(to, address, templateBody(t, message), meta, kind);
    } catch (e) {
      throw this.toChannelError(e, address);
    }
  }

  private async post(to: string, address: string, body: CloudBody, meta: Meta | undefined, purpose: string | null): Promise<void> {
    const { initialMs, retries } = this.deps.backoff ?? { initialMs: 2000, retries: 3 };
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    for (let attempt = 0; ; attempt++) {
      await this.deps.pacer.wait(address, meta?.priority ?? 'conversation');
      try {
        const id = await this.deps.graph.sendMessage({ to, ...body });
        await this.deps.store.sent(id, meta?.respondentId ?? null, purpose, this.iso());
        return;
      } catch (e) {
        if (!(e instanceof GraphError) || !isRateLimit(e) || attempt >= retries) throw e;
        const wait = e.retryAfterMs ?? initialMs * 2 ** attempt;
        this.deps.log.warn({ channel: 'whatsapp', code: e.code, waitMs: wait }, 'whatsapp cloud: rate limited; backing off');
        await sleep(wait);
      }
    }
  }

  /** The media id of a prompt file: uploaded once per file version, shared by concurrent sends. */
  private async mediaId(media: NonNullable<RenderedMessage['media']>): Promise<string> {
    const s = await stat(media.file);
    const key = createHash('sha256').update(`${media.file}\u0000${s.size}\u0000${s.mtimeMs}`).digest('hex');
    const cached = await this.deps.store.mediaId(key, new Date(this.now().getTime() - MEDIA_TTL_MS).toISOString());
    if (cached) return cached;
    let upload = this.uploads.get(key);
    if (!upload) {
      const mime = MIME[extname(media.file).toLowerCase()] ?? (media.form === 'audio' ? 'audio/ogg' : 'video/mp4');
      upload = this.deps.graph.uploadMedia(media.file, mime).then(async (id) => {
        await this.deps.store.rememberMedia(key, id, this.iso());
        return id;
      });
      this.uploads.set(key, upload);
      void upload.finally(() => this.uploads.delete(key)).catch(() => undefined);
    }
    return upload;
  }

  private async windowOpen(address: string): Promise<boolean> {
    const last = await this.deps.store.lastInbound(this.deps.windowKey(address));
    return last !== undefined && this.now().getTime() - Date.parse(last) < WINDOW_MS;
  }

  private words(lng: string) {
    const t = (key: string) => String(this.deps.i18n.t(key, { lng, ns: 'bot' }));
    return { skipWord: t('keywords.skip').split('|')[0]!.toUpperCase(), listButton: t('whatsapp_list.button') };
  }

  /** Meta's refusal as the outbox understands it, with the number taken out of the text. */
  private toChannelError(e: unknown, address: string): Error {
    if (!(e instanceof GraphError)) return e as Error;
    const message = e.message.split(address.replace(/@.*$/, '')).join('…');
    if (isUnreachable(e)) return new RecipientUnreachableError('not_found', message, { cause: e });
    if (isWindowClosed(e)) return new UndeliverableError(`${message}: a reply more than 24 hours after the person last wrote`, { cause: e });
    return new ChannelError('send_failed', message, { cause: e });
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private iso(): string {
    return this.now().toISOString();
  }
}
