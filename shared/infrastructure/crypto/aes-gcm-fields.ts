import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM of one field with `aad` bound; output base64url(iv ‖ ciphertext ‖ tag). */
export function sealField(dataKey: Buffer, aad: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/** Opens a field sealed by `sealField`; throws if the key, the aad or a single bit differs. */
export function openField(dataKey: Buffer, aad: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < 28) throw new Error('Sealed field is truncated');
  const decipher = createDecipheriv('aes-256-gcm', dataKey, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([
    decipher.update(raw.subarray(12, raw.length - 16)),
    decipher.final(),
  ]).toString('utf8');
}

/** The additional authenticated data of a field: its record and its name. */
export const fieldAad = (recordId: string, field: string): string => `${recordId}|${field}`;
