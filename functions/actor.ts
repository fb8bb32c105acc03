/**
 * Who the audit trail names for a change. Until the identity module authenticates callers, every
 * request acts as the API itself; then this becomes the authenticated user's id.
 */
export const ACTOR = 'api';
