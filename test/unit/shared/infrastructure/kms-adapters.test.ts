import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  DecryptCommand,
  GenerateDataKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { KmsFieldCipher } from '../../../../shared/infrastructure/crypto/kms-field-cipher';
import { KmsTokenService } from '../../../../shared/infrastructure/identity/kms-token-service';

const kms = mockClient(KMSClient);

describe('KmsFieldCipher', () => {
  // A fake KMS that really wraps: the "ciphertext blob" names a plaintext key it issued.
  const issued = new Map<string, Buffer>();
  beforeEach(() => {
    kms.reset();
    issued.clear();
    kms.on(GenerateDataKeyCommand).callsFake(() => {
      const plaintext = randomBytes(32);
      const blob = randomBytes(48);
      issued.set(blob.toString('base64'), plaintext);
      return { Plaintext: plaintext, CiphertextBlob: blob, KeyId: 'key-1' };
    });
    kms.on(DecryptCommand).callsFake((input: { CiphertextBlob: Uint8Array }) => ({
      Plaintext: issued.get(Buffer.from(input.CiphertextBlob).toString('base64')),
    }));
  });

  it('seals and opens fields with a data key issued under the tenant context', async () => {
    const cipher = new KmsFieldCipher(new KMSClient({}), 'key-1', 'acme');

    const sealed = await cipher.seal('C1', { email: 'jane@example.com', lastName: 'Doe' });
    const opened = await new KmsFieldCipher(new KMSClient({}), 'key-1', 'acme').open('C1', sealed);

    expect(opened).toEqual({ email: 'jane@example.com', lastName: 'Doe' });
    expect(JSON.stringify(sealed)).not.toContain('jane@example.com');
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input).toMatchObject({
      KeyId: 'key-1',
      KeySpec: 'AES_256',
      EncryptionContext: { tenant: 'acme', purpose: 'pii' },
    });
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input.EncryptionContext).toEqual({
      tenant: 'acme',
      purpose: 'pii',
    });
  });

  it('calls KMS at most once per thousand records thanks to the bounded data-key cache', async () => {
    const cipher = new KmsFieldCipher(new KMSClient({}), 'key-1', 'acme');
    const sealed = [];
    for (let i = 0; i < 1_000; i += 1)
      sealed.push(await cipher.seal(`C${i}`, { email: `c${i}@example.com` }));
    const reader = new KmsFieldCipher(new KMSClient({}), 'key-1', 'acme');
    for (const [i, record] of sealed.entries()) await reader.open(`C${i}`, record);

    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(1);
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(1);
  });

  it('issues a new data key when the cached one is too old or used too often', async () => {
    let now = 0;
    const cipher = new KmsFieldCipher(
      new KMSClient({}),
      'key-1',
      'acme',
      { maxAgeMs: 1_000, maxUses: 2, maxEntries: 10 },
      () => now,
    );

    await cipher.seal('A', { email: 'a@example.com' });
    await cipher.seal('B', { email: 'b@example.com' });
    await cipher.seal('C', { email: 'c@example.com' }); // third use: new key
    now = 5_000;
    await cipher.seal('D', { email: 'd@example.com' }); // too old: new key

    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(3);
  });

  it('refuses a ciphertext moved to another record or field (bound as additional data)', async () => {
    const cipher = new KmsFieldCipher(new KMSClient({}), 'key-1', 'acme');
    const sealed = await cipher.seal('C1', { email: 'jane@example.com', phone: '+15550100' });

    await expect(cipher.open('C2', sealed)).rejects.toThrow();
    await expect(
      cipher.open('C1', { ...sealed, fields: { email: sealed.fields.phone ?? '' } }),
    ).rejects.toThrow();
  });
});

describe('KmsTokenService', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const settings = { issuer: 'nexum:acme', audience: 'nexum-api:acme', ttlSeconds: 900 };
  beforeEach(() => {
    kms.reset();
    // KMS signs with ECDSA_SHA_256 and returns DER; the fake does exactly that with a real key.
    kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({
      Signature: sign('sha256', Buffer.from(input.Message), {
        key: privateKey,
        dsaEncoding: 'der',
      }),
    }));
    kms
      .on(GetPublicKeyCommand)
      .resolves({ PublicKey: publicKey.export({ format: 'der', type: 'spki' }) });
  });

  it('issues tokens signed in KMS that verify with the public key, fetched once', async () => {
    const service = new KmsTokenService(new KMSClient({}), 'jwt-key', settings);

    const { token } = await service.issue({ sub: 'U1', username: 'jane', roles: ['TELLER'] });
    const first = await service.verify(token);
    await service.verify(token);

    expect(first).toEqual({ sub: 'U1', username: 'jane', roles: ['TELLER'] });
    expect(kms.commandCalls(SignCommand)[0]?.args[0].input).toMatchObject({
      KeyId: 'jwt-key',
      SigningAlgorithm: 'ECDSA_SHA_256',
      MessageType: 'RAW',
    });
    expect(kms.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const service = new KmsTokenService(new KMSClient({}), 'jwt-key', settings);
    const { token } = await service.issue({ sub: 'U1', username: 'jane', roles: ['TELLER'] });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as object;
    const elevated = Buffer.from(JSON.stringify({ ...claims, roles: ['ADMIN'] })).toString(
      'base64url',
    );

    await expect(service.verify(`${header}.${elevated}.${signature}`)).rejects.toThrow();
  });

  it('refuses a token for another tenant', async () => {
    const ours = new KmsTokenService(new KMSClient({}), 'jwt-key', settings);
    const other = new KmsTokenService(new KMSClient({}), 'jwt-key', {
      ...settings,
      audience: 'nexum-api:other',
    });

    const { token } = await other.issue({ sub: 'U1', username: 'jane', roles: ['ADMIN'] });

    await expect(ours.verify(token)).rejects.toThrow();
  });
});
