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
  /** When the channel said this address cannot be reached (blocked the bot, account gone); null = reachable. */
  unreachable_since: Defaulted<string | null>;
}

export interface PilotsTable {
  code: string;
  name: string;
  survey_id: string;
  survey_version: number;
  created_at: string;
  /** Absolute path of the pilot's survey file; null = the SURVEY_FILE survey. */
  survey_file: Defaulted<string | null>;
  /** JSON array of channel names. */
  channels: Defaulted<string>;
  /** The organisation (municipality, NGO) whose staff may see the pilot. */
  organisation_id: Defaulted<string>;
  /** Where the pilot runs (free text, e.g. "Utrecht"); shown on the pilots page and in comparisons. */
  municipality: Defaulted<string | null>;
}

/** A municipality or NGO: it owns pilots, and its staff are members with a role. */
export interface OrganisationsTable {
  id: string;
  name: string;
  created_at: string;
}

/** A dashboard user's role in one organisation (admin, researcher, coordinator or viewer). */
export interface MembershipsTable {
  user_id: string;
  organisation_id: string;
  role: string;
}

/** A message sent to many: invitations to a pilot, or results sent back to respondents. */
export interface CampaignsTable {
  id: string;
  pilot_code: string;
  kind: 'invite' | 'results' | 'wave';
  /** JSON: language → the rendered message sent to targets in that language. */
  texts: string | null;
  created_at: string;
}

/** One person a campaign reaches; `target_key` is a keyed hash (invitations) or a respondent id (results). */
export interface CampaignTargetsTable {
  campaign_id: string;
  target_key: string;
  language: string;
  /** `suppressed`: on the do-not-contact list when it was due, so not sent. */
  status: 'planned' | 'sent' | 'failed' | 'suppressed';
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
  /** When the next reminder or the expiry is due (ISO), null when none is planned; the reminder sweep reads it. */
  reminder_due_at: Defaulted<string | null>;
  reminded_count: Defaulted<number>;
  /** Set when nobody came back and the session was closed with a polite message. */
  expired_at: Defaulted<string | null>;
  /** The pilot's wave this session answers (1 before any wave was opened). */
  wave: Defaulted<number>;
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
  /** pending → ready, or failed (gave up after retries) / rejected (not acceptable: type, size, length). */
  media_status: MediaStatus | null;
  /** Path of the original under MEDIA_DIR, named by its sha256; null until stored and after retention. */
  media_file: string | null;
  media_sha256: string | null;
  media_bytes: number | null;
  /** Container detected from the bytes (ogg, mp4, webm, mp3, wav, jpeg, png). */
  media_type: string | null;
  media_duration_seconds: number | null;
  /** Codec names from the probe, comma-separated (e.g. "opus" or "h264,aac"). */
  media_codecs: string | null;
  /** Reason code when failed or rejected (e.g. too_large, not_audio_or_video). */
  media_error: string | null;
  media_updated_at: string | null;
  media_deleted_at: string | null;
  transcript: string | null;
  transcript_language: string | null;
  transcript_status: StageStatus | null;
  /** JSON object: language code → translated transcript or typed answer, made from the scrubbed text (workers/translate/). */
  translations: string | null;
  translation_status: StageStatus | null;
  /** The wave of the session that gave the answer. */
  wave: Defaulted<number>;
}

export type MediaStatus = 'pending' | 'ready' | 'failed' | 'rejected';
/** `off`: the stage is not configured (no STT_URL / MT_URL); `skipped`: nothing to do (no speech, same language). */
export type StageStatus = 'pending' | 'ready' | 'failed' | 'off' | 'skipped';

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
  /** How the consent question was put: `text` (read), `audio` (heard) or `video` (watched). */
  prompt_form: ColumnType<string, string | undefined, string>;
}

/** The only trace of someone who declined consent: a count. */
export interface ConsentDeclinesTable {
  pilot_code: string;
  survey_id: string;
  consent_version: number;
  count: number;
}

/** How often an input was not accepted, per question and issue code; counts only. */
export interface AnswerIssuesTable {
  pilot_code: string;
  survey_id: string;
  /** '' for inputs outside a question. */
  question_id: string;
  code: string;
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
  /** 0 = a conversation (reply, reminder, note), 1 = a campaign message; lower is delivered first. */
  priority: Defaulted<number>;
}

/** What the WhatsApp channel sent, kept a few days so a retry receipt can be answered (no address in it). */
export interface SentMessagesTable {
  /** The WhatsApp message id. */
  id: string;
  /** Only for erasure by cascade; null when sent to someone who is no respondent. */
  respondent_id: string | null;
  /** The encoded protobuf message content, base64. */
  content: string;
  created_at: string;
}

/** WhatsApp Cloud API: the media id of an uploaded prompt file. */
export interface CloudMediaTable {
  /** Hash of the prompt file's path, size and modification time. */
  file_key: string;
  media_id: string;
  uploaded_at: string;
}

/** WhatsApp Cloud API: the last status of a message we sent (no address). */
export interface CloudMessagesTable {
  /** Meta's message id (wamid…). */
  id: string;
  respondent_id: string | null;
  /** invitation, reminder, results or null (a reply). */
  purpose: string | null;
  status: 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
  error_code: number | null;
  updated_at: string;
}

/** WhatsApp Cloud API: when a person last wrote (the 24-hour window), keyed by a hash of the number. */
export interface CloudWindowsTable {
  address_key: string;
  last_inbound_at: string;
}

/** The documented contract for other tools (README "answers_v1"): the answer row minus internals. */
export type AnswersV1View = Pick<AnswersTable, (typeof ANSWERS_V1_COLUMNS)[number]> & { answer_id: string };

/** Columns of `answers_v1` besides answer_id, in order (the documented contract; never changes). */
export const ANSWERS_V1_COLUMNS = [
  'respondent_id',
  'pilot_code',
  'survey_id',
  'survey_version',
  'question_id',
  'parent_question_id',
  'indicator',
  'outcome',
  'question_type',
  'value_number',
  'value_choices',
  'value_text',
  'value_date',
  'skipped',
  'language',
  'channel',
  'modality',
  'prompt_form',
  'traffic_light',
  'consent_version',
  'answered_at',
  'source_message_id',
  'revision',
  'media_kind',
  'media_status',
] as const;

/** `answers_v1` plus what the media pipeline adds: duration, error code, transcript and translations. */
export type AnswersV2View = AnswersV1View &
  Pick<
    AnswersTable,
    'media_duration_seconds' | 'media_error' | 'transcript' | 'transcript_language' | 'transcript_status' | 'translations' | 'translation_status'
  >;

/** `answers_v2` plus the wave (README "The data contract"). */
export type AnswersV3View = AnswersV2View & { wave: number };

/** A pilot's waves after the first: wave N opens at `opens_at`, when its invitations start going out. */
export interface PilotWavesTable {
  pilot_code: string;
  wave: number;
  opens_at: string;
  created_at: string;
  created_by: string | null;
  notes: string | null;
}

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

/**
 * A dashboard user; the password is an Argon2id hash. `role` admin sees every organisation;
 * for everyone else access follows `memberships` (role there is the last one given).
 */
export interface UsersTable {
  id: string;
  email: string;
  role: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

/** A logged-in dashboard session, keyed by the SHA-256 of the cookie's token. */
export interface AuthSessionsTable {
  token_hash: string;
  user_id: string;
  /** Synchronizer token every form of this session must send back. */
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

/** Login attempts per key (`email:…`, `ip:…`) in the current window, counted before the password is checked. */
export interface LoginAttemptsTable {
  key: string;
  /** ISO time the window began; an attempt after it plus the window length starts a new one. */
  window_start: string;
  attempts: number;
}

/** Bearer tokens of the read API, one pilot each; only the SHA-256 is stored. */
export interface ApiTokensTable {
  id: string;
  token_hash: string;
  pilot_code: string;
  label: string;
  created_at: string;
  revoked_at: string | null;
}

/** A respondent with red answers on an indicator who agreed to be recontacted about it. */
export interface FollowupCasesTable {
  id: string;
  pilot_code: string;
  respondent_id: string;
  indicator: string;
  status: string;
  /** The respondent's last reply to an invitation: accepted, declined or maybe. */
  rsvp: string | null;
  notes: string;
  assignee_id: string | null;
  /** JSON of the last invitation sent (template and its fields). */
  invitation: string | null;
  created_at: string;
  updated_at: string;
}

/** Every coordinator action (and every respondent reply to an invitation). */
export interface AuditLogTable {
  id: string;
  at: string;
  /** A user id, or "respondent" for replies. */
  actor: string;
  action: string;
  case_id: string | null;
  /** JSON with what changed. */
  detail: string;
}

/** An inbound message that kept failing: counting attempts ('failing'), then parked for admins ('parked'). */
export interface DeadLettersTable {
  channel: string;
  /** The keyed hash of channel, address and message id (as in the inbox). */
  message_key: string;
  respondent_id: string;
  status: 'failing' | 'parked';
  /** Where and what failed: an error layer (store, engine, channel, media, or 'bot') and its code. */
  layer: string;
  code: string;
  /** The error message, without the address or the message text. */
  reason: string;
  attempts: number;
  /** JSON of the message without its address; set when parked. */
  content: string | null;
  first_seen_at: string;
  last_seen_at: string;
  parked_at: string | null;
}

/** A channel address that asked not to be contacted, by keyed hash only (see storage/suppression.ts). */
export interface SuppressionsTable {
  address_key: string;
  channel: string;
  since: string;
  /** How the opt-out came: stop-first-message, stop-mid-survey. */
  source: string;
  /** Set when the person came back (START, a new link); the row stays as the record. */
  lifted_at: string | null;
  lift_source: string | null;
}

/** Counts of funnel events; no respondent id, so they outlive erasure and purges. */
export interface FunnelEventsTable {
  pilot_code: string;
  survey_id: string;
  /** '' before a language was chosen. */
  language: string;
  channel: string;
  /** UTC date, YYYY-MM-DD. */
  day: string;
  event: string;
  count: number;
}

/** A code in a pilot's codebook (qualitative coding of open answers). */
export interface CodesTable {
  id: string;
  pilot_code: string;
  label: string;
  description: Defaulted<string>;
  /** Null: the code applies to answers of any indicator. */
  indicator: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  /** A retired code keeps its assignments but takes no new ones. */
  retired_at: string | null;
}

/** A code assigned to an answer; cascades away with the answer (erasure). */
export interface AnswerCodesTable {
  answer_id: string;
  code_id: string;
  pilot_code: string;
  assigned_at: string;
  assigned_by: string;
}

/** An answer a researcher marked shareable: the only quotes the viewer role sees. */
export interface SharedQuotesTable {
  answer_id: string;
  pilot_code: string;
  marked_at: string;
  marked_by: string;
}

/** Who changed the codebook, the codes of an answer or a shareable mark, and when (never the answer's text). */
export interface CodingAuditTable {
  id: string;
  pilot_code: string;
  at: string;
  actor: string;
  action: 'code.create' | 'code.update' | 'code.retire' | 'code.restore' | 'answer.code' | 'answer.uncode' | 'quote.share' | 'quote.unshare';
  code_id: string | null;
  answer_id: string | null;
  /** JSON with what changed. */
  detail: Defaulted<string>;
}

/** The blind-spot workshop of an organisation (one each). */
export interface WorkshopsTable {
  id: string;
  organisation_id: string;
  name: string;
  created_at: string;
  created_by: string;
}

/** One save of the workshop: never overwritten, each a whole snapshot. */
export interface WorkshopVersionsTable {
  workshop_id: string;
  version: number;
  saved_at: string;
  saved_by: string;
}

/** A team member's colour (red/orange/green: how much they know) and note on one indicator, in one version. */
export interface WorkshopEntriesTable {
  workshop_id: string;
  version: number;
  indicator: string;
  member: string;
  colour: string;
  note: Defaulted<string>;
}

/** The team's reflection card on one indicator, in one version. */
export interface WorkshopCardsTable {
  workshop_id: string;
  version: number;
  indicator: string;
  known: Defaulted<string>;
  known_source: Defaulted<string>;
  unknown: Defaulted<string>;
  unknown_how: Defaulted<string>;
}

/** An expertpool the team planned for a red or orange indicator. */
export interface WorkshopExpertpoolsTable {
  id: string;
  workshop_id: string;
  version: number;
  indicator: string;
  colour: string;
  note: Defaulted<string>;
  planned_at: string;
  planned_by: string;
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
  answer_issues: AnswerIssuesTable;
  inbox: InboxTable;
  outbox: OutboxTable;
  sent_messages: SentMessagesTable;
  cloud_media: CloudMediaTable;
  cloud_messages: CloudMessagesTable;
  cloud_windows: CloudWindowsTable;
  answers_v1: AnswersV1View;
  answers_v2: AnswersV2View;
  answers_v3: AnswersV3View;
  pilot_waves: PilotWavesTable;
  telegram_files: TelegramFilesTable;
  whatsapp_creds: WhatsappCredsTable;
  whatsapp_keys: WhatsappKeysTable;
  identity_links: IdentityLinksTable;
  users: UsersTable;
  organisations: OrganisationsTable;
  memberships: MembershipsTable;
  auth_sessions: AuthSessionsTable;
  login_attempts: LoginAttemptsTable;
  api_tokens: ApiTokensTable;
  followup_cases: FollowupCasesTable;
  audit_log: AuditLogTable;
  dead_letters: DeadLettersTable;
  suppressions: SuppressionsTable;
  funnel_events: FunnelEventsTable;
  codes: CodesTable;
  answer_codes: AnswerCodesTable;
  shared_quotes: SharedQuotesTable;
  coding_audit: CodingAuditTable;
  workshops: WorkshopsTable;
  workshop_versions: WorkshopVersionsTable;
  workshop_entries: WorkshopEntriesTable;
  workshop_cards: WorkshopCardsTable;
  workshop_expertpools: WorkshopExpertpoolsTable;
}
