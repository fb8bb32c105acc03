import {
  DecryptCommand,
  GenerateDataKeyCommand,
  RotateKeyOnDemandCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { randomBytes } from 'node:crypto';
import { chmodSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { KeyVersions, WrappedDataKey } from '../../application/field-cipher';
import { openField, sealField } from './aes-gcm-fields';
import type { DataKeySource } from './envelope-vault';
import { loadOrCreateKeyring, type KeyringFile } from './local-keyring-cipher';

/** The key id recorded on data keys wrapped by the local keyring. */
export const LOCAL_KEYRING_ID = 'local-keyring';

/**
 * KMS's role on a workstation: the keyring file's keys are the key versions (`activeKeyId` is
 * current). Rotation appends a key and makes it active; old keys stay to unwrap old data keys.
 * The file is re-read when it changes (checked at most once a second), so a rotation by another
 * process is seen.
 */
export class LocalKeyringDataKeys implements DataKeySource {
  private keyring: KeyringFile;
  private loadedMtimeMs: number;
  private checkedAtMs = 0;

  constructor(
    private readonly tenant: string,
    private readonly path: string,
  ) {
    this.keyring = loadOrCreateKeyring(path);
    this.loadedMtimeMs = statSync(path).mtimeMs;
  }

  async generate(): Promise<{ plaintext: Buffer; wrapped: WrappedDataKey }> {
    const keyring = this.load();
    const plaintext = randomBytes(32);
    return {
      plaintext,
      wrapped: {
        keyId: LOCAL_KEYRING_ID,
        keyVersion: keyring.activeKeyId,
        wrapped: sealField(
          this.kek(keyring, keyring.activeKeyId),
          this.aad(),
          plaintext.toString('base64'),
        ),
      },
    };
  }

  async decrypt(wrapped: WrappedDataKey): Promise<Buffer> {
    const keyring = this.load();
    return Buffer.from(
      openField(this.kek(keyring, wrapped.keyVersion), this.aad(), wrapped.wrapped),
      'base64',
    );
  }

  async versions(): Promise<KeyVersions> {
    const keyring = this.load();
    return { current: keyring.activeKeyId, all: Object.keys(keyring.keys) };
  }

  async rotate(): Promise<string> {
    // Two processes rotating at once would each write a keyring missing the other's new key:
    // an exclusive lock file serialises them (a stale lock after a crash must be removed by hand).
    const lock = `${this.path}.lock`;
    writeFileSync(lock, String(process.pid), { mode: 0o600, flag: 'wx' });
    try {
      return this.rotateLocked();
    } finally {
      rmSync(lock, { force: true });
    }
  }

  private rotateLocked(): string {
    this.checkedAtMs = 0;
    const keyring = this.load();
    const version = `local-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const next: KeyringFile = {
      activeKeyId: version,
      keys: { ...keyring.keys, [version]: randomBytes(32).toString('base64') },
    };
    const temporary = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temporary, JSON.stringify(next, null, 2), { mode: 0o600, flag: 'wx' });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.path);
    this.keyring = next;
    this.loadedMtimeMs = statSync(this.path).mtimeMs;
    return version;
  }

  private load(): KeyringFile {
    // Another process's rotation is noticed within a second; this process's at once.
    const now = Date.now();
    if (now - this.checkedAtMs < 1_000) return this.keyring;
    this.checkedAtMs = now;
    const mtimeMs = statSync(this.path).mtimeMs;
    if (mtimeMs !== this.loadedMtimeMs) {
      this.keyring = loadOrCreateKeyring(this.path);
      this.loadedMtimeMs = mtimeMs;
    }
    return this.keyring;
  }

  private aad(): string {
    return `${this.tenant}|pii-data-key`;
  }

  private kek(keyring: KeyringFile, version: string): Buffer {
    const key = keyring.keys[version];
    if (key === undefined) throw new Error(`Keyring has no key version ${version}`);
    return Buffer.from(key, 'base64');
  }
}

/** Where the KMS key's logical versions are recorded (the tenant's table). */
export interface KeyVersionRegistry {
  read(): Promise<KeyVersions | undefined>;
  /** Records `next` as current if `previous` still is; false if someone else rotated first. */
  advance(previous: KeyVersions, next: string): Promise<boolean>;
}

export const INITIAL_KMS_VERSION = 'kms-1';

/**
 * Data keys from the tenant's KMS key (`GenerateDataKey`, encryption context naming the tenant).
 * KMS does not say which key material wrapped a data key, so versions are logical: `kms-<n>`,
 * advanced in the registry after `RotateKeyOnDemand`, after which KMS issues data keys from the
 * new material while still decrypting under every earlier one. The registry is read at most once
 * a minute per container.
 */
export class KmsDataKeys implements DataKeySource {
  private cached: { versions: KeyVersions; atMs: number } | undefined;

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
    private readonly tenant: string,
    private readonly registry: KeyVersionRegistry,
    private readonly versionTtlMs = 60_000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async generate(): Promise<{ plaintext: Buffer; wrapped: WrappedDataKey }> {
    const { current } = await this.versions();
    const output = await this.kms.send(
      new GenerateDataKeyCommand({
        KeyId: this.keyId,
        KeySpec: 'AES_256',
        EncryptionContext: this.context(),
      }),
    );
    if (output.Plaintext === undefined || output.CiphertextBlob === undefined) {
      throw new Error('KMS returned no data key');
    }
    return {
      plaintext: Buffer.from(output.Plaintext),
      wrapped: {
        keyId: this.keyId,
        keyVersion: current,
        wrapped: Buffer.from(output.CiphertextBlob).toString('base64'),
      },
    };
  }

  async decrypt(wrapped: WrappedDataKey): Promise<Buffer> {
    const output = await this.kms.send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(wrapped.wrapped, 'base64'),
        KeyId: wrapped.keyId,
        EncryptionContext: this.context(),
      }),
    );
    if (output.Plaintext === undefined) throw new Error('KMS returned no plaintext key');
    return Buffer.from(output.Plaintext);
  }

  async versions(): Promise<KeyVersions> {
    if (this.cached !== undefined && this.nowMs() - this.cached.atMs < this.versionTtlMs) {
      return this.cached.versions;
    }
    const versions = (await this.registry.read()) ?? {
      current: INITIAL_KMS_VERSION,
      all: [INITIAL_KMS_VERSION],
    };
    this.cached = { versions, atMs: this.nowMs() };
    return versions;
  }

  async rotate(): Promise<string> {
    this.cached = undefined;
    const previous = await this.versions();
    await this.kms.send(new RotateKeyOnDemandCommand({ KeyId: this.keyId }));
    const next = `kms-${Number(previous.current.slice('kms-'.length)) + 1}`;
    if (!(await this.registry.advance(previous, next))) {
      throw new Error('Another rotation recorded a new key version first');
    }
    this.cached = undefined;
    return next;
  }

  private context(): Record<string, string> {
    return { tenant: this.tenant, purpose: 'pii-subject-keys' };
  }
}
