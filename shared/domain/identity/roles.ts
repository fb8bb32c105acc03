import type { ChainHead } from '../ledger/account';
import type { Money } from '../money';
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

/** A permission a role can grant: every permission but the two route markers. */
export type Grantable = Exclude<Permission, 'public' | 'authenticated'>;

/** The 36 grantable permissions, in the original's order. */
export const grantablePermissions: readonly Grantable[] = permissions.filter(
  (permission): permission is Grantable =>
    permission !== 'public' && permission !== 'authenticated',
);

/** The original's eight system roles and exactly their permissions (inventory §17). */
// prettier-ignore
export const systemRolePermissions: Record<SystemRoleName, readonly Grantable[]> = {
  ADMIN: grantablePermissions,
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

/** Whether `roleId` names one of the eight seeded, immutable system roles (their id is their name). */
export function isSystemRoleId(roleId: string): roleId is SystemRoleName {
  return (systemRoleNames as readonly string[]).includes(roleId);
}

/** The role whose last active holder may not be disabled or lose it: the bank would be locked out. */
export const ADMINISTRATOR_ROLE_ID: SystemRoleName = 'ADMIN';

/**
 * A role as stored: the eight system roles (id == name, immutable) and the bank's custom roles
 * (ULID ids). Limits are per currency, at most one per currency; a currency without a limit is
 * unlimited for this role.
 */
export interface Role {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly system: boolean;
  readonly permissions: readonly Grantable[];
  readonly transactionLimits: readonly Money[];
  readonly approvalLimits: readonly Money[];
  /** Users holding the role: a role is deleted only at zero (kept in the same commit as assign/remove). */
  readonly memberCount: number;
  /** Holders that are active and not locked by an administrator (the last-admin guard reads it). */
  readonly activeMemberCount: number;
  readonly version: number;
  readonly audit: ChainHead;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The system roles as records, for the seed: no limits, no members yet. */
export function systemRoles(at: string): Role[] {
  return systemRoleNames.map((name) => ({
    id: name,
    name,
    description: `System role ${name}`,
    system: true,
    permissions: systemRolePermissions[name],
    transactionLimits: [],
    approvalLimits: [],
    memberCount: 0,
    activeMemberCount: 0,
    version: 1,
    audit: { seq: 0, hash: '0'.repeat(64) }, // GENESIS: no audit record yet (audit-chain.ts)
    createdAt: at,
    updatedAt: at,
  }));
}

/**
 * The permissions among `granted` that `caller` does not hold: a user manager or role manager
 * may hand out only what they hold themselves, so MANAGE_USERS alone never leads to ADMIN.
 */
export function permissionsBeyond(
  granted: readonly string[],
  caller: ReadonlySet<string>,
): string[] {
  return [...new Set(granted)].filter((permission) => !caller.has(permission));
}
