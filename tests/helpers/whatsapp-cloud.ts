/**
 * The Cloud API adapter's test rig: the real app in WHATSAPP_MODE=cloud against the fake Graph
 * API over HTTP, and a respondent who writes through signed webhooks.
 */
import { CLOUD_WEBHOOK_PATH } from '../../bot/channels/whatsapp-cloud/runtime.ts';
import type { AppOptions } from '../../bot/app.ts';
import { FakeGraphApi, type SentCloudMessage } from '../../scripts/dev/fake-graph-api.ts';
import { buttonReplyBody, listReplyBody, textBody } from '../../scripts/dev/graph-payloads.ts';
import { endonym } from '../../surveys/languages.ts';
import { startTestApp, type TestApp } from './app.ts';

export const CLOUD = {
  token: 'EAAtest-token-0123456789abcdef',
  appSecret: 'app-secret-for-tests',
  phoneNumberId: '106540352242922',
  verifyToken: 'verify-me-please',
};

export async function startCloudApp(
  env: Record<string, string> = {},
  opts: AppOptions & { fakeNow?: () => number } = {},
): Promise<{ app: TestApp; fake: FakeGraphApi }> {
  const { fakeNow, ...appOpts } = opts;
  const fake = await new FakeGraphApi({ ...CLOUD, ...(fakeNow ? { now: fakeNow } : {}) }).start();
  const app = await startTestApp(
    {
      WHATSAPP_MODE: 'cloud',
      WHATSAPP_CLOUD_TOKEN: CLOUD.token,
      WHATSAPP_PHONE_NUMBER_ID: CLOUD.phoneNumberId,
      WHATSAPP_APP_SECRET: CLOUD.appSecret,
      WHATSAPP_VERIFY_TOKEN: CLOUD.verifyToken,
      WHATSAPP_API_ROOT: fake.apiRoot,
      WHATSAPP_CLOUD_PER_SECOND: '0',
      TRYIT_ENABLED: '0',
      ...env,
    },
    { cloudBackoff: { initialMs: 1, retries: 3 }, ...appOpts, media: { cloudAllowHost: (h) => h === '127.0.0.1', ...appOpts.media } },
  );
  fake.webhookUrl = `${app.url}${CLOUD_WEBHOOK_PATH}`;
  return { app, fake };
}

/** A person on WhatsApp writing to the Cloud number; each call waits until the bot has answered. */
export class CloudRespondent {
  constructor(
    private readonly app: TestApp,
    private readonly fake: FakeGraphApi,
    readonly waId: string,
  ) {}

  async settle(): Promise<void> {
    await this.app.handler.idle();
    await this.app.delivery.idle();
  }

  private async after(post: () => Promise<number>): Promise<SentCloudMessage[]> {
    const before = this.fake.sentTo(this.waId).length;
    const status = await post();
    if (status !== 200) throw new Error(`webhook answered ${status}`);
    await this.settle();
    return this.fake.sentTo(this.waId).slice(before);
  }

  say(text: string, id?: string): Promise<SentCloudMessage[]> {
    return this.after(() => this.fake.say(this.waId, 'text', textBody(text), id ? { id } : {}));
  }

  tap(on: SentCloudMessage, id: string): Promise<SentCloudMessage[]> {
    const i = on.body.interactive as {
      type: string;
      action: { buttons?: Array<{ reply: { id: string; title: string } }>; sections?: Array<{ rows: Array<{ id: string; title: string }> }> };
    };
    if (i?.type === 'button') {
      const b = i.action.buttons!.find((x) => x.reply.id === id) ?? fail(`no button ${id}`);
      return this.after(() => this.fake.say(this.waId, 'interactive', buttonReplyBody(b.reply.id, b.reply.title), { context: on.id }));
    }
    if (i?.type === 'list') {
      const r = i.action.sections!.flatMap((s) => s.rows).find((x) => x.id === id) ?? fail(`no list row ${id}`);
      return this.after(() => this.fake.say(this.waId, 'interactive', listReplyBody(r.id, r.title), { context: on.id }));
    }
    return fail(`message ${on.id} has no buttons or list`);
  }

  /**
   * Picks a language on the language message: taps it where it is a list or buttons, or types
   * its number where more languages than a list holds (ten) came as numbered text.
   */
  chooseLanguage(on: SentCloudMessage, lng: string): Promise<SentCloudMessage[]> {
    if (optionsOf(on).kind !== 'none') return this.tap(on, `lang:${lng}`);
    const text = textOf(on);
    const n = new RegExp(`^(\\d+)\\. ${endonym(lng)}$`, 'm').exec(text)?.[1] ?? fail(`no numbered line for ${endonym(lng)} in: ${text}`);
    return this.say(n);
  }

  send(type: string, body: Record<string, unknown>): Promise<SentCloudMessage[]> {
    return this.after(() => this.fake.say(this.waId, type, body));
  }
}

function fail(why: string): never {
  throw new Error(why);
}

/** The options a sent message offers: button or list row ids, in order. */
export function optionsOf(m: SentCloudMessage): { kind: 'button' | 'list' | 'none'; ids: string[]; titles: string[] } {
  const i = m.body.interactive as
    | {
        type?: string;
        action?: { buttons?: Array<{ reply: { id: string; title: string } }>; sections?: Array<{ rows: Array<{ id: string; title: string }> }> };
      }
    | undefined;
  if (i?.type === 'button') return { kind: 'button', ids: i.action!.buttons!.map((b) => b.reply.id), titles: i.action!.buttons!.map((b) => b.reply.title) };
  if (i?.type === 'list') {
    const rows = i.action!.sections!.flatMap((s) => s.rows);
    return { kind: 'list', ids: rows.map((r) => r.id), titles: rows.map((r) => r.title) };
  }
  return { kind: 'none', ids: [], titles: [] };
}

/** The text a person reads in a sent message (text body, interactive body or template name). */
export function textOf(m: SentCloudMessage): string {
  const b = m.body as { text?: { body: string }; interactive?: { body: { text: string } }; template?: { name: string } };
  return b.text?.body ?? b.interactive?.body.text ?? (b.template ? `[template ${b.template.name}]` : `[${m.type}]`);
}
