/**
 * Envelope encryption of a record's personal fields: a data key per record, issued and wrapped by
 * the tenant's key-encryption key (KMS in AWS, a local keyring on a workstation). Each field is
 * sealed with AES-256-GCM, its record id and field name bound as additional authenticated data,
 * so a ciphertext moved to another record or field fails to open.
 */
export interface SealedFields {
  /** Which key-encryption key wrapped the data key. */
  readonly keyId: string;
  readonly wrappedKey: string;
  /** Field name → base64url(iv ‖ ciphertext ‖ tag). */
  readonly fields: Readonly<Record<string, string>>;
}

export interface FieldCipher {
  seal(recordId: string, fields: Readonly<Record<string, string>>): Promise<SealedFields>;
  open(recordId: string, sealed: SealedFields): Promise<Record<string, string>>;
}

/**
 * Blind indexes: a keyed HMAC-SHA-256 of a normalised value, with its own key, so an exact-match
 * lookup (email, phone, national id) never decrypts the table and the index reveals nothing
 * without the key.
 */
export interface BlindIndex {
  indexOf(field: string, value: string): Promise<string>;
}
