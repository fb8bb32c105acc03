import {
  personalFields,
  type Customer,
  type KycStatus,
  type PersonalData,
} from '../domain/customer';
import type { DomainError } from '../domain/errors';
import { err, ok, type Result } from '../domain/result';
import { appendToChain, GENESIS } from './audit/audit-chain';
import type { FieldCipher } from './field-cipher';
import type { CommandContext } from './ledger/accounts';
import type { StoredCustomer } from './ledger/records';
import { runCommand, storedReplay, type CommandOutcome } from './ledger/run-command';
import type { Dependencies } from './ports';

type Deps = Pick<
  Dependencies,
  'ledger' | 'retry' | 'clock' | 'ids' | 'logger' | 'locks' | 'cipher' | 'blindIndex'
>;

/**
 * Registers a customer. Identifying fields are sealed before they leave the process; the audit
 * record and the event carry only the id and KYC status, never personal data.
 */
export async function createCustomer(
  deps: Deps,
  command: PersonalData & { readonly externalId?: string | undefined },
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
    const customer: Customer = {
      ...command,
      id,
      externalId: command.externalId,
      kycStatus: 'PENDING',
      kycTier: 0,
      version: 1,
      audit: audited.head,
      createdAt: now,
      updatedAt: now,
    };
    const stored: StoredCustomer = {
      id,
      externalId: command.externalId,
      kycStatus: customer.kycStatus,
      kycTier: customer.kycTier,
      version: 1,
      audit: audited.head,
      createdAt: now,
      updatedAt: now,
      pii: await deps.cipher.seal(id, personalFieldsOf(command)),
      emailIndex: await deps.blindIndex.indexOf('email', command.email),
    };
    return ok({
      ops: [
        { kind: 'createCustomer', customer: stored },
        { kind: 'registerChain', chainId, entityType: 'CUSTOMER', entityId: id },
        { kind: 'appendAudit', record: audited.record },
        {
          kind: 'putEvent',
          event: {
            id: deps.ids.next(),
            type: 'nexum.customer.created',
            aggregateType: 'customer',
            aggregateId: id,
            sequence: 1,
            occurredAt: now,
            data: { customerId: id, kycStatus: 'PENDING' },
          },
        },
      ],
      value: customer,
    });
  });
}

/** Reads and opens a customer. */
export async function getCustomer(
  deps: Pick<Dependencies, 'ledger' | 'cipher'>,
  customerId: string,
): Promise<Result<Customer, DomainError>> {
  const stored = await deps.ledger.getCustomer(customerId);
  if (stored === undefined) return err({ code: 'CUSTOMER_NOT_FOUND', customerId });
  return ok(await openCustomer(deps.cipher, stored));
}

/**
 * Records a KYC decision: status and tier, conditional on the version read, audited on the
 * customer's chain and announced as `nexum.customer.kyc_updated` (without personal data).
 */
export async function updateKyc(
  deps: Deps,
  customerId: string,
  decision: { readonly status: KycStatus; readonly tier: number },
  context: CommandContext<Customer>,
): Promise<Result<CommandOutcome<Customer>, DomainError>> {
  return runCommand(deps, { ...context, lockKeys: [customerId] }, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const stored = await deps.ledger.getCustomer(customerId);
    if (stored === undefined) return err({ code: 'CUSTOMER_NOT_FOUND', customerId });
    const now = deps.clock.now().toISOString();
    const audited = appendToChain(stored.audit, {
      chainId: `CUSTOMER#${customerId}`,
      at: now,
      entityType: 'CUSTOMER',
      entityId: customerId,
      action: 'KYC_STATUS_CHANGED',
      actor: context.actor,
      data: {
        fromStatus: stored.kycStatus,
        toStatus: decision.status,
        fromTier: String(stored.kycTier),
        toTier: String(decision.tier),
      },
    });
    const after: StoredCustomer = {
      ...stored,
      kycStatus: decision.status,
      kycTier: decision.tier,
      version: stored.version + 1,
      audit: audited.head,
      updatedAt: now,
    };
    return ok({
      ops: [
        { kind: 'updateCustomer', before: stored, after },
        { kind: 'appendAudit', record: audited.record },
        {
          kind: 'putEvent',
          event: {
            id: deps.ids.next(),
            type: 'nexum.customer.kyc_updated',
            aggregateType: 'customer',
            aggregateId: customerId,
            sequence: after.version,
            occurredAt: now,
            data: { customerId, kycStatus: decision.status, kycTier: decision.tier },
          },
        },
      ],
      value: await openCustomer(deps.cipher, after),
    });
  });
}

/** Exact-match lookup by email through the blind index: nothing is decrypted to search. */
export async function findCustomersByEmail(
  deps: Pick<Dependencies, 'ledger' | 'cipher' | 'blindIndex'>,
  email: string,
): Promise<Customer[]> {
  const stored = await deps.ledger.findCustomersByIndex(
    'email',
    await deps.blindIndex.indexOf('email', email),
  );
  return Promise.all(stored.map((customer) => openCustomer(deps.cipher, customer)));
}

async function openCustomer(cipher: FieldCipher, stored: StoredCustomer): Promise<Customer> {
  const fields = await cipher.open(stored.id, stored.pii);
  const required = (name: string): string => {
    const value = fields[name];
    if (value === undefined) throw new Error(`Customer ${stored.id} lacks ${name}`);
    return value;
  };
  return {
    id: stored.id,
    externalId: stored.externalId,
    kycStatus: stored.kycStatus as Customer['kycStatus'],
    kycTier: stored.kycTier,
    version: stored.version,
    audit: stored.audit,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    firstName: required('firstName'),
    lastName: required('lastName'),
    email: required('email'),
    phone: fields.phone,
    dateOfBirth: fields.dateOfBirth,
    nationalId: fields.nationalId,
    address:
      fields.address === undefined
        ? undefined
        : (JSON.parse(fields.address) as Customer['address']),
  };
}

function personalFieldsOf(data: PersonalData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of personalFields) {
    const value = data[name];
    if (value === undefined) continue;
    fields[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return fields;
}
