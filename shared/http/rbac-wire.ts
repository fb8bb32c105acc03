import type { EffectivePermissions, StaffUser } from '../application/identity/staff-users';
import type { Role } from '../domain/identity/roles';

/** A staff user on the wire: personal data opened, the password hash and history never. */
export function userWire({ user, personal }: StaffUser) {
  return {
    id: user.id,
    username: user.username,
    roles: [...user.roles],
    active: user.active,
    locked: user.lockedByAdmin,
    lockedUntil: user.lockedUntil ?? null,
    email: personal.email ?? null,
    fullName: personal.fullName ?? null,
    branchId: user.branchId ?? null,
    lastLoginAt: user.lastLoginAt ?? null,
    passwordChangedAt: user.passwordChangedAt,
    version: user.version,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

/** A role on the wire, limits as Money objects. */
export function roleWire(role: Role) {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    system: role.system,
    permissions: [...role.permissions],
    transactionLimits: role.transactionLimits.map((limit) => limit.toJSON()),
    approvalLimits: role.approvalLimits.map((limit) => limit.toJSON()),
    memberCount: role.memberCount,
    version: role.version,
    createdAt: role.createdAt,
    updatedAt: role.updatedAt,
  };
}

/** A user's effective permissions and capped limits. */
export function effectivePermissionsWire(effective: EffectivePermissions) {
  return {
    userId: effective.user.id,
    username: effective.user.username,
    roles: [...effective.user.roles],
    permissions: [...effective.permissions],
    transactionLimits: effective.transactionLimits.map((limit) => limit.toJSON()),
    approvalLimits: effective.approvalLimits.map((limit) => limit.toJSON()),
  };
}
