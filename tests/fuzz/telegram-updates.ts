/**
 * fast-check arbitraries for Telegram updates of every kind, well-formed and malformed.
 *
 * Each generated case says whether a reply is due: a well-formed private message (or button
 * tap) from a person gets one; groups, channels, bots, service messages and unknown update
 * kinds get none; a malformed update (a field of the wrong type or missing) may get either,
 * but must never crash the bot.
 */
import fc from 'fast-check';
import type { Update } from 'grammy/types';

export interface Person {
  id: number;
  lang: string;
}
export interface UpdateCase {
  update: Update;
  chatId: number | null;
  due: boolean | 'maybe';
  what: string;
}

/** Text a person might send: any unicode, RTL and bidi controls, zero-width, emoji, control characters, huge. */
export const nastyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    'مرحبا \u202Eabc\u202C',
    'سلام، ۱۳۹۸',
    'שלום',
    'ሰላም ፧',
    'Привіт',
    '\u200B\u200C\u200D\u2060\uFEFF',
    '\u200F2019\u200E',
    '😀👍🏽👨‍👩‍👧‍👦🏳️‍🌈',
    '\u0000\u0007\u001B[31mred\u001B[0m',
    '\r\n\t \u00A0',
    '١٢٣',
    '۲۰۱۹',
    'STOP',
    'stop',
    '/start',
    '/start pilot-x',
    '1, 3',
    '-0',
    '1e999',
    'NaN',
    '   ',
    '<b>x</b>&amp;',
    '{"a":1}',
    '\uD800',
    'a'.repeat(4096),
  ),
  fc.integer({ min: 1, max: 3 }).map((n) => '🙂ع\u200D'.repeat(n * 15_000)),
);

const languageCode = (p: Person) => fc.constantFrom<string | undefined>(p.lang, p.lang, p.lang, undefined, 'pt-BR', 'zz', '');
const fileId = fc.string({ minLength: 0, maxLength: 40 });
const file = fc.record(
  { file_id: fileId, file_unique_id: fileId, file_size: fc.option(fc.nat(), { nil: undefined }) },
  { requiredKeys: ['file_id', 'file_unique_id'] },
);

/** Message content fields Telegram sends in private chats (one kind per message). */
const content = fc.oneof(
  nastyText.map((text) => ({ text })),
  fc
    .tuple(
      fc.constantFrom('start', 'help', 'language', 'stop', 'delete', 'skip', 'back', 'pause', 'form', 'frobnicate', 'START', 'start@stemmen_bot'),
      fc.option(nastyText, { nil: undefined }),
    )
    .map(([c, arg]) => {
      const text = `/${c}${arg !== undefined ? ` ${arg}` : ''}`;
      return { text, entities: [{ type: 'bot_command', offset: 0, length: c.length + 1 }] };
    }),
  fc.tuple(nastyText, fc.nat(50), fc.nat(50)).map(([text, offset, length]) => ({
    text,
    entities: [
      { type: 'bot_command', offset: 0, length },
      { type: 'bold', offset, length },
    ],
  })),
  fc
    .tuple(file, fc.nat(600), fc.option(fc.constantFrom('audio/ogg', 'audio/mpeg', ''), { nil: undefined }))
    .map(([f, duration, mime_type]) => ({ voice: { ...f, duration, mime_type } })),
  fc.tuple(file, fc.nat(60)).map(([f, duration]) => ({ video_note: { ...f, duration, length: 240 } })),
  fc
    .tuple(file, fc.nat(600), fc.option(nastyText, { nil: undefined }))
    .map(([f, duration, caption]) => ({ video: { ...f, duration, width: 1, height: 1 }, caption })),
  fc.tuple(file, fc.nat(600)).map(([f, duration]) => ({ audio: { ...f, duration } })),
  fc
    .tuple(fc.array(fc.tuple(file, fc.nat(4000), fc.nat(4000)), { minLength: 1, maxLength: 4 }), fc.option(nastyText, { nil: undefined }))
    .map(([sizes, caption]) => ({ photo: sizes.map(([f, width, height]) => ({ ...f, width, height })), caption })),
  fc.tuple(file, fc.option(fc.string(), { nil: undefined })).map(([f, file_name]) => ({ document: { ...f, file_name } })),
  fc.constantFrom<Record<string, unknown>>(
    { sticker: { file_id: 's', file_unique_id: 'us', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } },
    { location: { latitude: 52.1, longitude: 5.1 } },
    { venue: { location: { latitude: 1, longitude: 2 }, title: 't', address: 'a' } },
    { contact: { phone_number: '+31600000009', first_name: 'x' } },
    { dice: { emoji: '🎲', value: 3 } },
    {
      poll: {
        id: 'p',
        question: 'q',
        options: [],
        total_voter_count: 0,
        is_closed: false,
        is_anonymous: true,
        type: 'regular',
        allows_multiple_answers: false,
      },
    },
    { animation: { file_id: 'a', file_unique_id: 'ua', width: 1, height: 1, duration: 1 } },
    { game: { title: 'g', description: 'd', photo: [] } },
    { story: { chat: { id: 1, type: 'private' }, id: 1 } },
  ),
);
/** Service messages in a private chat: nothing a person said, so no reply. */
const service = fc.constantFrom<Record<string, unknown>>(
  { pinned_message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' } } },
  { new_chat_title: 'x' },
  { delete_chat_photo: true },
  {},
);

/** Button data: what the bot writes, forged values, and any 1–64 characters. */
const callbackData = fc.oneof(
  fc.constantFrom(
    'consent:yes',
    'consent:no',
    'erase:yes',
    'erase:no',
    'lang:ar',
    'lang:xx',
    'a:arrival_year:2019',
    'a:work_has_paid_work:yes',
    'a:work_fair:11',
    'm:leisure_activities:sport',
    'md:leisure_activities',
    'skip:arrival_year',
    'th:work',
    'thd',
    'form:audio',
  ),
  fc.string({ minLength: 1, maxLength: 64 }),
);

/** Replaces or removes one field somewhere in the update: wrong types where JSON allows. */
function corrupt(update: Update, pick: number, value: unknown, remove: boolean): Update {
  const copy = structuredClone(update) as unknown as Record<string, unknown>;
  const paths: Array<[Record<string, unknown>, string]> = [];
  const walk = (o: unknown) => {
    if (!o || typeof o !== 'object') return;
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (k === 'update_id') continue;
      paths.push([o as Record<string, unknown>, k]);
      if (paths.length < 200) walk(v);
    }
  };
  walk(copy);
  if (paths.length === 0) return update;
  const [parent, key] = paths[pick % paths.length]!;
  if (remove) delete parent[key];
  else parent[key] = value;
  return copy as unknown as Update;
}

/** One update for one of `people`; message ids come from `nextId` so no update is a redelivery. */
export function updateCase(people: Person[], nextId: () => number): fc.Arbitrary<UpdateCase> {
  const person = fc.constantFrom(...people);
  const from = (p: Person, lang: string | undefined, isBot = false) => ({
    id: p.id,
    is_bot: isBot,
    first_name: 'Ab',
    ...(lang !== undefined ? { language_code: lang } : {}),
  });
  const privateChat = (p: Person) => ({ id: p.id, type: 'private', first_name: 'Ab' });
  const wellFormed: fc.Arbitrary<UpdateCase> = fc.oneof(
    {
      weight: 6,
      arbitrary: person
        .chain((p) => fc.tuple(fc.constant(p), content, languageCode(p)))
        .map(([p, c, lang]) => ({
          update: {
            update_id: 0,
            message: { message_id: nextId(), date: 1_767_600_000, chat: privateChat(p), from: from(p, lang ?? p.lang), ...c },
          } as unknown as Update,
          chatId: p.id,
          due: true,
          what: `message ${Object.keys(c).join('+')}`,
        })),
    },
    {
      weight: 4,
      arbitrary: fc.tuple(person, callbackData).map(([p, data]) => ({
        update: {
          update_id: 0,
          callback_query: {
            id: `cq${nextId()}`,
            from: from(p, p.lang),
            chat_instance: 'ci',
            data,
            message: { message_id: nextId(), date: 1_767_600_000, chat: privateChat(p), from: { id: 1, is_bot: true, first_name: 'bot' }, text: 'q' },
          },
        } as unknown as Update,
        chatId: p.id,
        due: true,
        what: `tap ${JSON.stringify(data)}`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(person, nastyText).map(([p, text]) => ({
        update: {
          update_id: 0,
          edited_message: { message_id: nextId(), date: 1_767_600_000, edit_date: 1_767_600_100, chat: privateChat(p), from: from(p, p.lang), text },
        } as unknown as Update,
        chatId: p.id,
        due: true,
        what: 'edit',
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(person, service).map(([p, s]) => ({
        update: {
          update_id: 0,
          message: { message_id: nextId(), date: 1_767_600_000, chat: privateChat(p), from: from(p, p.lang), ...s },
        } as unknown as Update,
        chatId: p.id,
        due: false,
        what: `service ${Object.keys(s).join()}`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(person, content).map(([p, c]) => ({
        update: {
          update_id: 0,
          message: { message_id: nextId(), date: 1_767_600_000, chat: privateChat(p), from: from(p, 'en', true), ...c },
        } as unknown as Update,
        chatId: p.id,
        due: false,
        what: 'from a bot',
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(person, content, fc.constantFrom('group', 'supergroup', 'channel')).map(([p, c, type]) => ({
        update: {
          update_id: 0,
          message: { message_id: nextId(), date: 1_767_600_000, chat: { id: -p.id, type, title: 'g' }, from: from(p, p.lang), ...c },
        } as unknown as Update,
        chatId: -p.id,
        due: false,
        what: `${type} message`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          person,
          fc.constantFrom(
            'channel_post',
            'edited_channel_post',
            'inline_query',
            'chosen_inline_result',
            'my_chat_member',
            'chat_member',
            'poll_answer',
            'message_reaction',
            'business_message',
            'some_future_kind',
          ),
        )
        .map(([p, kind]) => ({
          update: {
            update_id: 0,
            [kind]: {
              id: `x${nextId()}`,
              chat: { id: p.id, type: kind === 'business_message' ? 'private' : 'channel' },
              from: from(p, p.lang),
              date: 1,
              query: 'q',
              text: 't',
            },
          } as unknown as Update,
          chatId: p.id,
          due: false,
          what: kind,
        })),
    },
  );
  const malformed = fc
    .tuple(wellFormed, fc.nat(), fc.jsonValue({ maxDepth: 2 }), fc.boolean())
    .map(([c, pick, value, remove]): UpdateCase => ({ ...c, update: corrupt(c.update, pick, value, remove), due: 'maybe', what: `malformed ${c.what}` }));
  return fc.oneof({ weight: 4, arbitrary: wellFormed }, { weight: 1, arbitrary: malformed });
}
