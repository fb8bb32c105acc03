import type { RefreshTokenRecord } from '../../application/ledger/records';
import type { Grantable, Role } from '../../domain/identity/roles';
import type { SealedPersonalData, User } from '../../domain/identity/user';
import { Money, type CurrencyCode } from '../../domain/money';
import { bigintOf, intOf, type Item } from './ledger-items';

/** The partitions of the staff directory's list indexes (GSI2): one each, staff counts are small. */
export const USERS_INDEX = 'USERS';
export const ROLES_INDEX = 'ROLES';

export const identityKeys = {
  user: (username: string) => ({ pk: `USER#${username.toLowerCase()}`, sk: 'USER' }),
  /** id → username: a user is stored by username (sign-in), this finds it by id consistently. */
  userId: (userId: string) => ({ pk: `USERID#${userId}`, sk: 'USERID' }),
  role: (roleId: string) => ({ pk: `ROLE#${roleId}`, sk: 'ROLE' }),
  /** Claims a role name, so two roles never share one (released when the role is deleted). */
  roleName: (name: string) => ({ pk: `ROLENAME#${name}`, sk: 'ROLENAME' }),
  refreshToken: (id: string) => ({ pk: `REFRESH#${id}`, sk: 'REFRESH' }),
  tokenFamily: (id: string) => ({ pk: `TOKENFAMILY#${id}`, sk: 'FAMILY' }),
} as const;

export function userItem(user: User): Item {
  return {
    ...identityKeys.user(user.username),
    type: 'User',
    id: user.id,
    username: user.username,
    roles: [...user.roles],
    active: user.active,
    lockedByAdmin: user.lockedByAdmin,
    lockedUntil: user.lockedUntil,
    failedAttempts: user.failedAttempts,
    passwordHash: user.passwordHash,
    passwordChangedAt: user.passwordChangedAt,
    passwordHistory: [...user.passwordHistory],
    lastLoginAt: user.lastLoginAt,
    branchId: user.branchId,
    pii: user.personal,
    version: user.version,
    auditSeq: user.audit.seq,
    auditHash: user.audit.hash,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    gsi1pk: `USERID#${user.id}`,
    gsi1sk: 'USER',
    gsi2pk: USERS_INDEX,
    gsi2sk: user.username.toLowerCase(),
  };
}

export function userOf(item: Item): User {
  return {
    id: String(item.id),
    username: String(item.username),
    roles: (item.roles as string[] | undefined) ?? [],
    active: item.active === true,
    lockedByAdmin: item.lockedByAdmin === true,
    lockedUntil: typeof item.lockedUntil === 'string' ? item.lockedUntil : undefined,
    failedAttempts: intOf(item.failedAttempts),
    passwordHash: String(item.passwordHash),
    passwordChangedAt: String(item.passwordChangedAt),
    passwordHistory: (item.passwordHistory as string[] | undefined) ?? [],
    lastLoginAt: typeof item.lastLoginAt === 'string' ? item.lastLoginAt : undefined,
    branchId: typeof item.branchId === 'string' ? item.branchId : undefined,
    personal: (item.pii as SealedPersonalData | undefined) ?? undefined,
    version: intOf(item.version),
    audit: { seq: intOf(item.auditSeq), hash: String(item.auditHash) },
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

export function refreshTokenItem(token: RefreshTokenRecord): Item {
  return {
    ...identityKeys.refreshToken(token.id),
    type: 'RefreshToken',
    id: token.id,
    familyId: token.familyId,
    userId: token.userId,
    username: token.username,
    secretHash: token.secretHash,
    expiresAt: token.expiresAtEpochSeconds,
  };
}

export function refreshTokenOf(item: Item): RefreshTokenRecord {
  return {
    id: String(item.id),
    familyId: String(item.familyId),
    userId: String(item.userId),
    username: String(item.username),
    secretHash: String(item.secretHash),
    expiresAtEpochSeconds: intOf(item.expiresAt),
    usedAt: typeof item.usedAt === 'string' ? item.usedAt : undefined,
  };
}

const moneyItems = (limits: readonly Money[]) =>
  limits.map((limit) => ({ currency: limit.currency, amountMinor: limit.toMinor() }));

const moneyOf = (items: unknown): Money[] =>
  ((items as Item[] | undefined) ?? []).map((item) =>
    Money.fromMinor(bigintOf(item.amountMinor), String(item.currency) as CurrencyCode),
  );

/** A role item without its member counters, which only `ADD` updates change. */
export function roleItem(role: Role): Item {
  return {
    ...identityKeys.role(role.id),
    type: 'Role',
    ...roleAttributes(role),
    memberCount: role.memberCount,
    activeMemberCount: role.activeMemberCount,
    createdAt: role.createdAt,
    gsi2pk: ROLES_INDEX,
    gsi2sk: role.name,
  };
}

/** The attributes a role update sets (never the counters, which concurrent assignments ADD to). */
export function roleAttributes(role: Role): Item {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    system: role.system,
    permissions: [...role.permissions],
    transactionLimits: moneyItems(role.transactionLimits),
    approvalLimits: moneyItems(role.approvalLimits),
    version: role.version,
    auditSeq: role.audit.seq,
    auditHash: role.audit.hash,
    updatedAt: role.updatedAt,
  };
}

export function roleOf(item: Item): Role {
  return {
    id: String(item.id),
    name: String(item.name),
    description: String(item.description),
    system: item.system === true,
    permissions: (item.permissions as Grantable[] | undefined) ?? [],
    transactionLimits: moneyOf(item.transactionLimits),
    approvalLimits: moneyOf(item.approvalLimits),
    memberCount: intOf(item.memberCount ?? 0),
    activeMemberCount: intOf(item.activeMemberCount ?? 0),
    version: intOf(item.version),
    audit: { seq: intOf(item.auditSeq), hash: String(item.auditHash) },
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}
