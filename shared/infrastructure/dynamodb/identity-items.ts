import type { RefreshTokenRecord } from '../../application/ledger/records';
import type { User } from '../../domain/identity/user';
import { intOf, type Item } from './ledger-items';

export const identityKeys = {
  user: (username: string) => ({ pk: `USER#${username.toLowerCase()}`, sk: 'USER' }),
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
    version: user.version,
    auditSeq: user.audit.seq,
    auditHash: user.audit.hash,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    gsi1pk: `USERID#${user.id}`,
    gsi1sk: 'USER',
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
