import type { DomainError } from '../domain/errors';
import { ok, type Result } from '../domain/result';
import { appendToChain, GENESIS } from './audit/audit-chain';
import { lookupChanges, lookupsOf, openCustomer, subjectOf } from './customer-records';
import type { PiiRotation } from './customer-store';
import type { CommandContext } from './ledger/accounts';
import type { StoredCustomer } from './ledger/records';
import { runCommand, storedReplay, type CommandOutcome } from './ledger/run-command';
import type { Dependencies } from './ports';

/** Customers re-wrapped per page of the walk (one progress update each). */
const REWRAP_BATCH = 25;
/** Attempts per customer when a concurrent change keeps winning. */
const REWRAP_ATTEMPTS = 5;
/** Walks over the old versions before giving up on stragglers (they stay readable). */
const REWRAP_PASSES = 3;
const KEY_CHAIN = 'PIIKEY#pii';

export interface RotationStarted {
  readonly rotationId: string;
  readonly keyVersion: string;
  readonly startedAt: string;
}

/**
 * Makes a new version of the PII key-encryption key current (keyring: a new key; KMS:
 * `RotateKeyOnDemand`), records and audits the rotation, then starts re-wrapping every subject
 * key still under an older version in the background (`runRewrap`).
 */
export async function rotatePiiKey(
  deps: Dependencies,
  context: CommandContext<RotationStarted>,
): Promise<Result<CommandOutcome<RotationStarted>, DomainError>> {
  const rotationId = deps.ids.next();
  const startedAt = deps.clock.now().toISOString();
  let rotated: string | undefined;
  const outcome = await runCommand(deps, context, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    // Once per request, whatever the retries of the audit write.
    rotated ??= await deps.vault.rotate();
    const keyVersion = rotated;
    const head = (await deps.ledger.getChainHead(KEY_CHAIN)) ?? GENESIS;
    const audited = appendToChain(head, {
      chainId: KEY_CHAIN,
      at: startedAt,
      entityType: 'ENCRYPTION_KEY',
      entityId: 'pii',
      action: 'PII_KEY_ROTATED',
      actor: context.actor,
      data: { rotationId, keyVersion },
    });
    return ok({
      ops: [
        { kind: 'putChainHead', chainId: KEY_CHAIN, before: head, after: audited.head },
        ...(head.seq === 0
          ? [
              {
                kind: 'registerChain',
                chainId: KEY_CHAIN,
                entityType: 'ENCRYPTION_KEY',
                entityId: 'pii',
              } as const,
            ]
          : []),
        { kind: 'appendAudit', record: audited.record },
        {
          kind: 'putEvent',
          event: {
            id: deps.ids.next(),
            type: 'nexum.encryption.key_rotated',
            aggregateType: 'encryption_key',
            aggregateId: 'pii',
            sequence: audited.head.seq,
            occurredAt: startedAt,
            data: { rotationId, keyVersion },
          },
        },
      ],
      value: { rotationId, keyVersion, startedAt },
    });
  });
  if (outcome.ok && !outcome.value.replayed) {
    await deps.customerStore.putRotation({
      id: rotationId,
      keyVersion: outcome.value.value.keyVersion,
      actor: context.actor,
      startedAt,
      completedAt: undefined,
      rewrapped: 0,
      failed: 0,
    });
    deps.jobs.start('pii-rewrap', async () => {
      await runRewrap(deps, rotationId);
    });
  }
  return outcome;
}

type Step = 'rewrapped' | 'skipped' | 'failed';

/**
 * The re-encryption job: first migrates customers sealed before subject keys (a filtered scan,
 * run until one pass finds none; never again after), then walks GSI3's sparse partitions of every
 * old key version and re-wraps each subject key under a data key of the current version. Each
 * write is conditional on the customer's version, so a concurrent update wins and the customer is
 * re-read and tried again. Resumable: running it again continues with whatever is still old.
 */
export async function runRewrap(
  deps: Dependencies,
  rotationId: string,
  /** Asked between batches: true stops the run where it is (it resumes on the next run). */
  shouldStop: () => boolean = () => false,
): Promise<'completed' | 'stopped'> {
  let rewrapped = 0;
  let failed = 0;
  const tally = (step: Step): void => {
    if (step === 'rewrapped') rewrapped += 1;
    if (step === 'failed') failed += 1;
  };
  const flush = async (): Promise<void> => {
    if (rewrapped === 0 && failed === 0) return;
    await deps.customerStore.addRotationProgress(rotationId, rewrapped, failed);
    rewrapped = 0;
    failed = 0;
  };

  if (!(await deps.customerStore.legacyMigrated())) {
    let cursor: string | undefined;
    let legacyFailures = 0;
    do {
      const batch = await deps.customerStore.listLegacy(REWRAP_BATCH, cursor);
      for (const customer of batch.items) {
        const step = await retrying(deps, customer.id, (stored) => migrateLegacy(deps, stored));
        if (step === 'failed') legacyFailures += 1;
        tally(step);
      }
      await flush();
      if (shouldStop()) return 'stopped';
      cursor = batch.cursor;
    } while (cursor !== undefined);
    if (legacyFailures === 0) await deps.customerStore.markLegacyMigrated(rotationId);
  }

  for (let pass = 0; pass < REWRAP_PASSES; pass += 1) {
    const { current, all } = await deps.vault.keyVersions();
    const old = all.filter((version) => version !== current);
    for (const version of old) {
      for (let shard = 0; shard < deps.customerStore.keyVersionShards; shard += 1) {
        let cursor: string | undefined;
        do {
          const batch = await deps.customerStore.listByKeyVersion(
            version,
            shard,
            REWRAP_BATCH,
            cursor,
          );
          for (const customer of batch.items) {
            tally(await retrying(deps, customer.id, (stored) => rewrapOne(deps, stored, current)));
          }
          await flush();
          if (shouldStop()) return 'stopped';
          cursor = batch.cursor;
        } while (cursor !== undefined);
      }
    }
    const left = await Promise.all(old.map((v) => deps.customerStore.countByKeyVersion(v)));
    if (left.every((count) => count === 0)) break;
  }
  await flush();
  await deps.customerStore.completeRotation(rotationId, deps.clock.now().toISOString());
  return 'completed';
}

/**
 * Finishes the latest rotation if its re-wrap has not completed: the job started after
 * `POST /encryption/rotate-key` may have been cut short (in Lambda the container can freeze after
 * the response), so a schedule calls this until the rotation completes. Safe to run beside
 * another run: each re-wrap is conditional and re-wrapping twice changes nothing.
 */
export async function resumePendingRewrap(
  deps: Dependencies,
  shouldStop: () => boolean,
): Promise<{ readonly rotationId?: string; readonly outcome: 'none' | 'completed' | 'stopped' }> {
  const latest = await deps.customerStore.latestRotation();
  if (latest === undefined || latest.completedAt !== undefined) return { outcome: 'none' };
  return { rotationId: latest.id, outcome: await runRewrap(deps, latest.id, shouldStop) };
}

/** Re-reads the customer and applies `step` until it commits, is moot, or attempts run out. */
async function retrying(
  deps: Dependencies,
  customerId: string,
  step: (stored: StoredCustomer) => Promise<StoredCustomer | undefined>,
): Promise<Step> {
  for (let attempt = 1; attempt <= REWRAP_ATTEMPTS; attempt += 1) {
    try {
      const stored = await deps.ledger.getCustomer(customerId);
      if (stored === undefined) return 'skipped';
      const after = await step(stored);
      if (after === undefined) return 'skipped';
      const ops = [
        { kind: 'updateCustomer', before: stored, after } as const,
        ...lookupChanges(customerId, stored.lookups, after.lookups),
      ];
      const result = await deps.ledger.commit(ops);
      if (result.committed) return 'rewrapped';
    } catch (error) {
      deps.logger.warn('customer key re-wrap failed', {
        customerId,
        error: error instanceof Error ? error.name : 'unknown',
      });
      return 'failed';
    }
    await deps.retry.sleep(Math.floor(deps.retry.random() * 20 * attempt));
  }
  return 'failed';
}

/** The same subject key wrapped under the current version; the version stays (not a change). */
async function rewrapOne(
  deps: Dependencies,
  stored: StoredCustomer,
  current: string,
): Promise<StoredCustomer | undefined> {
  if (stored.subjectKey === undefined || stored.subjectKey.dataKey.keyVersion === current) {
    return undefined;
  }
  return { ...stored, subjectKey: await deps.vault.rewrap(stored.id, stored.subjectKey) };
}

/** A customer sealed the old way, re-sealed under a new subject key with lookup entries. */
async function migrateLegacy(
  deps: Dependencies,
  stored: StoredCustomer,
): Promise<StoredCustomer | undefined> {
  if (stored.subjectKey !== undefined || stored.pii === undefined) return undefined;
  const opened = await openCustomer(deps, stored);
  const migrated = await subjectOf(deps, stored);
  return {
    ...migrated.stored,
    lookups: await lookupsOf(deps, opened.personal, stored.externalId),
    emailIndex: undefined,
  };
}

export interface EncryptionStatus {
  readonly currentKeyVersion: string;
  readonly keyVersions: readonly string[];
  readonly customersByKeyVersion: Readonly<Record<string, number>>;
  /** Customers still sealed without a subject key (0 once a re-encryption run migrated them). */
  readonly legacyCustomers: number;
  /** Customers not yet under the current version (old versions and legacy). */
  readonly pendingRewrap: number;
  readonly lastRotation: PiiRotation | undefined;
}

/** Key versions, how many customers each wraps (GSI3 counts), and the last rotation's progress. */
export async function encryptionStatus(deps: Dependencies): Promise<EncryptionStatus> {
  const { current, all } = await deps.vault.keyVersions();
  const counts = await Promise.all(all.map((v) => deps.customerStore.countByKeyVersion(v)));
  const customersByKeyVersion = Object.fromEntries(all.map((v, i) => [v, counts[i] ?? 0]));
  const legacyCustomers = (await deps.customerStore.legacyMigrated())
    ? 0
    : await deps.customerStore.countLegacy();
  const pendingRewrap =
    legacyCustomers + all.reduce((sum, v, i) => (v === current ? sum : sum + (counts[i] ?? 0)), 0);
  return {
    currentKeyVersion: current,
    keyVersions: all,
    customersByKeyVersion,
    legacyCustomers,
    pendingRewrap,
    lastRotation: await deps.customerStore.latestRotation(),
  };
}
