import {
  DecryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
  RotateKeyOnDemandCommand,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * An in-process KMS with real AES behaviour, over aws-sdk-client-mock: symmetric key material
 * that `RotateKeyOnDemand` adds to (old material keeps decrypting), data keys really wrapped with
 * AES-256-GCM bound to the encryption context, and a count of every call.
 */
export function fakeKms() {
  const mock = mockClient(KMSClient);
  const materials: Buffer[] = [randomBytes(32)];
  const calls = { GenerateDataKey: 0, Decrypt: 0, RotateKeyOnDemand: 0 };
  const aadOf = (context: Record<string, string> | undefined) =>
    Buffer.from(JSON.stringify(Object.entries(context ?? {}).sort()), 'utf8');

  mock
    .on(GenerateDataKeyCommand)
    .callsFake((input: { EncryptionContext?: Record<string, string> }) => {
      calls.GenerateDataKey += 1;
      const version = materials.length - 1;
      const material = materials[version];
      if (material === undefined) throw new Error('no key material');
      const plaintext = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', material, iv);
      cipher.setAAD(aadOf(input.EncryptionContext));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return {
        Plaintext: plaintext,
        CiphertextBlob: Buffer.concat([Buffer.from([version]), iv, body, cipher.getAuthTag()]),
      };
    });
  mock
    .on(DecryptCommand)
    .callsFake(
      (input: { CiphertextBlob: Uint8Array; EncryptionContext?: Record<string, string> }) => {
        calls.Decrypt += 1;
        const blob = Buffer.from(input.CiphertextBlob);
        const material = materials[blob[0] ?? 255];
        if (material === undefined) throw new Error('InvalidCiphertextException');
        const decipher = createDecipheriv('aes-256-gcm', material, blob.subarray(1, 13));
        decipher.setAAD(aadOf(input.EncryptionContext));
        decipher.setAuthTag(blob.subarray(blob.length - 16));
        return {
          Plaintext: Buffer.concat([
            decipher.update(blob.subarray(13, blob.length - 16)),
            decipher.final(),
          ]),
        };
      },
    );
  mock.on(RotateKeyOnDemandCommand).callsFake(() => {
    calls.RotateKeyOnDemand += 1;
    materials.push(randomBytes(32));
    return {};
  });
  return {
    client: new KMSClient({ region: 'us-east-1' }),
    calls,
    materialCount: () => materials.length,
    reset: () => {
      calls.GenerateDataKey = 0;
      calls.Decrypt = 0;
      calls.RotateKeyOnDemand = 0;
    },
    restore: () => mock.restore(),
  };
}
