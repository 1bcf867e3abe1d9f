/**
 * Table types for kysely: the single source of truth for the store's shape.
 *
 * Dialect-agnostic on purpose (SQLite by default, PostgreSQL later): ids are app-generated
 * text, booleans are 0/1 integers, timestamps are ISO-8601 text, JSON is text.
 * @module
 */
import type { ColumnType } from 'kysely';

/** A column the database fills with its default on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface RespondentsTable {
  id: string;
  created_at: string;
  last_seen_at: string;
  language: string | null;
}

/** Channel addresses, kept apart from answers; used for routing replies and (after consent) recontact. */
export interface ContactsTable {
  channel: string;
  address: string;
  respondent_id: string;
  created_at: string;
  updated_at: string;
}

export interface PilotsTable {
  code: string;
  name: string;
  survey_id: string;
  survey_version: number;
  created_at: string;
  /** Absolute path of the pilot's survey file; null = the SURVEY_FILE survey. */
  survey_file: string | null;
  /** JSON array of channel names. */
  channels: string;
}

/** A message sent to many: invitations to a pilot, or results sent back to respondents. */
export interface CampaignsTable {
  id: string;
  pilot_code: string;
  kind: 'invite' | 'results';
  /** JSON: language → the rendered message sent to targets in that language. */
  texts: string | null;
  created_at: string;
}

/** One person a campaign reaches; `target_key` is a keyed hash (invitations) or a respondent id (results). */
export interface CampaignTargetsTable {
  campaign_id: string;
  target_key: string;
  language: string;
  status: 'planned' | 'sent' | 'failed';
  planned_at: string;
  sent_at: string | null;
  error: string | null;
}

export interface SessionsTable {
  id: string;
  respondent_id: string;
  pilot_code: string;
  survey_id: string;
  survey_version: number;
  channel: string;
  phase: string;
  language: string | null;
  state: string;
  state_version: number;
  /** Bumped on every save; a save that expects another revision fails (optimistic lock). */
  revision: number;
  started_at: string;
  updated_at: string;
  completed_at: string | null;
  /** The session revision `reminder_step` counts reminders for; other revisions count 0. */
  reminder_rev: Defaulted<number | null>;
  reminder_step: Defaulted<number>;
  reminded_count: Defaulted<number>;
  /** Set when nobody came back and the session was closed with a polite message. */
  expired_at: Defaulted<string | null>;
}

export interface AnswersTable {
  id: string;
  session_id: string;
  respondent_id: string;
  pilot_code: string;
  survey_id: string;
  survey_version: number;
  question_id: string;
  parent_question_id: string | null;
  indicator: string | null;
  outcome: string | null;
  question_type: string;
  value_number: number | null;
  value_choices: string | null;
  value_text: string | null;
  value_date: string | null;
  skipped: number;
  language: string;
  channel: string;
  modality: string;
  prompt_form: string;
  traffic_light: string | null;
  consent_version: number;
  answered_at: string;
  source_message_id: string;
  /** 1 for the first answer; +1 each time the respondent went back and answered again. */
  revision: number;
  media_kind: string | null;
  media_ref: string | null;
  media_status: string | null;
}

export interface ConsentsTable {
  id: string;
  respondent_id: string;
  pilot_code: string;
  survey_id: string;
  kind: string;
  theme: string | null;
  version: number;
  granted: number;
  recorded_at: string;
  source_message_id: string;
}

/** The only trace of someone who declined consent: a count. */
export interface ConsentDeclinesTable {
  pilot_code: string;
  survey_id: string;
  consent_version: number;
  count: number;
}

/** Inbound messages already handled, keyed by a keyed hash of channel + address + message id. */
export interface InboxTable {
  channel: string;
  message_key: string;
  respondent_id: string;
  received_at: string;
}

/** Replies written in the same transaction as the answer and deleted once delivered. */
export interface OutboxTable {
  id: string;
  respondent_id: string | null;
  channel: string;
  address: string;
  payload: string;
  created_at: string;
  position: number;
  attempts: number;
  last_error: string | null;
}

/** The documented contract for other tools (README "answers_v1"): the answer row minus internals. */
export type AnswersV1View = Omit<AnswersTable, 'id' | 'session_id' | 'media_ref'> & { answer_id: string };

/** Telegram file ids of uploaded prompt files, per bot (a file id only works for the bot that got it). */
export interface TelegramFilesTable {
  bot_id: string;
  file_key: string;
  file_id: string;
  created_at: string;
}

/**
 * Baileys' login credentials, one row per WhatsApp session (login). `creds` is JSON written
 * with Baileys' `BufferJSON.replacer`, so binary keys survive as base64.
 */
export interface WhatsappCredsTable {
  session: string;
  creds: string;
  updated_at: string;
}

/** Baileys' Signal key store: one row per (session, key type, key id); `value` as in whatsapp_creds. */
export interface WhatsappKeysTable {
  session: string;
  type: string;
  id: string;
  value: string;
  updated_at: string;
}

/**
 * One person's several addresses on a channel (a WhatsApp phone-number JID and a LID) joined
 * under one canonical key. Keys are keyed hashes, never raw addresses. No foreign key to
 * respondents: a link is written before its respondent row exists.
 */
export interface IdentityLinksTable {
  channel: string;
  alias_key: string;
  canonical_key: string;
  respondent_id: string;
  created_at: string;
}

export interface Database {
  respondents: RespondentsTable;
  contacts: ContactsTable;
  pilots: PilotsTable;
  campaigns: CampaignsTable;
  campaign_targets: CampaignTargetsTable;
  sessions: SessionsTable;
  answers: AnswersTable;
  consents: ConsentsTable;
  consent_declines: ConsentDeclinesTable;
  inbox: InboxTable;
  outbox: OutboxTable;
  answers_v1: AnswersV1View;
  telegram_files: TelegramFilesTable;
  whatsapp_creds: WhatsappCredsTable;
  whatsapp_keys: WhatsappKeysTable;
  identity_links: IdentityLinksTable;
}
