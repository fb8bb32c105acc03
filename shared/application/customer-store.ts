import type { LookupField } from '../domain/customer';
import type { Page, PageRequest } from './ledger/ledger-store';
import type { StoredCustomer } from './ledger/records';

/** One re-wrapping run after a key rotation. */
export interface PiiRotation {
  readonly id: string;
  /** The key version made current by this rotation. */
  readonly keyVersion: string;
  readonly actor: string;
  readonly startedAt: string;
  readonly completedAt: string | undefined;
  readonly rewrapped: number;
  readonly failed: number;
}

/** A page of a resumable walk; `cursor` is undefined after the last page. */
export interface Batch<T> {
  readonly items: readonly T[];
  readonly cursor: string | undefined;
}

/** Customer reads beyond one item, and the state of PII key rotations. */
export interface CustomerStore {
  /** Customers whose lookup entry for `field` is `value` (blind index or external id). */
  findByLookup(field: LookupField, value: string): Promise<readonly StoredCustomer[]>;
  /** Every customer, newest first. */
  list(page: PageRequest): Promise<Page<StoredCustomer>>;
  /** Customers whose subject key is wrapped under `keyVersion` (sparse GSI3), one shard at a time. */
  listByKeyVersion(
    keyVersion: string,
    shard: number,
    limit: number,
    cursor: string | undefined,
  ): Promise<Batch<StoredCustomer>>;
  readonly keyVersionShards: number;
  countByKeyVersion(keyVersion: string): Promise<number>;
  /** Customers still sealed the old way (no subject key): a filtered scan, for migration only. */
  listLegacy(limit: number, cursor: string | undefined): Promise<Batch<StoredCustomer>>;
  countLegacy(): Promise<number>;

  putRotation(rotation: PiiRotation): Promise<void>;
  addRotationProgress(rotationId: string, rewrapped: number, failed: number): Promise<void>;
  completeRotation(rotationId: string, completedAt: string): Promise<void>;
  /** Records that a run found no customer left sealed the old way (they are never written again). */
  markLegacyMigrated(rotationId: string): Promise<void>;
  legacyMigrated(): Promise<boolean>;
  latestRotation(): Promise<PiiRotation | undefined>;
}
