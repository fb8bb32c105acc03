/**
 * Permissions a route can require. `public` routes need no token at all (API.md: health, login,
 * refresh, the OpenAPI document and its UI). Every other route names exactly one permission that
 * the caller's roles must grant; the role matrix that grants them lives in the identity module.
 */
export const permissions = [
  'public',
  'system:read',
  'customers:read',
  'customers:write',
  'accounts:read',
  'accounts:write',
  'accounts:manage',
  'transactions:read',
  'transactions:write',
  'transactions:reverse',
  'ledger:read',
  'fx:read',
  'fx:write',
  'audit:read',
  'audit:write',
] as const;

export type Permission = (typeof permissions)[number];
