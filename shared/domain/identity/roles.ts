import type { Permission } from './permissions';
import { permissions } from './permissions';

export const systemRoleNames = [
  'ADMIN',
  'BRANCH_MANAGER',
  'LOAN_OFFICER',
  'TELLER',
  'AUDITOR',
  'COMPLIANCE_OFFICER',
  'COLLECTOR',
  'READ_ONLY',
] as const;
export type SystemRoleName = (typeof systemRoleNames)[number];

type Grantable = Exclude<Permission, 'public' | 'authenticated'>;

/** The original's eight system roles and exactly their permissions (inventory §17). */
// prettier-ignore
export const systemRolePermissions: Record<SystemRoleName, readonly Grantable[]> = {
  ADMIN: permissions.filter(
    (permission): permission is Grantable => permission !== 'public' && permission !== 'authenticated',
  ),
  BRANCH_MANAGER: [
    'VIEW_ACCOUNT', 'MODIFY_ACCOUNT', 'CREATE_ACCOUNT',
    'VIEW_CUSTOMER', 'MODIFY_CUSTOMER', 'CREATE_CUSTOMER',
    'VIEW_TRANSACTION', 'CREATE_TRANSACTION', 'APPROVE_TRANSACTION',
    'VIEW_LOAN', 'CREATE_LOAN', 'APPROVE_LOAN',
    'VIEW_REPORTS', 'CREATE_REPORTS',
    'START_WORKFLOW', 'APPROVE_WORKFLOW_STEP',
  ],
  LOAN_OFFICER: [
    'VIEW_CUSTOMER', 'CREATE_CUSTOMER', 'MODIFY_CUSTOMER',
    'VIEW_LOAN', 'CREATE_LOAN',
    'VIEW_ACCOUNT', 'CREATE_ACCOUNT',
    'START_WORKFLOW',
  ],
  TELLER: ['VIEW_ACCOUNT', 'VIEW_CUSTOMER', 'CREATE_TRANSACTION', 'VIEW_TRANSACTION'],
  AUDITOR: [
    'VIEW_ACCOUNT', 'VIEW_CUSTOMER', 'VIEW_TRANSACTION', 'VIEW_LOAN', 'VIEW_CREDIT_LINE',
    'VIEW_REPORTS', 'VIEW_AUDIT_LOG',
  ],
  COMPLIANCE_OFFICER: [
    'VIEW_ACCOUNT', 'VIEW_CUSTOMER', 'VIEW_TRANSACTION', 'VIEW_REPORTS', 'VIEW_AUDIT_LOG',
    'VIEW_COLLECTIONS', 'MANAGE_COLLECTIONS',
  ],
  COLLECTOR: ['VIEW_COLLECTIONS', 'MANAGE_COLLECTIONS', 'VIEW_LOAN', 'VIEW_CUSTOMER'],
  READ_ONLY: [
    'VIEW_ACCOUNT', 'VIEW_CUSTOMER', 'VIEW_TRANSACTION', 'VIEW_LOAN', 'VIEW_CREDIT_LINE',
    'VIEW_REPORTS',
  ],
};

/** Whether a caller holding `granted` may use a route requiring `required`. */
export function permits(granted: ReadonlySet<string>, required: Permission): boolean {
  return required === 'public' || required === 'authenticated' || granted.has(required);
}
