/**
 * Delivering rendered messages through the Bot API: text with inline keyboards, and
 * recorded prompts as voice notes, videos or round video notes, uploaded once per bot.
 * @module
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { GrammyError, InputFile, type Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Store } from '../../../storage/store.ts';
import type { ChannelPort } from '../port.ts';
import type { RenderedButton, RenderedMessage } from '../../conversation/render.ts';
import type { SendPacer } from '../pacer.ts';
import type { SendPriority } from '../../../storage/send-priority.ts';
import { asPermanent, unreachableReason } from './unreachable.ts';

/** Telegram's limit for one text message. */
export const MAX_TEXT = 4096;
/** Telegram's limit for the caption of a voice note or video. */
export const MAX_CAPTION = 1024;

/** Voice notes and videos take a caption and a keyboard; round video notes take neither. */
const canCaption = (media: NonNullable<RenderedMessage['media']>): boolean => !(media.form === 'video' && basename(media.file).endsWith('.round.mp4'));

type PromptExtras = { caption?: string; reply_markup?: InlineKeyboardMarkup };

export function keyboard(buttons: RenderedButton[][] | undefined): InlineKeyboardMarkup | undefined {
  if (!buttons?.length) return undefined;
  return { inline_keyboard: buttons.map((row) => row.map((b) => ({ text: b.label, callback_data: b.data }))) };
}

/** Splits text at paragraph or line breaks into parts Telegram accepts. */
export function chunks(text: string, max = MAX_TEXT): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    // Prefer a paragraph break, then a line break, then a space, if it keeps the part over half full.
    const cut = ['\n\n', '\n', ' '].map((sep) => rest.lastIndexOf(sep, max)).find((i) => i > max / 2);
    const at = cut ?? max;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\s+/, '');
  }
  out.push(rest);
  return out;
}

export class TelegramChannel implements ChannelPort {
  readonly name = 'telegram';

  constructor(
    private readonly api: Api,
    private readonly botId: string,
    private readonly store: Store,
    private readonly pacer: SendPacer | null = null,
  ) {}

  async send(address: string, message: RenderedMessage, meta?: { id: string; priority?: SendPriority }): Promise<void> {
    try {
      await this.sendAll(Number(address), address, message, meta?.priority ?? 'conversation');
    } catch (e) {
      // Blocked, deactivated, chat not found: typed as permanent, so Delivery stops retrying.
      throw asPermanent(e);
    }
  }

  private async sendAll(chat: number, address: string, message: RenderedMessage, priority: SendPriority): Promise<void> {
    if (message.edit !== undefined && !message.media && (await this.redraw(chat, address, Number(message.edit), message, priority))) return;
    const markup = keyboard(message.buttons);
    if (message.media) {
      await this.pacer?.wait(address, priority);
      // One message where Telegram allows: the question as the caption of its voice note or video.
      const caption = canCaption(message.media) && message.text.length <= MAX_CAPTION ? message.text : null;
      await this.sendPrompt(chat, message.media, caption === null ? {} : { caption, ...(markup ? { reply_markup: markup } : {}) });
      if (caption !== null) return;
    }
    const parts = chunks(message.text);
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      // Paced here, ahead of Telegram's limit, rather than waiting out 429s after the fact.
      await this.pacer?.wait(address, priority);
      await this.api.sendMessage(chat, parts[i]!, last && markup ? { reply_markup: markup } : {});
    }
  }

  /**
   * Edits the tapped keyboard's message into the redrawn prompt (a toggled choice) instead
   * of sending a copy: one call either way, so the same budget, and the chat keeps one
   * prompt. False when Telegram refuses the edit (too old, deleted): then it goes as new.
   */
  private async redraw(chat: number, address: string, messageId: number, message: RenderedMessage, priority: SendPriority): Promise<boolean> {
    if (!Number.isSafeInteger(messageId) || message.text.length > MAX_TEXT) return false;
    await this.pacer?.wait(address, priority);
    try {
      await this.api.editMessageText(chat, messageId, message.text, { reply_markup: keyboard(message.buttons) ?? { inline_keyboard: [] } });
      return true;
    } catch (e) {
      if (!(e instanceof GrammyError && e.error_code === 400)) throw e;
      // A second tap delivered again: the message already shows this.
      return /message is not modified/.test(e.description);
    }
  }

  /**
   * Sends a recorded prompt. Audio goes as a voice note; a video whose name ends in
   * `.round.mp4` as a round video note, any other as a video. The file id Telegram
   * returns is cached per bot, keyed by path, size and modification time.
   */
  private async sendPrompt(chat: number, media: NonNullable<RenderedMessage['media']>, other: PromptExtras): Promise<void> {
    const st = statSync(media.file);
    const key = `${media.file}:${st.size}:${st.mtimeMs}`;
    const cached = await this.store.telegramFileId(this.botId, key);
    const round = media.form === 'video' && basename(media.file).endsWith('.round.mp4');
    const upload = async (file: string | InputFile): Promise<string | undefined> => {
      if (media.form === 'audio') return (await this.api.sendVoice(chat, file, other)).voice?.file_id;
      if (round) return (await this.api.sendVideoNote(chat, file)).video_note?.file_id;
      return (await this.api.sendVideo(chat, file, other)).video?.file_id;
    };
    if (cached) {
      try {
        await upload(cached);
        return;
      } catch (e) {
        // A file id can become invalid (another bot token, deleted file): upload again.
        if (!(e instanceof GrammyError && e.error_code === 400) || unreachableReason(e)) throw e;
        await this.store.rememberTelegramFile(this.botId, key, null, new Date().toISOString());
      }
    }
    const fileId = await upload(new InputFile(media.file));
    if (fileId) await this.store.rememberTelegramFile(this.botId, key, fileId, new Date().toISOString());
  }
}
