import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { FieldCipher, SealedFields } from '../../application/field-cipher';
import { fieldAad, openField, sealField } from './aes-gcm-fields';

interface CachedKey {
  readonly plaintext: Buffer;
  readonly wrapped: string;
  readonly createdAtMs: number;
  uses: number;
}

/** Bounds on reusing one data key, as the AWS Encryption SDK's caching materials manager does. */
export interface DataKeyCacheLimits {
  readonly maxAgeMs: number;
  readonly maxUses: number;
  readonly maxEntries: number;
}

export const defaultDataKeyCacheLimits: DataKeyCacheLimits = {
  maxAgeMs: 5 * 60_000,
  maxUses: 1_000,
  maxEntries: 500,
};

/**
 * Envelope encryption with the tenant's KMS key: `GenerateDataKey` issues AES-256 data keys
 * (encryption context names the tenant, so a ciphertext cannot be opened under another tenant's
 * context), fields are sealed locally with AES-256-GCM. Data keys are cached in memory with a
 * bound on age and uses, so KMS is not called per record.
 */
export class KmsFieldCipher implements FieldCipher {
  private current: CachedKey | undefined;
  private readonly opened = new Map<string, CachedKey>();

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
    private readonly tenant: string,
    private readonly limits: DataKeyCacheLimits = defaultDataKeyCacheLimits,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async seal(recordId: string, fields: Readonly<Record<string, string>>): Promise<SealedFields> {
    const key = await this.sealingKey();
    const sealed: Record<string, string> = {};
    for (const [name, value] of Object.entries(fields)) {
      sealed[name] = sealField(key.plaintext, fieldAad(recordId, name), value);
    }
    return { keyId: this.keyId, wrappedKey: key.wrapped, fields: sealed };
  }

  async open(recordId: string, sealed: SealedFields): Promise<Record<string, string>> {
    const key = await this.openingKey(sealed.wrappedKey);
    const opened: Record<string, string> = {};
    for (const [name, value] of Object.entries(sealed.fields)) {
      opened[name] = openField(key, fieldAad(recordId, name), value);
    }
    return opened;
  }

  private get context(): Record<string, string> {
    return { tenant: this.tenant, purpose: 'pii' };
  }

  private fresh(key: CachedKey | undefined): key is CachedKey {
    return (
      key !== undefined &&
      this.nowMs() - key.createdAtMs < this.limits.maxAgeMs &&
      key.uses < this.limits.maxUses
    );
  }

  private async sealingKey(): Promise<CachedKey> {
    if (!this.fresh(this.current)) {
      const output = await this.kms.send(
        new GenerateDataKeyCommand({
          KeyId: this.keyId,
          KeySpec: 'AES_256',
          EncryptionContext: this.context,
        }),
      );
      if (output.Plaintext === undefined || output.CiphertextBlob === undefined) {
        throw new Error('KMS returned no data key');
      }
      this.current = {
        plaintext: Buffer.from(output.Plaintext),
        wrapped: Buffer.from(output.CiphertextBlob).toString('base64'),
        createdAtMs: this.nowMs(),
        uses: 0,
      };
    }
    this.current.uses += 1;
    return this.current;
  }

  private async openingKey(wrapped: string): Promise<Buffer> {
    const cached = this.opened.get(wrapped);
    if (this.fresh(cached)) {
      cached.uses += 1;
      return cached.plaintext;
    }
    const output = await this.kms.send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(wrapped, 'base64'),
        KeyId: this.keyId,
        EncryptionContext: this.context,
      }),
    );
    if (output.Plaintext === undefined) throw new Error('KMS returned no plaintext key');
    const plaintext = Buffer.from(output.Plaintext);
    if (this.opened.size >= this.limits.maxEntries) {
      const oldest = this.opened.keys().next().value;
      if (oldest !== undefined) this.opened.delete(oldest);
    }
    this.opened.set(wrapped, { plaintext, wrapped, createdAtMs: this.nowMs(), uses: 1 });
    return plaintext;
  }
}
