/** Who is calling: the verified subject of an access token. */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly roles: readonly string[];
  readonly permissions: ReadonlySet<string>;
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
