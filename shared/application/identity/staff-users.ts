import {
  approvalPermissions,
  effectiveLimit,
  type LimitingRole,
} from '../../domain/identity/amount-limits';
import { ADMINISTRATOR_ROLE_ID, permissionsBeyond, type Role } from '../../domain/identity/roles';
import { isEnabled, type User } from '../../domain/identity/user';
import type { DomainError } from '../../domain/errors';
import type { CurrencyCode, Money } from '../../domain/money';
import { err, ok, type Result } from '../../domain/result';
import { appendToChain } from '../audit/audit-chain';
import type { CommandContext } from '../ledger/accounts';
import type { Page, PageRequest, UserFilter } from '../ledger/ledger-store';
import type { WriteOp } from '../ledger/records';
import { runCommand, storedReplay, type CommandOutcome } from '../ledger/run-command';
import type { Dependencies } from '../ports';
import { auditInput, planNewUser, type NewUser } from './auth';
import {
  openStaffPersonalData,
  sealStaffPersonalData,
  type StaffPersonalData,
} from './staff-personal-data';

type Deps = Pick<
  Dependencies,
  'ledger' | 'retry' | 'clock' | 'ids' | 'logger' | 'locks' | 'passwords' | 'cipher'
>;
type Outcome = Promise<Result<CommandOutcome<StaffUser>, DomainError>>;

/** A user with its personal data opened, as the admin API shows it (never the password hash). */
export interface StaffUser {
  readonly user: User;
  readonly personal: StaffPersonalData;
}

export type UserStatusAction = 'activate' | 'deactivate' | 'lock' | 'unlock';

/**
 * Creates a staff user (POST /rbac/users); idempotent on the client's key. Its roles may grant
 * only permissions the creator holds.
 */
export async function createStaffUser(
  deps: Deps,
  command: Omit<NewUser, 'actor' | 'actorPermissions'>,
  context: CommandContext<StaffUser> & { readonly actorPermissions: ReadonlySet<string> },
): Outcome {
  return runCommand(deps, context, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const planned = await planNewUser(deps, {
      ...command,
      actor: context.actor,
      actorPermissions: context.actorPermissions,
    });
    if (!planned.ok) return planned;
    const personal = { email: command.email, fullName: command.fullName };
    return ok({ ops: planned.value.ops, value: { user: planned.value.value, personal } });
  });
}

/** A staff user by id. */
export async function getStaffUser(
  deps: Pick<Dependencies, 'ledger' | 'cipher'>,
  userId: string,
): Promise<Result<StaffUser, DomainError>> {
  const user = await deps.ledger.getUserById(userId);
  if (user === undefined) return err({ code: 'USER_NOT_FOUND', userId });
  return ok(await opened(deps, user));
}

/** A page of staff users in username order. */
export async function listStaffUsers(
  deps: Pick<Dependencies, 'ledger' | 'cipher'>,
  filter: UserFilter,
  page: PageRequest,
): Promise<Page<StaffUser>> {
  const found = await deps.ledger.listUsers(filter, page);
  return {
    items: await Promise.all(found.items.map((user) => opened(deps, user))),
    nextCursor: found.nextCursor,
  };
}

/**
 * Changes email, full name or branch: a given value replaces, null clears, absent keeps. The
 * audit record names the fields that changed, never their values (personal data).
 */
export async function updateStaffUser(
  deps: Deps,
  userId: string,
  change: {
    readonly email?: string | null | undefined;
    readonly fullName?: string | null | undefined;
    readonly branchId?: string | null | undefined;
  },
  context: CommandContext<StaffUser>,
): Outcome {
  return changeUser(deps, userId, context, async (user) => {
    const current = await openStaffPersonalData(deps.cipher, user.id, user.personal);
    const pick = <T>(given: T | null | undefined, kept: T | undefined): T | undefined =>
      given === undefined ? kept : (given ?? undefined);
    const personal = {
      email: pick(change.email, current.email),
      fullName: pick(change.fullName, current.fullName),
    };
    const branchId = pick(change.branchId, user.branchId);
    const fields = (['email', 'fullName', 'branchId'] as const).filter(
      (field) => change[field] !== undefined,
    );
    return ok({
      after: {
        ...user,
        branchId,
        personal: await sealStaffPersonalData(deps.cipher, user.id, personal),
      },
      action: 'USER_UPDATED',
      data: { fields: fields.join(',') },
      roleOps: [],
      personal,
    });
  });
}

/**
 * Activates, deactivates, locks or unlocks a user. Nobody disables themselves, and the last
 * enabled holder of ADMIN cannot be disabled: the ADMIN role's active-holder counter is
 * decremented in the same commit under the condition that another remains.
 */
export async function changeUserStatus(
  deps: Deps,
  userId: string,
  action: UserStatusAction,
  context: CommandContext<StaffUser>,
): Outcome {
  if ((action === 'deactivate' || action === 'lock') && context.actor === userId) {
    return err({ code: 'USER_CANNOT_DISABLE_SELF' });
  }
  return changeUser(deps, userId, context, async (user) => {
    const after = withStatus(user, action);
    if (
      after.active === user.active &&
      after.lockedByAdmin === user.lockedByAdmin &&
      after.lockedUntil === user.lockedUntil &&
      after.failedAttempts === user.failedAttempts
    ) {
      return ok(undefined); // Already so: nothing to write or audit.
    }
    const roleOps = await activeHolderOps(deps, user, after, user.roles);
    if (!roleOps.ok) return roleOps;
    return ok({
      after,
      action: statusAuditAction[action],
      data: {},
      roleOps: roleOps.value,
      personal: undefined,
    });
  });
}

/** Gives a user a role; holding it already changes nothing. */
export async function assignRole(
  deps: Deps,
  userId: string,
  roleId: string,
  context: CommandContext<StaffUser> & { readonly actorPermissions: ReadonlySet<string> },
): Outcome {
  return changeUser(deps, userId, context, async (user) => {
    if (user.roles.includes(roleId)) return ok(undefined);
    const role = await deps.ledger.getRole(roleId);
    if (role === undefined) return err({ code: 'ROLE_NOT_FOUND', roleId });
    const beyond = permissionsBeyond(role.permissions, context.actorPermissions);
    if (beyond.length > 0) return err({ code: 'ROLE_EXCEEDS_CALLER', permissions: beyond });
    return ok({
      after: { ...user, roles: [...user.roles, roleId] },
      action: 'ROLE_ASSIGNED',
      data: { roleId },
      roleOps: [
        {
          kind: 'adjustRoleMembers',
          roleId,
          members: 1,
          activeMembers: isEnabled(user) ? 1 : 0,
        },
      ],
      personal: undefined,
    });
  });
}

/** Takes a role from a user; not holding it changes nothing. The last active ADMIN keeps ADMIN. */
export async function removeRole(
  deps: Deps,
  userId: string,
  roleId: string,
  context: CommandContext<StaffUser>,
): Outcome {
  return changeUser(deps, userId, context, async (user) => {
    if (!user.roles.includes(roleId)) return ok(undefined);
    const guarded = await lastAdminGuard(deps, user, roleId);
    if (!guarded.ok) return guarded;
    const enabled = isEnabled(user);
    return ok({
      after: { ...user, roles: user.roles.filter((held) => held !== roleId) },
      action: 'ROLE_REMOVED',
      data: { roleId },
      roleOps: [
        {
          kind: 'adjustRoleMembers',
          roleId,
          members: -1,
          activeMembers: enabled ? -1 : 0,
          ...(guarded.value ? { keepActiveAbove: 1 } : {}),
        },
      ],
      personal: undefined,
    });
  });
}

/** What a user may do now: the union of its roles' permissions and the effective limits. */
export interface EffectivePermissions {
  readonly user: User;
  readonly permissions: readonly string[];
  readonly transactionLimits: readonly Money[];
  readonly approvalLimits: readonly Money[];
}

/** A user's effective permissions and, per currency with a cap, its effective limits. */
export async function effectivePermissions(
  deps: Pick<Dependencies, 'ledger'>,
  userId: string,
): Promise<Result<EffectivePermissions, DomainError>> {
  const user = await deps.ledger.getUserById(userId);
  if (user === undefined) return err({ code: 'USER_NOT_FOUND', userId });
  const roles = await deps.ledger.getRoles(user.roles);
  const held = new Set(roles.flatMap((role) => role.permissions));
  return ok({
    user,
    permissions: [...held].sort(),
    transactionLimits: cappedLimits(roles, 'transaction'),
    approvalLimits: cappedLimits(roles, 'approval'),
  });
}

function cappedLimits(roles: readonly LimitingRole[], kind: 'transaction' | 'approval'): Money[] {
  const currencies = new Set<CurrencyCode>(
    roles.flatMap((role) =>
      (kind === 'transaction' ? role.transactionLimits : role.approvalLimits).map(
        (limit) => limit.currency,
      ),
    ),
  );
  const permission = kind === 'transaction' ? 'CREATE_TRANSACTION' : approvalPermissions;
  return [...currencies].sort().flatMap((currency) => {
    const limit = effectiveLimit(roles, kind, permission, currency);
    return limit.kind === 'limited' ? [limit.max] : [];
  });
}

/** One planned change of a user: the user after it, its audit entry and the role counter writes. */
interface UserChange {
  readonly after: User;
  readonly action: string;
  readonly data: Readonly<Record<string, string>>;
  readonly roleOps: readonly WriteOp[];
  /** The opened personal data after the change, when the change computed it. */
  readonly personal: StaffPersonalData | undefined;
}

/**
 * The unit of work every user change shares: fresh read by id, the change (undefined: nothing
 * to do), a version-conditioned write with its audit record on the user's chain and any role
 * counter updates, all in one commit, retried on conflicts, idempotent on the client's key.
 */
async function changeUser(
  deps: Deps,
  userId: string,
  context: CommandContext<StaffUser>,
  decide: (user: User) => Promise<Result<UserChange | undefined, DomainError>>,
): Outcome {
  return runCommand(deps, { ...context, lockKeys: [`USER#${userId}`] }, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const user = await deps.ledger.getUserById(userId);
    if (user === undefined) return err({ code: 'USER_NOT_FOUND', userId });
    const decided = await decide(user);
    if (!decided.ok) return decided;
    const change = decided.value;
    if (change === undefined) return ok({ ops: [], value: await opened(deps, user) });
    const now = deps.clock.now();
    const appended = appendToChain(
      user.audit,
      auditInput(user, change.action, context.actor, now, change.data),
    );
    const after: User = {
      ...change.after,
      version: user.version + 1,
      audit: appended.head,
      updatedAt: now.toISOString(),
    };
    return ok({
      ops: [
        { kind: 'updateUser', before: user, after },
        { kind: 'appendAudit', record: appended.record },
        ...change.roleOps,
      ],
      value:
        change.personal === undefined
          ? await opened(deps, after)
          : { user: after, personal: change.personal },
    });
  });
}

const statusAuditAction: Record<UserStatusAction, string> = {
  activate: 'USER_ACTIVATED',
  deactivate: 'USER_DEACTIVATED',
  lock: 'USER_LOCKED',
  unlock: 'USER_UNLOCKED',
};

function withStatus(user: User, action: UserStatusAction): User {
  switch (action) {
    case 'activate':
      return { ...user, active: true };
    case 'deactivate':
      return { ...user, active: false };
    case 'lock':
      return { ...user, lockedByAdmin: true };
    case 'unlock':
      // An unlock also ends a lockout after failed sign-ins: the administrator vouches for them.
      return { ...user, lockedByAdmin: false, lockedUntil: undefined, failedAttempts: 0 };
  }
}

/**
 * The role counter writes when a user's enabled state changes: one active holder less (or more)
 * on each of its roles, the ADMIN one guarded so that another active administrator remains.
 */
async function activeHolderOps(
  deps: Pick<Dependencies, 'ledger'>,
  before: User,
  after: User,
  roleIds: readonly string[],
): Promise<Result<WriteOp[], DomainError>> {
  const delta = Number(isEnabled(after)) - Number(isEnabled(before));
  if (delta === 0) return ok([]);
  const guarded = delta < 0 ? await lastAdminGuard(deps, before, ADMINISTRATOR_ROLE_ID) : ok(false);
  if (!guarded.ok) return guarded;
  return ok(
    roleIds.map((roleId) => ({
      kind: 'adjustRoleMembers',
      roleId,
      members: 0,
      activeMembers: delta,
      ...(guarded.value && roleId === ADMINISTRATOR_ROLE_ID ? { keepActiveAbove: 1 } : {}),
    })),
  );
}

/**
 * Whether taking `roleId` (or the enabled state) from `user` needs the last-admin guard, and a
 * refusal when the user is the last enabled administrator. The commit's condition on the ADMIN
 * counter settles races between two administrators disabling each other.
 */
async function lastAdminGuard(
  deps: Pick<Dependencies, 'ledger'>,
  user: User,
  roleId: string,
): Promise<Result<boolean, DomainError>> {
  if (roleId !== ADMINISTRATOR_ROLE_ID || !isEnabled(user)) return ok(false);
  if (!user.roles.includes(ADMINISTRATOR_ROLE_ID)) return ok(false);
  const admin: Role | undefined = await deps.ledger.getRole(ADMINISTRATOR_ROLE_ID);
  if (admin === undefined || admin.activeMemberCount <= 1) {
    return err({ code: 'LAST_ACTIVE_ADMIN', userId: user.id });
  }
  return ok(true);
}

async function opened(deps: Pick<Dependencies, 'cipher'>, user: User): Promise<StaffUser> {
  return { user, personal: await openStaffPersonalData(deps.cipher, user.id, user.personal) };
}
