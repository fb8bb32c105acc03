import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import { createPublicKey, randomUUID } from 'node:crypto';
import { jwtVerify, type CryptoKey, type KeyObject } from 'jose';
import type { AccessClaims, TokenService } from '../../application/identity/ports';
import type { TokenSettings } from './jose-token-service';

/**
 * ES256 access tokens signed inside KMS (an ECC_NIST_P256 SIGN_VERIFY key): the private key never
 * leaves the HSM, so a leaked function environment cannot mint tokens. Verification uses the
 * public key, fetched once per container, with the same pinned checks as locally.
 */
export class KmsTokenService implements TokenService {
  private publicKey: Promise<KeyObject | CryptoKey> | undefined;

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
    private readonly settings: TokenSettings,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async issue(claims: AccessClaims): Promise<{ token: string; expiresInSeconds: number }> {
    const now = this.nowSeconds();
    const header = { alg: 'ES256', typ: 'JWT', kid: this.keyId };
    const payload = {
      sub: claims.sub,
      username: claims.username,
      roles: [...claims.roles],
      iss: this.settings.issuer,
      aud: this.settings.audience,
      iat: now,
      nbf: now,
      exp: now + this.settings.ttlSeconds,
      jti: randomUUID(),
    };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    const output = await this.kms.send(
      new SignCommand({
        KeyId: this.keyId,
        Message: Buffer.from(signingInput),
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    if (output.Signature === undefined) throw new Error('KMS returned no signature');
    return {
      token: `${signingInput}.${derToJose(Buffer.from(output.Signature)).toString('base64url')}`,
      expiresInSeconds: this.settings.ttlSeconds,
    };
  }

  async verify(token: string): Promise<AccessClaims> {
    this.publicKey ??= this.fetchPublicKey();
    const { payload, protectedHeader } = await jwtVerify(token, await this.publicKey, {
      algorithms: ['ES256'],
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      requiredClaims: ['sub', 'exp', 'nbf', 'iat'],
      clockTolerance: 5,
    });
    if (protectedHeader.kid !== this.keyId) throw new Error('Unknown signing key');
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

  private async fetchPublicKey(): Promise<KeyObject> {
    const output = await this.kms.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
    if (output.PublicKey === undefined) throw new Error('KMS returned no public key');
    return createPublicKey({ key: Buffer.from(output.PublicKey), format: 'der', type: 'spki' });
  }
}

const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/** KMS returns an ASN.1 DER ECDSA signature; JWS wants the raw 64-byte r ‖ s. */
export function derToJose(der: Buffer): Buffer {
  let offset = 2;
  if (der[1] !== undefined && der[1] > 0x80) offset += der[1] - 0x80;
  const read = (): Buffer => {
    if (der[offset] !== 0x02) throw new Error('Malformed DER signature');
    const length = der[offset + 1] ?? 0;
    const value = der.subarray(offset + 2, offset + 2 + length);
    offset += 2 + length;
    const trimmed = value[0] === 0 ? value.subarray(1) : value;
    return Buffer.concat([Buffer.alloc(32 - trimmed.length), trimmed]);
  };
  return Buffer.concat([read(), read()]);
}
