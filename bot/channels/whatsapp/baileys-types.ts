/**
 * Baileys types that code outside bot/channels/ needs (the composition root's socket factory),
 * re-exported so only this room imports Baileys.
 * @module
 */
export type { AuthenticationState } from '@whiskeysockets/baileys';
/** The protobuf codec, for dev fakes that play WhatsApp's side of the wire (scripts/dev/fake-whatsapp.ts). */
export { proto } from '@whiskeysockets/baileys';
