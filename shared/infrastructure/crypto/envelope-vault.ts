import { randomBytes } from 'node:crypto';
import type {
  KeyVersions,
  PiiVault,
  SubjectCipher,
  SubjectKey,
  WrappedDataKey,
} from '../../application/field-cipher';
import { fieldAad, openField, sealField } from './aes-gcm-fields';
import { defaultDataKeyCacheLimits, type DataKeyCacheLimits } from './kms-field-cipher';

/** Where data keys come from: KMS in AWS, the local keyring on a workstation. */
export interface DataKeySource {
  /** A fresh AES-256 data key, in the clear and wrapped by the current key version. */
  generate(): Promise<{ readonly plaintext: Buffer; readonly wrapped: WrappedDataKey }>;
  /** Unwraps a data key (any version still held). */
  decrypt(wrapped: WrappedDataKey): Promise<Buffer>;
  versions(): Promise<KeyVersions>;
  /** Makes a new key version current and returns it. */
  rotate(): Promise<string>;
}

interface CachedKey {
  readonly plaintext: Buffer;
  readonly wrapped: WrappedDataKey;
  readonly createdAtMs: number;
  uses: number;
}

const subjectKeyAad = (subjectId: string): string => `${subjectId}|subject-key`;
const recordOf = (subjectId: string, scope: string): string => `${subjectId}/${scope}`;

/**
 * Subject keys under cached data keys. A data key seals at most `maxUses` subject keys and lives
 * at most `maxAgeMs`; an unwrapped data key is reused for as many opens within the same bounds,
 * so reading a thousand customers costs about one KMS `Decrypt`. A data key is never reused
 * across key versions: after a rotation the next subject key gets one from the new version.
 */
export class EnvelopeVault implements PiiVault {
  private current: CachedKey | undefined;
  private readonly opened = new Map<string, CachedKey>();

  constructor(
    private readonly source: DataKeySource,
    private readonly limits: DataKeyCacheLimits = defaultDataKeyCacheLimits,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async newSubject(subjectId: string): Promise<{ key: SubjectKey; cipher: SubjectCipher }> {
    const subjectKey = randomBytes(32);
    const key = await this.wrapSubjectKey(subjectId, subjectKey);
    return { key, cipher: subjectCipher(subjectId, subjectKey) };
  }

  async unlock(subjectId: string, key: SubjectKey): Promise<SubjectCipher> {
    return subjectCipher(subjectId, await this.unwrapSubjectKey(subjectId, key));
  }

  async rewrap(subjectId: string, key: SubjectKey): Promise<SubjectKey> {
    return this.wrapSubjectKey(subjectId, await this.unwrapSubjectKey(subjectId, key));
  }

  keyVersions(): Promise<KeyVersions> {
    return this.source.versions();
  }

  async rotate(): Promise<string> {
    const version = await this.source.rotate();
    this.current = undefined;
    return version;
  }

  private async wrapSubjectKey(subjectId: string, subjectKey: Buffer): Promise<SubjectKey> {
    const dataKey = await this.sealingKey();
    return {
      wrapped: sealField(
        dataKey.plaintext,
        subjectKeyAad(subjectId),
        subjectKey.toString('base64'),
      ),
      dataKey: dataKey.wrapped,
    };
  }

  private async unwrapSubjectKey(subjectId: string, key: SubjectKey): Promise<Buffer> {
    const dataKey = await this.openingKey(key.dataKey);
    return Buffer.from(openField(dataKey, subjectKeyAad(subjectId), key.wrapped), 'base64');
  }

  private fresh(key: CachedKey | undefined): key is CachedKey {
    return (
      key !== undefined &&
      this.nowMs() - key.createdAtMs < this.limits.maxAgeMs &&
      key.uses < this.limits.maxUses
    );
  }

  private async sealingKey(): Promise<CachedKey> {
    const { current: version } = await this.source.versions();
    if (!this.fresh(this.current) || this.current.wrapped.keyVersion !== version) {
      const generated = await this.source.generate();
      this.current = {
        plaintext: generated.plaintext,
        wrapped: generated.wrapped,
        createdAtMs: this.nowMs(),
        uses: 0,
      };
      // What this process sealed, it can open without asking KMS again.
      this.remember({ ...this.current, uses: 0 });
    }
    this.current.uses += 1;
    return this.current;
  }

  private async openingKey(wrapped: WrappedDataKey): Promise<Buffer> {
    const cacheKey = `${wrapped.keyVersion}|${wrapped.wrapped}`;
    const cached = this.opened.get(cacheKey);
    if (this.fresh(cached)) {
      cached.uses += 1;
      return cached.plaintext;
    }
    const plaintext = await this.source.decrypt(wrapped);
    this.remember({ plaintext, wrapped, createdAtMs: this.nowMs(), uses: 1 });
    return plaintext;
  }

  private remember(key: CachedKey): void {
    const cacheKey = `${key.wrapped.keyVersion}|${key.wrapped.wrapped}`;
    this.opened.delete(cacheKey);
    if (this.opened.size >= this.limits.maxEntries) {
      const oldest = this.opened.keys().next().value;
      if (oldest !== undefined) this.opened.delete(oldest);
    }
    this.opened.set(cacheKey, key);
  }
}

function subjectCipher(subjectId: string, subjectKey: Buffer): SubjectCipher {
  return {
    seal: (scope, fields) => {
      const record = recordOf(subjectId, scope);
      const sealed: Record<string, string> = {};
      for (const [name, value] of Object.entries(fields)) {
        sealed[name] = sealField(subjectKey, fieldAad(record, name), value);
      }
      return sealed;
    },
    open: (scope, sealed) => {
      const record = recordOf(subjectId, scope);
      const opened: Record<string, string> = {};
      for (const [name, value] of Object.entries(sealed)) {
        opened[name] = openField(subjectKey, fieldAad(record, name), value);
      }
      return opened;
    },
  };
}
