import * as z from 'zod';

/**
 * The event catalogue: every domain event type Nexum emits, with the schema of its `data`.
 * Producers (the outbox writers, checked by a test), the publisher, consumers (notifications,
 * the Kafka bridge), CDK rules and the docs (`GET /events/catalogue`) all read this one table.
 *
 * Rules: types are `nexum.<aggregate>.<past-tense-verb>`; data carries ids, statuses, amounts and
 * field names, never personal data (no names, emails, phones, addresses, national ids, dates of
 * birth: see `piiFieldNames`). Adding a type is additive; changing a field breaks consumers.
 */

const Id = z.string().min(1).max(200);
const Instant = z.iso.datetime({ offset: true });
/** An amount in minor units of its currency (an integer, as a decimal string). */
const MinorUnits = z.string().regex(/^-?\d+$/);
const Currency = z.string().regex(/^[A-Z]{3}$/);

const AccountEventData = z.strictObject({
  accountId: Id,
  customerId: Id,
  productType: z.enum(['SAVINGS', 'CHECKING', 'TERM_DEPOSIT']),
  currency: Currency,
  status: z.enum(['ACTIVE', 'FROZEN', 'CLOSED']),
  productId: Id.optional(),
  productVersion: z.number().int().min(1).optional(),
});

const TransactionEventData = z.strictObject({
  transactionId: Id,
  journalEntryId: Id,
  type: z.enum(['DEPOSIT', 'WITHDRAWAL', 'TRANSFER', 'FX_TRANSFER', 'REVERSAL']),
  amount: MinorUnits.describe('Amount in minor units of `currency`'),
  currency: Currency,
  fromAccountId: Id.optional(),
  toAccountId: Id.optional(),
  reversalOf: Id.optional(),
});

const ProductEventData = z.strictObject({
  productId: Id,
  code: z.string().max(40),
  productType: z.enum(['SAVINGS', 'CHECKING', 'TERM_DEPOSIT', 'LOAN', 'CREDIT_LINE']),
  status: z.enum(['DRAFT', 'ACTIVE', 'SUSPENDED', 'RETIRED']),
  version: z.number().int().min(1),
});

const KycStatus = z.enum(['PENDING', 'VERIFIED', 'REJECTED', 'EXPIRED']);

/** One catalogue entry: the aggregate it belongs to, what it means, and its data schema. */
export interface EventDefinition {
  readonly aggregate: string;
  readonly description: string;
  readonly data: z.ZodType;
}

export const eventCatalogue = {
  'nexum.transaction.posted': {
    aggregate: 'transaction',
    description: 'A deposit, withdrawal, transfer or FX transfer was posted to the ledger',
    data: TransactionEventData,
  },
  'nexum.transaction.reversed': {
    aggregate: 'transaction',
    description: 'A reversal was posted; `reversalOf` is the reversed transaction',
    data: TransactionEventData,
  },
  'nexum.account.opened': {
    aggregate: 'account',
    description: 'An account was opened for a customer',
    data: AccountEventData,
  },
  'nexum.account.frozen': {
    aggregate: 'account',
    description: 'An account was frozen (no debits)',
    data: AccountEventData,
  },
  'nexum.account.unfrozen': {
    aggregate: 'account',
    description: 'A frozen account became active again',
    data: AccountEventData,
  },
  'nexum.account.closed': {
    aggregate: 'account',
    description: 'An account was closed',
    data: AccountEventData,
  },
  'nexum.customer.created': {
    aggregate: 'customer',
    description: 'A customer was registered (personal data stays in the customer record)',
    data: z.strictObject({ customerId: Id, kycStatus: KycStatus }),
  },
  'nexum.customer.updated': {
    aggregate: 'customer',
    description: 'Personal or reference fields of a customer changed (names of fields only)',
    data: z.strictObject({ customerId: Id, changedFields: z.array(z.string().max(100)) }),
  },
  'nexum.customer.kyc_updated': {
    aggregate: 'customer',
    description: 'The KYC status or tier of a customer changed',
    data: z.strictObject({
      customerId: Id,
      kycStatus: KycStatus,
      kycTier: z.number().int().min(0).max(3),
      kycExpiresAt: Instant.optional(),
    }),
  },
  'nexum.customer.erased': {
    aggregate: 'customer',
    description: "A customer's personal data was erased (crypto-shredded)",
    data: z.strictObject({ customerId: Id, erasedAt: Instant }),
  },
  'nexum.customer.beneficiary_added': {
    aggregate: 'customer',
    description: 'A beneficiary was added to a customer',
    data: z.strictObject({ customerId: Id, beneficiaryId: Id }),
  },
  'nexum.customer.beneficiary_removed': {
    aggregate: 'customer',
    description: 'A beneficiary was removed from a customer',
    data: z.strictObject({ customerId: Id, beneficiaryId: Id }),
  },
  'nexum.encryption.key_rotated': {
    aggregate: 'encryption',
    description:
      'A PII key rotation started: a new key version seals new data (subject encryption_key/pii)',
    data: z.strictObject({ rotationId: Id, keyVersion: z.number().int().min(1) }),
  },
  'nexum.product.created': {
    aggregate: 'product',
    description: 'A product was defined (version 1, DRAFT; the seeded defaults start ACTIVE)',
    data: ProductEventData,
  },
  'nexum.product.updated': {
    aggregate: 'product',
    description: 'A product got a new version; accounts and loans keep the version they opened on',
    data: ProductEventData,
  },
  'nexum.product.activated': {
    aggregate: 'product',
    description: 'A product became ACTIVE: it opens new accounts or loans',
    data: ProductEventData,
  },
  'nexum.product.suspended': {
    aggregate: 'product',
    description: 'A product was suspended: no new accounts or loans until activated again',
    data: ProductEventData,
  },
  'nexum.product.retired': {
    aggregate: 'product',
    description: 'A product was retired for good; existing accounts and loans run on',
    data: ProductEventData,
  },
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof eventCatalogue;
export const eventTypes = Object.keys(eventCatalogue) as EventType[];

/** The data of an event of type `T`. */
export type EventData<T extends EventType> = z.infer<(typeof eventCatalogue)[T]['data']>;

export const isCatalogued = (type: string): type is EventType =>
  Object.prototype.hasOwnProperty.call(eventCatalogue, type);

/** Field names that would carry personal data; no event's data may declare or carry them. */
export const piiFieldNames = [
  'firstName',
  'lastName',
  'fullName',
  'name',
  'email',
  'phone',
  'dateOfBirth',
  'nationalId',
  'taxId',
  'address',
  'contactInfo',
  'password',
] as const;

/** The aggregate part of a type: `nexum.account.opened` → `account`. */
export function aggregateOf(type: string): string {
  return type.split('.')[1] ?? 'unknown';
}

/** JSON Schemas (draft 2020-12) of every type's data, for docs, consumers and rule authors. */
export function catalogueJsonSchemas(): Array<{
  readonly type: EventType;
  readonly aggregate: string;
  readonly description: string;
  readonly dataSchema: Record<string, unknown>;
}> {
  return eventTypes.map((type) => {
    const definition: EventDefinition = eventCatalogue[type];
    return {
      type,
      aggregate: definition.aggregate,
      description: definition.description,
      dataSchema: z.toJSONSchema(definition.data, { io: 'input' }),
    };
  });
}
