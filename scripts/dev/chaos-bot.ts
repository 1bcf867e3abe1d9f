/**
 * The chaos run's bot process: `stemmen start` with its WhatsApp socket connected to the
 * run's {@link FakeWhatsApp} (at CHAOS_WHATSAPP_URL) instead of WhatsApp. Redis is the run's own.
 * @module
 */
import { createApp } from '../../bot/app.ts';
import type { WhatsAppSocket } from '../../bot/channels/whatsapp/connection.ts';
import { loadConfig } from '../../bot/config.ts';
import { untilSignal } from '../commands/start.ts';
import { FakeWhatsAppSocket } from './fake-whatsapp-socket.ts';

const url = process.env.CHAOS_WHATSAPP_URL;
if (!url) throw new Error('chaos-bot: set CHAOS_WHATSAPP_URL to the fake WhatsApp of the run');
const app = await createApp(loadConfig(process.env), {
  makeWhatsAppSocket: () => new FakeWhatsAppSocket(url) as unknown as WhatsAppSocket,
  whatsappVersion: null,
});
await app.listen();
await untilSignal(() => undefined);
await app.close();
