import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyVersions } from '../../../../shared/application/field-cipher';
import {
  KmsDataKeys,
  LocalKeyringDataKeys,
  type KeyVersionRegistry,
} from '../../../../shared/infrastructure/crypto/data-key-sources';
import { EnvelopeVault } from '../../../../shared/infrastructure/crypto/envelope-vault';
import { fakeKms } from '../../../support/fake-kms';

const kms = fakeKms();
afterAll(() => kms.restore());

/** The version registry as the table keeps it, in memory. */
function memoryRegistry(): KeyVersionRegistry & { stored: KeyVersions | undefined } {
  const registry = {
    stored: undefined as KeyVersions | undefined,
    read: async () => registry.stored,
    advance: async (previous: KeyVersions, next: string) => {
      if (registry.stored !== undefined && registry.stored.current !== previous.current) {
        return false;
      }
      registry.stored = { current: next, all: [...previous.all, next] };
      return true;
    },
  };
  return registry;
}

describe('EnvelopeVault over KMS', () => {
  beforeEach(() => kms.reset());

  it('seals a subject under its own key, bound to the subject and the scope', async () => {
    const vault = new EnvelopeVault(new KmsDataKeys(kms.client, 'key-1', 'acme', memoryRegistry()));
    const { key, cipher } = await vault.newSubject('C1');
    const sealed = cipher.seal('customer', { email: 'jane@example.com' });

    const reopened = await new EnvelopeVault(
      new KmsDataKeys(kms.client, 'key-1', 'acme', memoryRegistry()),
    ).unlock('C1', key);

    expect(reopened.open('customer', sealed)).toEqual({ email: 'jane@example.com' });
    expect(() => reopened.open('beneficiary:B1', sealed)).toThrow();
    await expect(vault.unlock('C2', key)).rejects.toThrow();
    expect(JSON.stringify({ key, sealed })).not.toContain('jane');
    expect(key.dataKey).toMatchObject({ keyId: 'key-1', keyVersion: 'kms-1' });
  });

  it('refuses a data key under another tenant context', async () => {
    const vault = new EnvelopeVault(new KmsDataKeys(kms.client, 'key-1', 'acme', memoryRegistry()));
    const { key } = await vault.newSubject('C1');
    const other = new EnvelopeVault(new KmsDataKeys(kms.client, 'key-1', 'evil', memoryRegistry()));

    await expect(other.unlock('C1', key)).rejects.toThrow();
  });

  it('costs one KMS call per thousand subjects sealed and per thousand read', async () => {
    const writer = new EnvelopeVault(
      new KmsDataKeys(kms.client, 'key-1', 'acme', memoryRegistry()),
    );
    const keys = [];
    for (let i = 0; i < 1_000; i += 1) keys.push((await writer.newSubject(`C${i}`)).key);
    const reader = new EnvelopeVault(
      new KmsDataKeys(kms.client, 'key-1', 'acme', memoryRegistry()),
    );
    for (const [i, key] of keys.entries()) await reader.unlock(`C${i}`, key);

    expect(kms.calls.GenerateDataKey).toBe(1);
    expect(kms.calls.Decrypt).toBe(1);
  });

  it('rotates on demand: new data keys carry the new version, old subjects still open', async () => {
    const registry = memoryRegistry();
    const vault = new EnvelopeVault(new KmsDataKeys(kms.client, 'key-1', 'acme', registry));
    const old = await vault.newSubject('C1');

    const version = await vault.rotate();
    const fresh = await vault.newSubject('C2');
    const rewrapped = await vault.rewrap('C1', old.key);

    expect(version).toBe('kms-2');
    expect(kms.calls.RotateKeyOnDemand).toBe(1);
    expect(registry.stored).toEqual({ current: 'kms-2', all: ['kms-1', 'kms-2'] });
    expect(fresh.key.dataKey.keyVersion).toBe('kms-2');
    expect(rewrapped.dataKey.keyVersion).toBe('kms-2');
    expect(rewrapped.wrapped).not.toBe(old.key.wrapped);
    const sealed = old.cipher.seal('customer', { lastName: 'Doe' });
    expect((await vault.unlock('C1', rewrapped)).open('customer', sealed)).toEqual({
      lastName: 'Doe',
    });
    expect((await vault.unlock('C1', old.key)).open('customer', sealed)).toEqual({
      lastName: 'Doe',
    });
    expect(kms.calls.GenerateDataKey).toBe(2);
  });

  it('refuses to record a rotation when another one won the race', async () => {
    const registry = memoryRegistry();
    const first = new KmsDataKeys(kms.client, 'key-1', 'acme', registry);
    const second = new KmsDataKeys(kms.client, 'key-1', 'acme', registry);
    await second.versions();
    await first.rotate();
    registry.read = async () => ({ current: 'kms-1', all: ['kms-1'] });

    await expect(second.rotate()).rejects.toThrow(/Another rotation/);
  });
});

describe('EnvelopeVault over the local keyring', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nexum-vault-'));

  it('adds a keyring version on rotation, keeps the old one, and writes the file 0600', async () => {
    const path = join(dir, 'keyring.json');
    const vault = new EnvelopeVault(new LocalKeyringDataKeys('acme', path));
    const old = await vault.newSubject('C1');
    const before = await vault.keyVersions();

    const version = await vault.rotate();
    const after = await vault.keyVersions();
    const rewrapped = await vault.rewrap('C1', old.key);
    // Another process sees the rotation through the file.
    const elsewhere = new EnvelopeVault(new LocalKeyringDataKeys('acme', path));

    expect(after.current).toBe(version);
    expect(after.all).toEqual([...before.all, version]);
    expect(old.key.dataKey.keyVersion).toBe(before.current);
    expect(rewrapped.dataKey.keyVersion).toBe(version);
    expect((await elsewhere.keyVersions()).current).toBe(version);
    const sealed = old.cipher.seal('customer', { email: 'a@b.c' });
    expect((await elsewhere.unlock('C1', old.key)).open('customer', sealed)).toEqual({
      email: 'a@b.c',
    });
    expect((await elsewhere.unlock('C1', rewrapped)).open('customer', sealed)).toEqual({
      email: 'a@b.c',
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(
      Object.keys((JSON.parse(readFileSync(path, 'utf8')) as { keys: object }).keys),
    ).toHaveLength(2);
  });
});
