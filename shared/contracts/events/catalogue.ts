import * as z from 'zod';
import { kycStatuses } from '../../domain/customer';
import { loanStatuses } from '../../domain/lending/loan-status';
import { accountProductTypes, accountStatuses } from '../../domain/ledger/account';
import { TransactionSchema } from '../schemas/ledger';

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
const BusinessDate = z.iso.date();
/** An amount in minor units of its currency (an integer, as a decimal string). */
const MinorUnits = z.string().regex(/^-?\d+$/);
const Currency = z.string().regex(/^[A-Z]{3}$/);
/** Rule names and the like: short machine words, never free text a person typed. */
const Code = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/);

const AccountEventData = z.strictObject({
  accountId: Id,
  customerId: Id,
  productType: z.enum(accountProductTypes),
  currency: Currency,
  status: z.enum(accountStatuses),
  productId: Id.optional(),
  productVersion: z.number().int().min(1).optional(),
});

/** Every transaction type the ledger books: the same list the API answers with. */
const TransactionType = TransactionSchema.shape.type;

const TransactionEventData = z.strictObject({
  transactionId: Id,
  journalEntryId: Id,
  type: TransactionType,
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

const KycStatus = z.enum(kycStatuses);

/** What every loan event carries: the loan, its customer, its principal and its new status. */
const loanEventFields = {
  loanId: Id,
  customerId: Id,
  principalMinor: MinorUnits.describe('The principal in minor units of `currency`'),
  currency: Currency,
  status: z.enum(loanStatuses),
};
const LoanEventData = z.strictObject(loanEventFields);
/** A loan event booked with a ledger posting (`transactionId` is that transaction). */
const LoanPostingEventData = z.strictObject({ ...loanEventFields, transactionId: Id });

/** A movement as fraud screening saw it: ids, type and amount, never personal data. */
const screenedFields = {
  transactionId: Id,
  transactionType: TransactionType,
  amountMinor: MinorUnits,
  currency: Currency,
  fromAccountId: Id.optional(),
  toAccountId: Id.optional(),
  customerId: Id.optional().describe("The paying customer's id (the receiving one for a deposit)"),
};

/** One catalogue entry: the aggregate it belongs to, what it means, and its data schema. */
export interface EventDefinition {
  readonly aggregate: string;
  readonly description: string;
  readonly data: z.ZodType;
}

export const eventCatalogue = {
  'nexum.transaction.posted': {
    aggregate: 'transaction',
    description:
      'A transaction was posted to the ledger: a deposit, withdrawal, transfer, FX transfer, ' +
      'loan disbursement, repayment or write-off, or an interest posting (`type`)',
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
    data: z.strictObject({ customerId: Id, changedFields: z.array(Code).max(50) }),
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
  'nexum.loan.created': {
    aggregate: 'loan',
    description: 'A loan application was recorded with its schedule (status PENDING_APPROVAL)',
    data: LoanEventData,
  },
  'nexum.loan.approved': {
    aggregate: 'loan',
    description: "A loan was approved within the approver's limit; its loan account was opened",
    data: LoanEventData,
  },
  'nexum.loan.rejected': {
    aggregate: 'loan',
    description: 'A loan application was rejected (the reason stays in the audit trail)',
    data: LoanEventData,
  },
  'nexum.loan.disbursed': {
    aggregate: 'loan',
    description: 'The principal was paid out to the deposit account (`transactionId`)',
    data: LoanPostingEventData,
  },
  'nexum.loan.repaid': {
    aggregate: 'loan',
    description: 'A repayment was booked against the loan (`transactionId`)',
    data: LoanPostingEventData,
  },
  'nexum.loan.paid_off': {
    aggregate: 'loan',
    description: 'The repayment in `transactionId` settled the last installment',
    data: LoanPostingEventData,
  },
  'nexum.loan.written_off': {
    aggregate: 'loan',
    description: 'The outstanding principal was written off to loan-loss expense',
    data: LoanPostingEventData,
  },
  'nexum.loan.closed': {
    aggregate: 'loan',
    description: 'A loan was closed (final)',
    data: LoanEventData,
  },
  'nexum.loan.charged': {
    aggregate: 'loan',
    description: 'The end of day charged late fees and/or penalty interest on overdue installments',
    data: z.strictObject({
      ...loanEventFields,
      businessDate: BusinessDate,
      lateFeesMinor: MinorUnits,
      penaltiesMinor: MinorUnits,
    }),
  },
  'nexum.loan.installment_due': {
    aggregate: 'loan',
    description:
      'An unpaid installment falls due within the reminder window (3 days) of the business date',
    data: z.strictObject({
      ...loanEventFields,
      installmentNumber: z.number().int().min(1),
      dueDate: BusinessDate,
      amountMinor: MinorUnits.describe('What is still owed on the installment, in minor units'),
    }),
  },
  'nexum.fraud.flagged': {
    aggregate: 'fraud',
    description:
      'Fraud screening flagged a movement (subject `fraud/<transactionId>`): REVIEW holds it ' +
      'for a reviewer (`outcome` HELD_FOR_REVIEW, funds held by `holdId`), BLOCK refused it',
    data: z.strictObject({
      ...screenedFields,
      action: z.enum(['REVIEW', 'BLOCK']),
      outcome: z.enum(['HELD_FOR_REVIEW', 'REFUSED']),
      score: z
        .string()
        .regex(/^\d+(\.\d+)?(e-?\d+)?$/)
        .optional()
        .describe("Bastion's risk score as it sent it"),
      reasons: z.array(Code).max(50),
      source: z.enum(['BASTION', 'FALLBACK', 'CIRCUIT_OPEN', 'DISABLED']),
      holdId: Id.optional(),
    }),
  },
  'nexum.fraud.review_approved': {
    aggregate: 'fraud',
    description:
      'A reviewer approved a movement held for review: it was posted as `transactionId` ' +
      '(announced by its own nexum.transaction.posted) and the hold released',
    data: z.strictObject({ ...screenedFields, journalEntryId: Id }),
  },
  'nexum.fraud.review_rejected': {
    aggregate: 'fraud',
    description:
      'A reviewer rejected a movement held for review: nothing was posted and the hold was ' +
      'released (the reason stays in the audit trail)',
    data: z.strictObject({ ...screenedFields, holdId: Id.optional() }),
  },
  'nexum.encryption.key_rotated': {
    aggregate: 'encryption',
    description:
      'A PII key rotation started: a new key version seals new data (subject encryption_key/pii)',
    data: z.strictObject({
      rotationId: Id,
      keyVersion: Id.describe('The new key version (an opaque id: a KMS data-key generation)'),
    }),
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

/**
 * Why an event's data does not match its catalogue entry: one line per problem, naming the path
 * and the rule broken, never the offending value (it may be the personal data that must not be
 * there). Empty when it matches.
 */
export function eventDataProblems(type: string, data: unknown): string[] {
  if (!isCatalogued(type)) return [`type ${type} is not in the event catalogue`];
  const definition: EventDefinition = eventCatalogue[type];
  const parsed = definition.data.safeParse(data);
  if (parsed.success) return [];
  return parsed.error.issues.map(
    (issue) => `${issue.path.length === 0 ? '(data)' : issue.path.join('.')}: ${issue.message}`,
  );
}

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
