/**
 * Telegram Bot API types, re-exported so that code outside bot/channels/ (the composition
 * root, the fake Bot API in scripts/dev) never imports grammy itself.
 * @module
 */
export type { InlineKeyboardMarkup, Message, Update, User, UserFromGetMe } from 'grammy/types';
