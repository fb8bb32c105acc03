import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DomainError } from '../../domain/errors';
import { passwordProblems } from '../../domain/identity/password-policy';
import { permissionsBeyond } from '../../domain/identity/roles';
import { afterFailedAttempt, canSignIn, type User } from '../../domain/identity/user';
import { err, ok, type Result } from '../../domain/result';
import { appendToChain, GENESIS } from '../audit/audit-chain';
import type { WriteOp } from '../ledger/records';
import type { Dependencies } from '../ports';
import type { Principal } from './ports';
import { sealStaffPersonalData, type StaffPersonalData } from './staff-personal-data';

type Deps = Pick<
  Dependencies,
  'ledger' | 'clock' | 'ids' | 'tokens' | 'passwords' | 'lockout' | 'cipher'
>;

export interface IssuedTokens {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
  readonly refreshToken: string;
}

/** How long a refresh token (and its rotating family) stays usable. */
export const REFRESH_TTL_SECONDS = 12 * 3600;

// A real scrypt hash of a random password: unknown users cost the same time as known ones.
let decoyHash: Promise<string> | undefined;

/**
 * Signs a user in. Unknown users, wrong passwords, locked and inactive users all get the same
 * answer after the same work (a password hash is always verified), so neither the message nor
 * the timing tells whether a username exists. Consecutive failures lock the user.
 */
export async function login(
  deps: Deps,
  credentials: { readonly username: string; readonly password: string },
): Promise<Result<IssuedTokens, DomainError>> {
  const user = await deps.ledger.getUser(credentials.username);
  decoyHash ??= deps.passwords.hash(randomBytes(24).toString('base64'));
  const matches = await deps.passwords.verify(
    credentials.password,
    user?.passwordHash ?? (await decoyHash),
  );
  const now = deps.clock.now();
  if (user === undefined) return err({ code: 'INVALID_CREDENTIALS' });
  if (!canSignIn(user, now.toISOString())) return err({ code: 'INVALID_CREDENTIALS' });
  if (!matches) {
    const lockoutEnds = new Date(
      now.getTime() + deps.lockout.lockoutMinutes * 60_000,
    ).toISOString();
    const after = afterFailedAttempt(user, { now: now.toISOString(), lockoutEnds }, deps.lockout);
    const locked = after.lockedUntil !== user.lockedUntil;
    await deps.ledger.commit([
      {
        kind: 'updateUser',
        before: user,
        after: locked ? audited(after, 'USER_LOCKED', 'system', now) : after,
      },
      ...(locked ? [auditOp(after, 'USER_LOCKED', 'system', now)] : []),
    ]);
    return err({ code: 'INVALID_CREDENTIALS' });
  }
  const signedIn: User = {
    ...user,
    failedAttempts: 0,
    lockedUntil: undefined,
    lastLoginAt: now.toISOString(),
    version: user.version + 1,
    updatedAt: now.toISOString(),
  };
  const refresh = newRefreshToken(deps, signedIn, deps.ids.next());
  const committed = await deps.ledger.commit([
    { kind: 'updateUser', before: user, after: signedIn },
    { kind: 'putRefreshToken', token: refresh.record },
  ]);
  // A concurrent sign-in changed the user; the password was right, so just try once more.
  if (!committed.committed) return login(deps, credentials);
  return ok(await tokensFor(deps, signedIn, refresh.token));
}

/**
 * Exchanges a refresh token for new tokens. Each refresh token works once; presenting a spent one
 * means it was stolen or replayed, so its whole family is revoked and every holder must sign in.
 */
export async function refresh(
  deps: Deps,
  presented: string,
): Promise<Result<IssuedTokens, DomainError>> {
  const [tokenId, secret] = presented.split('.');
  if (tokenId === undefined || secret === undefined || tokenId.length === 0)
    return err({ code: 'INVALID_REFRESH_TOKEN' });
  const stored = await deps.ledger.getRefreshToken(tokenId);
  const now = deps.clock.now();
  if (stored === undefined || !sameSecret(secret, stored.secretHash))
    return err({ code: 'INVALID_REFRESH_TOKEN' });
  if (stored.usedAt !== undefined) {
    await deps.ledger.commit([
      { kind: 'revokeTokenFamily', familyId: stored.familyId, revokedAt: now.toISOString() },
    ]);
    return err({ code: 'INVALID_REFRESH_TOKEN' });
  }
  if (
    stored.expiresAtEpochSeconds * 1000 <= now.getTime() ||
    (await deps.ledger.isTokenFamilyRevoked(stored.familyId))
  ) {
    return err({ code: 'INVALID_REFRESH_TOKEN' });
  }
  const user = await deps.ledger.getUser(stored.username);
  if (user === undefined || user.id !== stored.userId || !canSignIn(user, now.toISOString())) {
    return err({ code: 'INVALID_REFRESH_TOKEN' });
  }
  const next = newRefreshToken(deps, user, stored.familyId);
  const committed = await deps.ledger.commit([
    { kind: 'useRefreshToken', tokenId: stored.id, usedAt: now.toISOString() },
    { kind: 'putRefreshToken', token: next.record },
  ]);
  if (!committed.committed) {
    // Someone spent it between our read and write: a replay race. Revoke the family.
    await deps.ledger.commit([
      { kind: 'revokeTokenFamily', familyId: stored.familyId, revokedAt: now.toISOString() },
    ]);
    return err({ code: 'INVALID_REFRESH_TOKEN' });
  }
  return ok(await tokensFor(deps, user, next.token));
}

/** Ends a session: the refresh token's family is revoked (access tokens expire on their own). */
export async function logout(deps: Deps, presented: string): Promise<void> {
  const [tokenId, secret] = presented.split('.');
  if (tokenId === undefined || secret === undefined || tokenId.length === 0) return;
  const stored = await deps.ledger.getRefreshToken(tokenId);
  if (stored === undefined || !sameSecret(secret, stored.secretHash)) return;
  await deps.ledger.commit([
    {
      kind: 'revokeTokenFamily',
      familyId: stored.familyId,
      revokedAt: deps.clock.now().toISOString(),
    },
  ]);
}

/** Changes the caller's password after checking the current one and the policy. */
export async function changePassword(
  deps: Deps,
  principal: Principal,
  change: { readonly currentPassword: string; readonly newPassword: string },
): Promise<Result<void, DomainError>> {
  const user = await deps.ledger.getUser(principal.username);
  if (
    user === undefined ||
    !(await deps.passwords.verify(change.currentPassword, user.passwordHash))
  ) {
    return err({ code: 'INVALID_CREDENTIALS' });
  }
  const problems = passwordProblems(change.newPassword, user.username);
  for (const previous of [user.passwordHash, ...user.passwordHistory]) {
    if (await deps.passwords.verify(change.newPassword, previous)) {
      problems.push('Must differ from the last 5 passwords');
      break;
    }
  }
  if (problems.length > 0) return err({ code: 'PASSWORD_POLICY_VIOLATION', problems });
  const now = deps.clock.now();
  const after: User = {
    ...user,
    passwordHash: await deps.passwords.hash(change.newPassword),
    passwordHistory: [user.passwordHash, ...user.passwordHistory].slice(0, 5),
    passwordChangedAt: now.toISOString(),
    version: user.version + 1,
    updatedAt: now.toISOString(),
  };
  const result = await deps.ledger.commit([
    {
      kind: 'updateUser',
      before: user,
      after: audited(after, 'PASSWORD_CHANGED', principal.userId, now),
    },
    auditOp(after, 'PASSWORD_CHANGED', principal.userId, now),
  ]);
  return result.committed
    ? ok(undefined)
    : err({ code: 'CONFLICT', detail: 'The user changed meanwhile; retry' });
}

/**
 * Creates the first administrator on an empty system. Returns the password only when it was
 * generated, so the caller can show it once.
 */
export async function ensureAdministrator(
  deps: Deps,
  configuredPassword: string | undefined,
): Promise<{ readonly created: boolean; readonly generatedPassword?: string }> {
  if ((await deps.ledger.getUser('admin')) !== undefined) return { created: false };
  const generated =
    configuredPassword === undefined ? `${randomBytes(12).toString('base64url')}aA1!` : undefined;
  const created = await createUser(deps, {
    username: 'admin',
    password: configuredPassword ?? generated ?? '',
    roles: ['ADMIN'],
    actor: 'system',
  });
  if (!created.ok) {
    if (created.error.code === 'ROLE_NOT_FOUND') {
      throw new Error('The ADMIN role is missing: run the seed before creating the administrator');
    }
    if (created.error.code === 'PASSWORD_POLICY_VIOLATION') {
      throw new Error(
        `NEXUM_ADMIN_PASSWORD does not meet the policy: ${created.error.problems.join('; ')}`,
      );
    }
    return { created: false };
  }
  return generated === undefined
    ? { created: true }
    : { created: true, generatedPassword: generated };
}

/** What a new user is made of; email and full name are sealed before they are stored. */
export interface NewUser extends StaffPersonalData {
  readonly username: string;
  readonly password: string;
  readonly roles: readonly string[];
  readonly branchId?: string | undefined;
  readonly actor: string;
  /** The creator's permissions: the roles may grant no more (undefined: the system itself). */
  readonly actorPermissions?: ReadonlySet<string> | undefined;
}

/**
 * Creates a user with roles; the username is unique (create-once), the password must meet the
 * policy and every role must exist.
 */
export async function createUser(
  deps: Deps & Pick<Dependencies, 'cipher'>,
  command: NewUser,
): Promise<Result<User, DomainError>> {
  const planned = await planNewUser(deps, command);
  if (!planned.ok) return planned;
  const result = await deps.ledger.commit(planned.value.ops);
  if (result.committed) return ok(planned.value.value);
  // A lost race for the username, or a role deleted meanwhile: the fresh reads tell which.
  const again = await planNewUser(deps, command);
  return again.ok ? err({ code: 'CONFLICT', detail: 'Concurrent change; retry' }) : again;
}

/**
 * The writes that create a user: the user (create-once on its username), its id pointer, its
 * audit chain, and one member more on each of its roles, all in one commit. A role deleted
 * between the read and the commit fails the commit's condition.
 */
export async function planNewUser(
  deps: Pick<Dependencies, 'ledger' | 'clock' | 'ids' | 'passwords' | 'cipher'>,
  command: NewUser,
): Promise<Result<{ readonly ops: WriteOp[]; readonly value: User }, DomainError>> {
  const problems = passwordProblems(command.password, command.username);
  if (problems.length > 0) return err({ code: 'PASSWORD_POLICY_VIOLATION', problems });
  const roleIds = [...new Set(command.roles)];
  const [existing, roles] = await Promise.all([
    deps.ledger.getUser(command.username),
    deps.ledger.getRoles(roleIds),
  ]);
  if (existing !== undefined) return err({ code: 'USERNAME_TAKEN', username: command.username });
  const missing = roleIds.find((id) => !roles.some((role) => role.id === id));
  if (missing !== undefined) return err({ code: 'ROLE_NOT_FOUND', roleId: missing });
  if (command.actorPermissions !== undefined) {
    const beyond = permissionsBeyond(
      roles.flatMap((role) => role.permissions),
      command.actorPermissions,
    );
    if (beyond.length > 0) return err({ code: 'ROLE_EXCEEDS_CALLER', permissions: beyond });
  }
  const now = deps.clock.now();
  const id = deps.ids.next();
  const base: User = {
    id,
    username: command.username,
    roles: roleIds,
    active: true,
    lockedByAdmin: false,
    lockedUntil: undefined,
    failedAttempts: 0,
    passwordHash: await deps.passwords.hash(command.password),
    passwordChangedAt: now.toISOString(),
    passwordHistory: [],
    lastLoginAt: undefined,
    branchId: command.branchId,
    personal: await sealStaffPersonalData(deps.cipher, id, command),
    version: 1,
    audit: GENESIS,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const appended = appendToChain(
    GENESIS,
    auditInput(base, 'USER_CREATED', command.actor, now, { roles: roleIds.join(',') }),
  );
  const user = { ...base, audit: appended.head };
  return ok({
    ops: [
      { kind: 'createUser', user },
      { kind: 'claimUserId', userId: user.id, username: user.username },
      { kind: 'registerChain', chainId: `USER#${user.id}`, entityType: 'USER', entityId: user.id },
      { kind: 'appendAudit', record: appended.record },
      ...roleIds.map((roleId): WriteOp => ({
        kind: 'adjustRoleMembers',
        roleId,
        members: 1,
        activeMembers: 1,
      })),
    ],
    value: user,
  });
}

async function tokensFor(deps: Deps, user: User, refreshToken: string): Promise<IssuedTokens> {
  const access = await deps.tokens.issue({
    sub: user.id,
    username: user.username,
    roles: user.roles,
  });
  return {
    accessToken: access.token,
    tokenType: 'Bearer',
    expiresIn: access.expiresInSeconds,
    refreshToken,
  };
}

function newRefreshToken(deps: Pick<Dependencies, 'ids' | 'clock'>, user: User, familyId: string) {
  const id = deps.ids.next();
  const secret = randomBytes(32).toString('base64url');
  return {
    token: `${id}.${secret}`,
    record: {
      id,
      familyId,
      userId: user.id,
      username: user.username,
      secretHash: sha256(secret),
      expiresAtEpochSeconds: Math.floor(deps.clock.now().getTime() / 1000) + REFRESH_TTL_SECONDS,
      usedAt: undefined,
    },
  };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function sameSecret(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(sha256(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** The audit input of a change to a user; `data` never carries personal data. */
export function auditInput(
  user: User,
  action: string,
  actor: string,
  now: Date,
  data: Readonly<Record<string, string>> = {},
) {
  return {
    chainId: `USER#${user.id}`,
    at: now.toISOString(),
    entityType: 'USER',
    entityId: user.id,
    action,
    actor,
    data: { username: user.username, ...data },
  };
}

function audited(user: User, action: string, actor: string, now: Date): User {
  return { ...user, audit: appendToChain(user.audit, auditInput(user, action, actor, now)).head };
}

function auditOp(user: User, action: string, actor: string, now: Date): WriteOp {
  return {
    kind: 'appendAudit',
    record: appendToChain(user.audit, auditInput(user, action, actor, now)).record,
  };
}
