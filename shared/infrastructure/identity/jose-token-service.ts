import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose';
import type { AccessClaims, TokenService } from '../../application/identity/ports';

export interface TokenSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
}

interface KeyPair {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

/**
 * Access tokens as ES256 JWTs with `jose`. Verification pins the algorithm (no `none`, no HMAC
 * with a public key), and checks issuer, audience, expiry, not-before and the key id, so a token
 * signed by anything but our key, or for another tenant, is refused.
 */
export class JoseTokenService implements TokenService {
  constructor(
    private readonly keys: KeyPair,
    private readonly settings: TokenSettings,
  ) {}

  async issue(claims: AccessClaims): Promise<{ token: string; expiresInSeconds: number }> {
    const token = await new SignJWT({ username: claims.username, roles: [...claims.roles] })
      .setProtectedHeader({ alg: 'ES256', kid: this.keys.kid, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setNotBefore('0s')
      .setJti(randomUUID())
      .setExpirationTime(`${this.settings.ttlSeconds}s`)
      .sign(this.keys.privateKey);
    return { token, expiresInSeconds: this.settings.ttlSeconds };
  }

  async verify(token: string): Promise<AccessClaims> {
    const { payload, protectedHeader } = await jwtVerify(token, this.keys.publicKey, {
      algorithms: ['ES256'],
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      requiredClaims: ['sub', 'exp', 'nbf', 'iat'],
      clockTolerance: 5,
    });
    if (protectedHeader.kid !== this.keys.kid) throw new Error('Unknown signing key');
    const roles = payload.roles;
    if (
      typeof payload.sub !== 'string' ||
      typeof payload.username !== 'string' ||
      !Array.isArray(roles)
    ) {
      throw new Error('Malformed claims');
    }
    return { sub: payload.sub, username: payload.username, roles: roles.map(String) };
  }
}

/** A fresh ES256 key pair (tests; first local start). */
export async function generateSigningKeys(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid: randomUUID(), privateKey, publicKey };
}

/**
 * The local signing key, kept in the data directory (mode 0600, gitignored) so tokens survive a
 * restart; created on first use. In AWS the key lives in KMS instead.
 */
export async function localSigningKeys(path: string): Promise<KeyPair> {
  if (!existsSync(path)) {
    const keys = await generateSigningKeys();
    const jwk = { ...(await exportJWK(keys.privateKey)), kid: keys.kid, alg: 'ES256' };
    mkdirSync(dirname(path), { recursive: true });
    try {
      writeFileSync(path, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK & { kid: string };
  const { d: _private, ...publicJwk } = jwk;
  return {
    kid: jwk.kid,
    privateKey: (await importJWK(jwk, 'ES256')) as CryptoKey,
    publicKey: (await importJWK(publicJwk, 'ES256')) as CryptoKey,
  };
}
