/**
 * Permissions a route can require: the original Nexum's 36, under their original names, plus
 * `public` for routes that need no token at all (API.md: health, login, refresh, the OpenAPI
 * document and its UI). Every other route names exactly one permission the caller's roles must
 * grant (`authenticated`: any signed-in user); the role matrix is in roles.ts.
 */
export const permissions = [
  'public',
  'authenticated',
  'CREATE_ACCOUNT',
  'VIEW_ACCOUNT',
  'MODIFY_ACCOUNT',
  'CLOSE_ACCOUNT',
  'CREATE_TRANSACTION',
  'APPROVE_TRANSACTION',
  'REVERSE_TRANSACTION',
  'VIEW_TRANSACTION',
  'CREATE_LOAN',
  'APPROVE_LOAN',
  'DISBURSE_LOAN',
  'VIEW_LOAN',
  'WRITE_OFF_LOAN',
  'CREATE_CREDIT_LINE',
  'MODIFY_CREDIT_LIMIT',
  'VIEW_CREDIT_LINE',
  'CREATE_CUSTOMER',
  'VIEW_CUSTOMER',
  'MODIFY_CUSTOMER',
  'DELETE_CUSTOMER',
  'CREATE_PRODUCT',
  'MODIFY_PRODUCT',
  'ACTIVATE_PRODUCT',
  'RETIRE_PRODUCT',
  'VIEW_REPORTS',
  'CREATE_REPORTS',
  'EXPORT_REPORTS',
  'START_WORKFLOW',
  'APPROVE_WORKFLOW_STEP',
  'MANAGE_USERS',
  'MANAGE_ROLES',
  'VIEW_AUDIT_LOG',
  'SYSTEM_CONFIG',
  'VIEW_COLLECTIONS',
  'MANAGE_COLLECTIONS',
  'ASSIGN_COLLECTORS',
] as const;

export type Permission = (typeof permissions)[number];
