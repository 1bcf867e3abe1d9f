/**
 * All migrations, in order. Listed statically (not read from disk) so they work the same
 * under tsx, vitest and any bundler; a new migration is one file plus one line here.
 */
import type { Migration } from 'kysely';
import * as initial from './2026112201_initial.ts';
import * as telegramFiles from './2026112202_telegram_files.ts';
import * as whatsapp from './2026112203_whatsapp.ts';
import * as media from './2026112204_media.ts';
import * as dashboard from './2026112205_dashboard.ts';
import * as pilots from './2026112206_pilots.ts';
import * as deadLetters from './2026120201_dead_letters.ts';
import * as answerIssues from './2026120202_answer_issues.ts';
import * as organisations from './2026120203_organisations.ts';
import * as consentLists from './2026120204_consent_lists.ts';
import * as mapPeople from './2026120205_map_people.ts';
import * as sentMessages from './2026120206_sent_messages.ts';
import * as unreachable from './2026120207_unreachable.ts';
import * as outboxPriority from './2026120208_outbox_priority.ts';
import * as loginAttempts from './2026120209_login_attempts.ts';
import * as waves from './2026120210_waves.ts';
import * as pilotPlaces from './2026120211_pilot_places.ts';
import * as reminderDue from './2026120212_reminder_due.ts';
import * as cloudWhatsapp from './2026120213_cloud_whatsapp.ts';
import * as breakdownIndexes from './2026120215_breakdown_indexes.ts';
import * as consentPromptForm from './2026120216_consent_prompt_form.ts';
import * as coding from './2026120217_coding.ts';
import * as workshops from './2026120218_workshops.ts';
import * as typedTranslation from './2026120220_typed_translation.ts';
import * as answerSearch from './2026120221_answer_search.ts';
import * as cost from './2026120225_cost.ts';
import * as outboxAddress from './2026120226_outbox_address.ts';

export const MIGRATIONS: Record<string, Migration> = {
  '2026112201_initial': initial,
  '2026112202_telegram_files': telegramFiles,
  '2026112203_whatsapp': whatsapp,
  '2026112204_media': media,
  '2026112205_dashboard': dashboard,
  '2026112206_pilots': pilots,
  '2026120201_dead_letters': deadLetters,
  '2026120202_answer_issues': answerIssues,
  '2026120203_organisations': organisations,
  '2026120204_consent_lists': consentLists,
  '2026120205_map_people': mapPeople,
  '2026120206_sent_messages': sentMessages,
  '2026120207_unreachable': unreachable,
  '2026120208_outbox_priority': outboxPriority,
  '2026120209_login_attempts': loginAttempts,
  '2026120210_waves': waves,
  '2026120211_pilot_places': pilotPlaces,
  '2026120212_reminder_due': reminderDue,
  '2026120213_cloud_whatsapp': cloudWhatsapp,
  '2026120215_breakdown_indexes': breakdownIndexes,
  '2026120216_consent_prompt_form': consentPromptForm,
  '2026120217_coding': coding,
  '2026120218_workshops': workshops,
  '2026120220_typed_translation': typedTranslation,
  '2026120221_answer_search': answerSearch,
  '2026120225_cost': cost,
  '2026120226_outbox_address': outboxAddress,
};
