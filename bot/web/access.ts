/**
 * Who may see what: admins see every organisation; everyone else sees the pilots of the
 * organisations they are a member of, with the role they have there. A pilot of another
 * organisation does not exist for them (404, not 403: its code is not confirmed either).
 * @module
 */
import type { Role, User } from '../../storage/accounts.ts';

/** The user's role for a pilot of this organisation, or null when they may not see it. */
export function roleIn(user: User, organisationId: string): Role | null {
  if (user.role === 'admin') return 'admin';
  return user.organisations.find((m) => m.organisationId === organisationId)?.role ?? null;
}

/** Whether the user has one of these roles anywhere (the gate's first check, before the pilot is known). */
export function hasAnyRole(user: User, roles: readonly Role[]): boolean {
  return user.role === 'admin' || user.organisations.some((m) => roles.includes(m.role));
}

/** Roles that may read what respondents said in their own words (quotes, recordings). */
export const QUOTE_ROLES: readonly Role[] = ['admin', 'researcher', 'coordinator'];

/** Roles that may change a pilot's codebook, the codes of answers and which quotes viewers see (coordinators read the coding). */
export const CODING_ROLES: readonly Role[] = ['admin', 'researcher'];
