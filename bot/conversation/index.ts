/**
 * What the staff web app (bot/web/) may use of the conversation: the handler's type (to flush
 * replies after a staff action), the survey entries, and sending follow-up invitations.
 * Everything else in bot/conversation/ is internal (check:architecture enforces this).
 * @module
 */
export type { InboundHandler, SurveyEntry } from './handler.ts';
export { inviteCases } from './followup/invite.ts';
export { INVITATION_TEMPLATES } from './followup/message.ts';
export { createBankPilot, type BankPilotRequest } from './bank-pilot.ts';
export type { Renderer } from './render.ts';
export { loadSurveyFile, SurveyFileError, type LoadedSurvey } from './survey-files.ts';
