import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BlindIndex } from '../../application/field-cipher';

/** The form a value is indexed in: trimmed and case-folded, so lookups forgive case. */
export const normaliseForIndex = (value: string): string =>
  value.normalize('NFKC').trim().toLowerCase();

/** Blind indexes keyed by a 256-bit key in a local file (0600), created on first use. */
export class LocalBlindIndex implements BlindIndex {
  private readonly key: Buffer;

  constructor(path: string) {
    this.key = loadOrCreateKey(path);
  }

  async indexOf(field: string, value: string): Promise<string> {
    return createHmac('sha256', this.key)
      .update(`${field}|${normaliseForIndex(value)}`)
      .digest('base64url');
  }
}

/** Blind indexes computed by a KMS HMAC key (HMAC_256): the key never leaves KMS. */
export class KmsBlindIndex implements BlindIndex {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async indexOf(field: string, value: string): Promise<string> {
    const output = await this.kms.send(
      new GenerateMacCommand({
        KeyId: this.keyId,
        MacAlgorithm: 'HMAC_SHA_256',
        Message: Buffer.from(`${field}|${normaliseForIndex(value)}`, 'utf8'),
      }),
    );
    if (output.Mac === undefined) throw new Error('KMS returned no MAC');
    return Buffer.from(output.Mac).toString('base64url');
  }
}

function loadOrCreateKey(path: string): Buffer {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    try {
      writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
}
