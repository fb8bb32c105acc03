import {
  applyKycDecision,
  personalFields,
  type Customer,
  type KycDecision,
  type LookupField,
  type PersonalData,
} from '../domain/customer';
import type { DomainError } from '../domain/errors';
import { err, ok, type Result } from '../domain/result';
import { appendToChain, GENESIS } from './audit/audit-chain';
import {
  CUSTOMER_SCOPE,
  customerChange,
  customerEvent,
  lookupChanges,
  lookupKey,
  lookupsOf,
  openCustomer,
  personalFieldsOf,
  subjectOf,
} from './customer-records';
import type { CommandContext } from './ledger/accounts';
import type { Page, PageRequest } from './ledger/ledger-store';
import type { StoredCustomer } from './ledger/records';
import { runCommand, storedReplay, type CommandOutcome } from './ledger/run-command';
import type { Dependencies } from './ports';

type Deps = Pick<
  Dependencies,
  'ledger' | 'retry' | 'clock' | 'ids' | 'logger' | 'locks' | 'cipher' | 'vault' | 'blindIndex'
>;
type ReadDeps = Pick<Dependencies, 'ledger' | 'cipher' | 'vault' | 'blindIndex' | 'customerStore'>;

/** The personal fields a request carries, plus the (non-personal) external reference. */
export type CustomerDetails = PersonalData & { readonly externalId?: string | undefined };

/**
 * Registers a customer. Their personal fields are sealed under a new subject key of their own
 * (crypto-shredding); lookups go to blind-index entries; the audit record and the event carry
 * only the id and KYC status, never personal data.
 */
export async function createCustomer(
  deps: Deps,
  command: CustomerDetails,
  context: CommandContext<Customer>,
): Promise<Result<CommandOutcome<Customer>, DomainError>> {
  return runCommand(deps, context, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const now = deps.clock.now().toISOString();
    const id = deps.ids.next();
    const chainId = `CUSTOMER#${id}`;
    const audited = appendToChain(GENESIS, {
      chainId,
      at: now,
      entityType: 'CUSTOMER',
      entityId: id,
      action: 'CUSTOMER_CREATED',
      actor: context.actor,
      data: {
        kycStatus: 'PENDING',
        ...(command.externalId === undefined ? {} : { externalId: command.externalId }),
      },
    });
    const { key, cipher } = await deps.vault.newSubject(id);
    const stored: StoredCustomer = {
      id,
      externalId: command.externalId,
      status: 'ACTIVE',
      kycStatus: 'PENDING',
      kycTier: 0,
      kycVerifiedAt: undefined,
      kycExpiresAt: undefined,
      version: 1,
      audit: audited.head,
      createdAt: now,
      updatedAt: now,
      erasedAt: undefined,
      pii: { v: '2', fields: cipher.seal(CUSTOMER_SCOPE, personalFieldsOf(command)) },
      subjectKey: key,
      beneficiaries: [],
      lookups: await lookupsOf(deps, command, command.externalId),
      emailIndex: undefined,
    };
    return ok({
      ops: [
        { kind: 'createCustomer', customer: stored },
        ...lookupChanges(id, {}, stored.lookups),
        { kind: 'registerChain', chainId, entityType: 'CUSTOMER', entityId: id },
        { kind: 'appendAudit', record: audited.record },
        customerEvent(deps, 'nexum.customer.created', stored, now, { kycStatus: 'PENDING' }),
      ],
      value: await openCustomer(deps, stored),
    });
  });
}

/** Reads and opens a customer (personal fields absent once erased). */
export async function getCustomer(
  deps: Pick<Dependencies, 'ledger' | 'cipher' | 'vault'>,
  customerId: string,
): Promise<Result<Customer, DomainError>> {
  const stored = await deps.ledger.getCustomer(customerId);
  if (stored === undefined) return err({ code: 'CUSTOMER_NOT_FOUND', customerId });
  return ok(await openCustomer(deps, stored));
}

/**
 * Replaces a customer's personal fields (PUT): re-sealed under their subject key, lookup entries
 * moved in the same transaction, conditional on the version read. The external id is replaced
 * when given and kept when absent. Audited and announced with the names of the changed fields
 * only.
 */
export async function updateCustomer(
  deps: Deps,
  customerId: string,
  command: CustomerDetails,
  context: CommandContext<Customer>,
): Promise<Result<CommandOutcome<Customer>, DomainError>> {
  return runCommand(deps, { ...context, lockKeys: [customerId] }, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const read = await deps.ledger.getCustomer(customerId);
    if (read === undefined) return err({ code: 'CUSTOMER_NOT_FOUND', customerId });
    if (read.status === 'ERASED') return err({ code: 'CUSTOMER_ERASED', customerId });
    const previous = await openCustomer(deps, read);
    const { stored, cipher } = await subjectOf(deps, read);
    const externalId = command.externalId ?? read.externalId;
    const changed = personalFields.filter(
      (name) =>
        JSON.stringify(previous.personal?.[name] ?? null) !== JSON.stringify(command[name] ?? null),
    );
    const changedFields = [...changed, ...(externalId === read.externalId ? [] : ['externalId'])];
    const now = deps.clock.now().toISOString();
    const personal: PersonalData = {
      firstName: command.firstName,
      lastName: command.lastName,
      email: command.email,
      phone: command.phone,
      dateOfBirth: command.dateOfBirth,
      nationalId: command.nationalId,
      address: command.address,
    };
    const lookups = await lookupsOf(deps, personal, externalId);
    const { after, ops } = customerChange(deps, read, {
      from: stored,
      fields: {
        externalId,
        pii: { v: '2', fields: cipher.seal(CUSTOMER_SCOPE, personalFieldsOf(personal)) },
        lookups,
        emailIndex: undefined,
      },
      at: now,
      actor: context.actor,
      action: 'CUSTOMER_UPDATED',
      auditData: { changedFields: changedFields.join(',') },
      event: { type: 'nexum.customer.updated', data: { changedFields } },
    });
    return ok({
      ops: [...ops, ...lookupChanges(customerId, read.lookups, lookups)],
      value: await openCustomer(deps, after),
    });
  });
}

/**
 * Records a KYC decision (domain/customer.ts `applyKycDecision`): status, tier and dates,
 * conditional on the version read, audited on the customer's chain and announced as
 * `nexum.customer.kyc_updated` (without personal data).
 */
export async function updateKyc(
  deps: Deps,
  customerId: string,
  decision: KycDecision & { readonly expiryDays?: number | undefined },
  context: CommandContext<Customer>,
): Promise<Result<CommandOutcome<Customer>, DomainError>> {
  return runCommand(deps, { ...context, lockKeys: [customerId] }, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const stored = await deps.ledger.getCustomer(customerId);
    if (stored === undefined) return err({ code: 'CUSTOMER_NOT_FOUND', customerId });
    const now = deps.clock.now();
    const at = now.toISOString();
    const kyc = applyKycDecision(
      {
        kycStatus: stored.kycStatus as Customer['kycStatus'],
        kycTier: stored.kycTier,
        kycVerifiedAt: stored.kycVerifiedAt,
        kycExpiresAt: stored.kycExpiresAt,
      },
      {
        status: decision.status,
        tier: decision.tier,
        expiresAt:
          decision.expiresAt ??
          (decision.expiryDays === undefined
            ? undefined
            : new Date(now.getTime() + decision.expiryDays * 86_400_000).toISOString()),
      },
      at,
    );
    const expiry = kyc.kycExpiresAt === undefined ? {} : { kycExpiresAt: kyc.kycExpiresAt };
    const { after, ops } = customerChange(deps, stored, {
      fields: kyc,
      at,
      actor: context.actor,
      action: 'KYC_STATUS_CHANGED',
      auditData: {
        fromStatus: stored.kycStatus,
        toStatus: kyc.kycStatus,
        fromTier: String(stored.kycTier),
        toTier: String(kyc.kycTier),
        ...expiry,
      },
      event: {
        type: 'nexum.customer.kyc_updated',
        data: { kycStatus: kyc.kycStatus, kycTier: kyc.kycTier, ...expiry },
      },
    });
    return ok({
      ops,
      value: await openCustomer(deps, after),
    });
  });
}

/**
 * Erases a customer's personal data (right to be forgotten) by crypto-shredding: the wrapped
 * subject key, the sealed fields, the beneficiaries and every lookup entry go in one
 * transaction, and the customer stays as an ERASED shell (id, KYC status, dates) so accounts,
 * balances and the audit chain remain whole. Idempotent: erasing again changes nothing.
 */
export async function eraseCustomer(
  deps: Deps,
  customerId: string,
  context: CommandContext<Customer>,
): Promise<Result<CommandOutcome<Customer>, DomainError>> {
  return runCommand(deps, { ...context, lockKeys: [customerId] }, async () => {
    const stored = await deps.ledger.getCustomer(customerId);
    if (stored === undefined) return err({ code: 'CUSTOMER_NOT_FOUND', customerId });
    if (stored.status === 'ERASED') return ok({ ops: [], value: await openCustomer(deps, stored) });
    const at = deps.clock.now().toISOString();
    const { after, ops } = customerChange(deps, stored, {
      fields: {
        status: 'ERASED',
        pii: undefined,
        subjectKey: undefined,
        beneficiaries: [],
        lookups: {},
        emailIndex: undefined,
        erasedAt: at,
      },
      at,
      actor: context.actor,
      action: 'CUSTOMER_ERASED',
      auditData: { beneficiaries: String(stored.beneficiaries.length) },
      event: { type: 'nexum.customer.erased', data: { erasedAt: at } },
    });
    return ok({
      ops: [...ops, ...lookupChanges(customerId, stored.lookups, {})],
      value: await openCustomer(deps, after),
    });
  });
}

/** Exact-match lookup through the lookup entries: nothing is decrypted to search. */
export async function findCustomers(
  deps: ReadDeps,
  field: LookupField,
  value: string,
): Promise<Customer[]> {
  const stored = await deps.customerStore.findByLookup(field, await lookupKey(deps, field, value));
  // A legacy GSI2 entry may outlive an erasure only until the item is rewritten; check anyway.
  const live = stored.filter((customer) => customer.status === 'ACTIVE');
  return Promise.all(live.map((customer) => openCustomer(deps, customer)));
}

/** Every customer, newest first. */
export async function listCustomers(deps: ReadDeps, page: PageRequest): Promise<Page<Customer>> {
  const stored = await deps.customerStore.list(page);
  return {
    items: await Promise.all(stored.items.map((customer) => openCustomer(deps, customer))),
    nextCursor: stored.nextCursor,
  };
}
