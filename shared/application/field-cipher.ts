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

/**
 * A data key as stored beside what it protects: wrapped by one version of the tenant's
 * key-encryption key (KMS key material or a local keyring key).
 */
export interface WrappedDataKey {
  /** The key-encryption key (KMS key id or ARN, or the local keyring's name). */
  readonly keyId: string;
  /** Which version of it wrapped this data key. */
  readonly keyVersion: string;
  /** The data key wrapped (base64). */
  readonly wrapped: string;
}

/**
 * A person's own key (crypto-shredding): a random AES-256 key that seals every piece of their
 * personal data, stored wrapped (AES-256-GCM, AAD = subject id and purpose) under a cached data
 * key, itself wrapped by the key-encryption key. Deleting it makes their data unrecoverable.
 */
export interface SubjectKey {
  readonly wrapped: string;
  readonly dataKey: WrappedDataKey;
}

/** Seals and opens one subject's fields; `scope` names the record within the subject. */
export interface SubjectCipher {
  seal(scope: string, fields: Readonly<Record<string, string>>): Record<string, string>;
  open(scope: string, sealed: Readonly<Record<string, string>>): Record<string, string>;
}

/** The key versions of the tenant's key-encryption key. */
export interface KeyVersions {
  readonly current: string;
  /** Every version still able to unwrap, oldest first (current included). */
  readonly all: readonly string[];
}

/**
 * Envelope encryption by subject: issues, unlocks and re-wraps subject keys. Data keys come from
 * the key-encryption key's current version and are cached with bounds on age and uses, so reads
 * cost about one KMS call per thousand.
 */
export interface PiiVault {
  newSubject(subjectId: string): Promise<{ key: SubjectKey; cipher: SubjectCipher }>;
  unlock(subjectId: string, key: SubjectKey): Promise<SubjectCipher>;
  /** The same subject key, wrapped under a data key of the current version. */
  rewrap(subjectId: string, key: SubjectKey): Promise<SubjectKey>;
  keyVersions(): Promise<KeyVersions>;
  /** Makes a new key-encryption key version current; older ones keep unwrapping. */
  rotate(): Promise<string>;
}

/** Work that outlives the request that started it (locally in-process; awaited by tests). */
export interface BackgroundJobs {
  start(name: string, job: () => Promise<void>): void;
  /** Resolves when every started job has finished. */
  idle(): Promise<void>;
}
