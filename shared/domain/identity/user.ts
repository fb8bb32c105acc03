import type { ChainHead } from '../ledger/account';

/** A member of the bank's staff (or a system client) who signs in to the API. */
export interface User {
  readonly id: string;
  readonly username: string;
  /** Role ids; a system role's id is its name ('ADMIN'). */
  readonly roles: readonly string[];
  readonly active: boolean;
  /** Locked by an administrator: only an unlock opens it again. */
  readonly lockedByAdmin: boolean;
  /** Locked after repeated failures until this instant (ISO), or undefined. */
  readonly lockedUntil: string | undefined;
  readonly failedAttempts: number;
  readonly passwordHash: string;
  readonly passwordChangedAt: string;
  readonly passwordHistory: readonly string[];
  readonly lastLoginAt: string | undefined;
  readonly branchId: string | undefined;
  /** Email and full name, sealed by the field cipher (personal data never stored in the clear). */
  readonly personal: SealedPersonalData | undefined;
  readonly version: number;
  readonly audit: ChainHead;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Sealed fields as the field cipher produces them (structurally its `SealedFields`). */
export interface SealedPersonalData {
  readonly keyId: string;
  readonly wrappedKey: string;
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * Whether the user counts as an enabled holder of its roles: active and not locked by an
 * administrator. A lockout after failed sign-ins is temporary and does not count.
 */
export const isEnabled = (user: Pick<User, 'active' | 'lockedByAdmin'>): boolean =>
  user.active && !user.lockedByAdmin;

/** Lockout after this many consecutive failures, for this long, unless configured otherwise. */
export interface LockoutPolicy {
  readonly maxFailedAttempts: number;
  readonly lockoutMinutes: number;
}

export const defaultLockoutPolicy: LockoutPolicy = { maxFailedAttempts: 5, lockoutMinutes: 30 };

/** Whether the user may sign in at `now`. */
export function canSignIn(user: User, now: string): boolean {
  return (
    user.active &&
    !user.lockedByAdmin &&
    (user.lockedUntil === undefined || user.lockedUntil <= now)
  );
}

/**
 * The user after a failed attempt at `now`: counted, and locked until `lockoutEnds` (now plus the
 * policy's cooldown, computed by the caller's clock) once the policy's limit is reached.
 */
export function afterFailedAttempt(
  user: User,
  at: { readonly now: string; readonly lockoutEnds: string },
  policy: LockoutPolicy,
): User {
  const failedAttempts = user.failedAttempts + 1;
  const locks = failedAttempts >= policy.maxFailedAttempts;
  return {
    ...user,
    failedAttempts,
    lockedUntil: locks ? at.lockoutEnds : user.lockedUntil,
    version: user.version + 1,
    updatedAt: at.now,
  };
}
