import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FieldCipher, SealedFields } from '../../application/field-cipher';
import { fieldAad, openField, sealField } from './aes-gcm-fields';

export interface KeyringFile {
  readonly activeKeyId: string;
  readonly keys: Readonly<Record<string, string>>;
}

/**
 * KMS's role on a workstation: a keyring file of 256-bit key-encryption keys in the data
 * directory (mode 0600, gitignored), created on first use. Data keys are random per record and
 * stored wrapped by the active key, so rotating means adding a key; old records still open.
 */
export class LocalKeyringCipher implements FieldCipher {
  private readonly keyring: KeyringFile;

  constructor(
    private readonly tenant: string,
    keyringPath: string,
  ) {
    this.keyring = loadOrCreateKeyring(keyringPath);
  }

  async seal(recordId: string, fields: Readonly<Record<string, string>>): Promise<SealedFields> {
    const dataKey = randomBytes(32);
    const kek = this.kek(this.keyring.activeKeyId);
    const sealed: Record<string, string> = {};
    for (const [name, value] of Object.entries(fields)) {
      sealed[name] = sealField(dataKey, fieldAad(recordId, name), value);
    }
    return {
      keyId: this.keyring.activeKeyId,
      wrappedKey: sealField(kek, `${this.tenant}|data-key|${recordId}`, dataKey.toString('base64')),
      fields: sealed,
    };
  }

  async open(recordId: string, sealed: SealedFields): Promise<Record<string, string>> {
    const kek = this.kek(sealed.keyId);
    const dataKey = Buffer.from(
      openField(kek, `${this.tenant}|data-key|${recordId}`, sealed.wrappedKey),
      'base64',
    );
    const opened: Record<string, string> = {};
    for (const [name, value] of Object.entries(sealed.fields)) {
      opened[name] = openField(dataKey, fieldAad(recordId, name), value);
    }
    return opened;
  }

  private kek(keyId: string): Buffer {
    const key = this.keyring.keys[keyId];
    if (key === undefined) throw new Error(`Keyring has no key ${keyId}`);
    return Buffer.from(key, 'base64');
  }
}

/** Reads the keyring at `path`, creating it (one key, mode 0600) when absent. */
export function loadOrCreateKeyring(path: string): KeyringFile {
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as KeyringFile;
  mkdirSync(dirname(path), { recursive: true });
  const keyId = `local-${Date.now().toString(36)}`;
  const keyring: KeyringFile = {
    activeKeyId: keyId,
    keys: { [keyId]: randomBytes(32).toString('base64') },
  };
  try {
    writeFileSync(path, JSON.stringify(keyring, null, 2), { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    return keyring;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return JSON.parse(readFileSync(path, 'utf8')) as KeyringFile;
    }
    throw error;
  }
}
