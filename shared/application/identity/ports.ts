import type { LimitingRole } from '../../domain/identity/amount-limits';

/** Who is calling: the verified subject of an access token, as the directory knows it now. */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  /** Role ids the user holds. */
  readonly roles: readonly string[];
  /** The union of the roles' permissions. */
  readonly permissions: ReadonlySet<string>;
  /** Each role's permissions and amount limits, for limit checks (amount-limits.ts). */
  readonly grants: readonly LimitingRole[];
}

/**
 * Resolves a verified token's subject to the caller: the user must exist, be active and not
 * locked by an administrator; permissions and limits come from its roles' current records.
 * Throws for a subject that may not act (the edge answers 401).
 */
export interface PrincipalResolver {
  resolve(claims: AccessClaims): Promise<Principal>;
}

/** Claims of an access token. */
export interface AccessClaims {
  readonly sub: string;
  readonly username: string;
  readonly roles: readonly string[];
}

/** Issues and verifies short-lived access tokens (JWT, ES256). */
export interface TokenService {
  issue(
    claims: AccessClaims,
  ): Promise<{ readonly token: string; readonly expiresInSeconds: number }>;
  /** The claims of a valid token; throws for anything else (expired, forged, malformed). */
  verify(token: string): Promise<AccessClaims>;
}

/** One-way password hashing with a per-password salt and stored parameters. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}
