import type { GlAccount } from '../domain/ledger/chart-of-accounts';
import type { Role } from '../domain/identity/roles';
import type { Logger } from '../observability/logger';
import type { CustomerStore } from './customer-store';
import type { BackgroundJobs, BlindIndex, FieldCipher, PiiVault } from './field-cipher';
import type { PasswordHasher, PrincipalResolver, TokenService } from './identity/ports';
import type { LockoutPolicy } from '../domain/identity/user';
import type { FraudScorer } from './fraud/fraud-scoring';
import type { NotificationServices } from './notifications/ports';
import type { KeyedMutex } from './ledger/keyed-mutex';
import type { CommitGroups } from './ledger/group-commit';
import type { PostingCache } from './ledger/posting-cache';
import type { LedgerStore } from './ledger/ledger-store';
import type { EndOfDayStarter, InterestStore } from './interest/ports';
import type { DeadLetterPort, OutboxStore } from './events/ports';

/** The current instant; injected so every rule can be tested at a fixed time. */
export interface Clock {
  now(): Date;
}

/** Server-side identifiers, sortable by creation time (API.md: ULID). */
export interface IdGenerator {
  next(): string;
}

/** What marks an initialised tenant: written once by the seed, read by the health check. */
export interface SystemMarker {
  readonly tenant: string;
  readonly schemaVersion: number;
  readonly initializedAt: string;
}

/** The tenant's system record in the primary store. */
export interface SystemStore {
  /** Reads the marker with a strongly consistent read; undefined on an unseeded table. */
  readMarker(signal?: AbortSignal): Promise<SystemMarker | undefined>;
  /** Writes the marker unless one exists; returns the one that is stored afterwards. */
  writeMarkerOnce(
    marker: SystemMarker,
  ): Promise<{ readonly created: boolean; readonly marker: SystemMarker }>;
  /** Writes each GL account definition unless present; returns how many were new. */
  seedChartOfAccounts(accounts: readonly GlAccount[]): Promise<number>;
  /** Writes each role (and its name claim) unless present; returns how many were new. */
  seedRoles(roles: readonly Role[]): Promise<number>;
}

/** Facts about this deployment that use cases report. */
export interface ServiceSettings {
  readonly tenant: string;
  readonly version: string;
  readonly baseCurrency: string;
}

/**
 * How optimistic conflicts are retried: full-jitter exponential backoff, bounded by attempts and
 * by a time budget that stays inside the function's timeout.
 */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly budgetMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

/** What the ledger needs to know about customers (the customer module implements it). */
export interface CustomerDirectory {
  exists(customerId: string): Promise<boolean>;
}

/** Everything a use case may depend on; each use case picks the ports it needs. */
export interface Dependencies {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly settings: ServiceSettings;
  readonly system: SystemStore;
  readonly ledger: LedgerStore;
  readonly customers: CustomerDirectory;
  /** Opens personal data sealed before subject keys (read and migrate only). */
  readonly cipher: FieldCipher;
  /** Subject keys: seals every customer's personal data (crypto-shredding). */
  readonly vault: PiiVault;
  readonly blindIndex: BlindIndex;
  readonly customerStore: CustomerStore;
  readonly jobs: BackgroundJobs;
  readonly tokens: TokenService;
  /** Who a verified token's subject is now: user state, roles, permissions and limits. */
  readonly principals: PrincipalResolver;
  readonly passwords: PasswordHasher;
  readonly lockout: LockoutPolicy;
  readonly retry: RetryPolicy;
  readonly locks: KeyedMutex;
  /** The accounts this container last posted to, as it left them (ledger/posting-cache.ts). */
  readonly postingCache: PostingCache;
  /** Commands queued on the same accounts in this runtime, committed together (group-commit.ts). */
  readonly commitGroups: CommitGroups;
  /** Business date, interest accrual state and end-of-day runs. */
  readonly interest: InterestStore;
  /** The end-of-day workflow (AWS); absent locally, where a run is carried out in-process. */
  readonly endOfDay?: EndOfDayStarter | undefined;
  /** The outbox of domain events and their publishing state (events module). */
  readonly outbox: OutboxStore;
  /** The publisher's dead-letter queue, when this function may look at it (its depth). */
  readonly eventDeadLetters?: Pick<DeadLetterPort, 'depth'> | undefined;
  /** Bastion fraud scoring of money movements (always answers: fallback when down). */
  readonly fraud: FraudScorer;
  /** Notification state, message channels and webhook transport. */
  readonly notifications: NotificationServices;
}
