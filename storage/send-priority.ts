/**
 * The two priorities of an outbound message, shared by the outbox, delivery and the pacers.
 * @module
 */
/**
 * Who waits for a message: a respondent in a conversation (replies, reminders, notes: sent
 * first) or nobody in particular (campaign invitations and results messages, follow-up
 * invitations: sent only when the channel's budget has room).
 */
export type SendPriority = 'conversation' | 'campaign';

/** The outbox column's value: lower is delivered first. */
export const PRIORITY_RANK: Readonly<Record<SendPriority, number>> = { conversation: 0, campaign: 1 };
