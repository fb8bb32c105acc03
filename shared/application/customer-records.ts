import {
  lookupValuesOf,
  normaliseLookup,
  personalFields,
  type Beneficiary,
  type Customer,
  type KycStatus,
  type LookupField,
  type PersonalData,
} from '../domain/customer';
import { appendToChain } from './audit/audit-chain';
import type { SealedFields, SubjectCipher } from './field-cipher';
import type {
  OutboxEvent,
  StoredBeneficiary,
  StoredCustomer,
  SubjectSealedFields,
  WriteOp,
} from './ledger/records';
import type { Dependencies } from './ports';

/** The scope (AAD record) of the customer's own fields under their subject key. */
export const CUSTOMER_SCOPE = 'customer';
export const beneficiaryScope = (beneficiaryId: string): string => `beneficiary:${beneficiaryId}`;

type CipherDeps = Pick<Dependencies, 'vault' | 'cipher'>;

export const isSubjectSealed = (pii: StoredCustomer['pii']): pii is SubjectSealedFields =>
  pii !== undefined && 'v' in pii;

/** The personal fields as strings, in the form they are sealed. */
export function personalFieldsOf(data: PersonalData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of personalFields) {
    const value = data[name];
    if (value === undefined) continue;
    fields[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return fields;
}

function personalDataOf(customerId: string, fields: Record<string, string>): PersonalData {
  const required = (name: string): string => {
    const value = fields[name];
    if (value === undefined) throw new Error(`Customer ${customerId} lacks ${name}`);
    return value;
  };
  return {
    firstName: required('firstName'),
    lastName: required('lastName'),
    email: required('email'),
    phone: fields.phone,
    dateOfBirth: fields.dateOfBirth,
    nationalId: fields.nationalId,
    address:
      fields.address === undefined
        ? undefined
        : (JSON.parse(fields.address) as PersonalData['address']),
  };
}

/** Seals a beneficiary under the customer's subject key. */
export function sealBeneficiary(
  cipher: SubjectCipher,
  beneficiary: Beneficiary,
): StoredBeneficiary {
  const fields: Record<string, string> = {
    name: beneficiary.name,
    relationship: beneficiary.relationship,
    percentage: beneficiary.percentage,
  };
  if (beneficiary.contactInfo !== undefined) fields.contactInfo = beneficiary.contactInfo;
  return {
    id: beneficiary.id,
    createdAt: beneficiary.createdAt,
    sealed: cipher.seal(beneficiaryScope(beneficiary.id), fields),
  };
}

export function openBeneficiary(cipher: SubjectCipher, stored: StoredBeneficiary): Beneficiary {
  const fields = cipher.open(beneficiaryScope(stored.id), stored.sealed);
  return {
    id: stored.id,
    createdAt: stored.createdAt,
    name: fields.name ?? '',
    relationship: fields.relationship ?? '',
    percentage: fields.percentage ?? '0',
    contactInfo: fields.contactInfo,
  };
}

/**
 * A stored customer in the current form, with the cipher of their subject key: items sealed
 * before subject keys are opened with the legacy cipher and re-sealed under a new subject key.
 */
export async function subjectOf(
  deps: CipherDeps,
  stored: StoredCustomer,
): Promise<{
  readonly stored: StoredCustomer;
  readonly cipher: SubjectCipher;
  readonly migrated: boolean;
}> {
  if (stored.subjectKey !== undefined && isSubjectSealed(stored.pii)) {
    return {
      stored,
      cipher: await deps.vault.unlock(stored.id, stored.subjectKey),
      migrated: false,
    };
  }
  if (stored.pii === undefined) throw new Error(`Customer ${stored.id} holds no personal data`);
  const fields = await deps.cipher.open(stored.id, stored.pii as SealedFields);
  const { key, cipher } = await deps.vault.newSubject(stored.id);
  return {
    stored: {
      ...stored,
      subjectKey: key,
      pii: { v: '2', fields: cipher.seal(CUSTOMER_SCOPE, fields) },
    },
    cipher,
    migrated: true,
  };
}

/** Opens a stored customer: personal data and beneficiaries, or none once erased. */
export async function openCustomer(deps: CipherDeps, stored: StoredCustomer): Promise<Customer> {
  const base = {
    id: stored.id,
    externalId: stored.externalId,
    status: stored.status,
    kycStatus: stored.kycStatus as KycStatus,
    kycTier: stored.kycTier,
    kycVerifiedAt: stored.kycVerifiedAt,
    kycExpiresAt: stored.kycExpiresAt,
    version: stored.version,
    audit: stored.audit,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    erasedAt: stored.erasedAt,
  };
  if (stored.status === 'ERASED' || stored.pii === undefined) {
    return { ...base, personal: undefined, beneficiaries: [] };
  }
  if (isSubjectSealed(stored.pii) && stored.subjectKey !== undefined) {
    const cipher = await deps.vault.unlock(stored.id, stored.subjectKey);
    return {
      ...base,
      personal: personalDataOf(stored.id, cipher.open(CUSTOMER_SCOPE, stored.pii.fields)),
      beneficiaries: stored.beneficiaries.map((b) => openBeneficiary(cipher, b)),
    };
  }
  const fields = await deps.cipher.open(stored.id, stored.pii as SealedFields);
  return { ...base, personal: personalDataOf(stored.id, fields), beneficiaries: [] };
}

/** The lookup entries of a customer: blind indexes of the personal fields, external id plain. */
export async function lookupsOf(
  deps: Pick<Dependencies, 'blindIndex'>,
  personal: PersonalData | undefined,
  externalId: string | undefined,
): Promise<Partial<Record<LookupField, string>>> {
  const lookups: Partial<Record<LookupField, string>> = {};
  if (personal !== undefined) {
    for (const [field, value] of Object.entries(lookupValuesOf(personal))) {
      lookups[field as LookupField] = await deps.blindIndex.indexOf(field, value);
    }
  }
  if (externalId !== undefined) lookups.externalId = normaliseLookup('externalId', externalId);
  return lookups;
}

/** What a lookup query searches for: the blind index of the normalised value. */
export async function lookupKey(
  deps: Pick<Dependencies, 'blindIndex'>,
  field: LookupField,
  value: string,
): Promise<string> {
  const normalised = normaliseLookup(field, value);
  return field === 'externalId' ? normalised : deps.blindIndex.indexOf(field, normalised);
}

/** The index writes that take a customer's lookups from `before` to `after`. */
export function lookupChanges(
  customerId: string,
  before: StoredCustomer['lookups'],
  after: StoredCustomer['lookups'],
): WriteOp[] {
  const ops: WriteOp[] = [];
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<LookupField>;
  for (const field of fields) {
    const old = before[field];
    const next = after[field];
    if (old === next) continue;
    if (old !== undefined)
      ops.push({ kind: 'deleteCustomerLookup', field, value: old, customerId });
    if (next !== undefined) ops.push({ kind: 'putCustomerLookup', field, value: next, customerId });
  }
  return ops;
}

/** An outbox event of a customer, sequenced by the customer's version; never personal data. */
export function customerEvent(
  deps: Pick<Dependencies, 'ids'>,
  type: string,
  customer: Pick<StoredCustomer, 'id' | 'version'>,
  at: string,
  data: Record<string, unknown>,
): WriteOp {
  const event: OutboxEvent = {
    id: deps.ids.next(),
    type,
    aggregateType: 'customer',
    aggregateId: customer.id,
    sequence: customer.version,
    occurredAt: at,
    data: { customerId: customer.id, ...data },
  };
  return { kind: 'putEvent', event };
}

/**
 * One change of a stored customer: `fields` applied to `from` (the customer as read, or its
 * subject-key form when a legacy customer is migrated on the way), at the next version, with the
 * audit record on the customer's chain, the write conditional on the version read, and the event.
 * Callers add what else the change moves (lookup entries) to the returned ops.
 */
export function customerChange(
  deps: Pick<Dependencies, 'ids'>,
  read: StoredCustomer,
  change: {
    readonly from?: StoredCustomer;
    readonly fields: Partial<StoredCustomer>;
    readonly at: string;
    readonly actor: string;
    readonly action: string;
    readonly auditData: Readonly<Record<string, string>>;
    readonly event: { readonly type: string; readonly data: Record<string, unknown> };
  },
): { readonly after: StoredCustomer; readonly ops: WriteOp[] } {
  const audited = appendToChain(read.audit, {
    chainId: `CUSTOMER#${read.id}`,
    at: change.at,
    entityType: 'CUSTOMER',
    entityId: read.id,
    action: change.action,
    actor: change.actor,
    data: change.auditData,
  });
  const after: StoredCustomer = {
    ...(change.from ?? read),
    ...change.fields,
    version: read.version + 1,
    audit: audited.head,
    updatedAt: change.at,
  };
  return {
    after,
    ops: [
      { kind: 'updateCustomer', before: read, after },
      { kind: 'appendAudit', record: audited.record },
      customerEvent(deps, change.event.type, after, change.at, change.event.data),
    ],
  };
}
