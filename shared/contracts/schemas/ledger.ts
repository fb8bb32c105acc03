import * as z from 'zod';
import { MoneySchema } from './money';

export const AccountSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    productType: z.enum(['SAVINGS', 'CHECKING', 'TERM_DEPOSIT', 'LOAN']),
    productId: z.string().optional(),
    productVersion: z.number().int().optional(),
    currency: z.string(),
    name: z.string(),
    status: z.enum(['ACTIVE', 'FROZEN', 'CLOSED']),
    balance: MoneySchema,
    availableBalance: MoneySchema,
    holdsTotal: MoneySchema,
    overdraftLimit: MoneySchema,
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Account' });

export const TransactionSchema = z
  .object({
    id: z.string(),
    type: z.enum([
      'DEPOSIT',
      'WITHDRAWAL',
      'TRANSFER',
      'FX_TRANSFER',
      'REVERSAL',
      'LOAN_DISBURSEMENT',
      'LOAN_REPAYMENT',
      'LOAN_WRITE_OFF',
      'INTEREST_POSTING',
      'FEE',
      'TERM_DEPOSIT_OPENING',
      'TERM_DEPOSIT_INTEREST',
      'TERM_DEPOSIT_MATURITY',
      'TERM_DEPOSIT_BREAK',
    ]),
    status: z
      .enum(['POSTED', 'REVERSED', 'PENDING_REVIEW', 'REJECTED'])
      .describe(
        'PENDING_REVIEW: held for fraud review (funds on hold, nothing booked) until approved ' +
          '(POSTED) or rejected (REJECTED)',
      ),
    amount: MoneySchema,
    fromAccountId: z.string().optional(),
    toAccountId: z.string().optional(),
    journalEntryId: z.string().optional().describe('Absent while nothing is booked'),
    description: z.string().optional(),
    reference: z.string().optional(),
    channel: z.string().optional(),
    valueDate: z.string(),
    bookingDate: z.string(),
    createdAt: z.string(),
    reversalOf: z.string().optional(),
    reversedBy: z.string().optional(),
    fee: MoneySchema.optional().describe(
      "Product fees charged inside this posting (debited with the payer's line, credited to " +
        "4100 Fee income); the payer's history shows them as a line of type FEE",
    ),
    fx: z
      .object({
        base: z.string(),
        quote: z.string(),
        rate: z.string(),
        convertedAmount: MoneySchema,
        rounding: z.string(),
      })
      .optional(),
    fraud: z
      .object({
        score: z.number().optional(),
        action: z.enum(['APPROVE', 'REVIEW', 'BLOCK']),
        reasons: z.array(z.string()),
      })
      .optional()
      .describe('Present when fraud screening flagged the movement for review (or blocked it)'),
  })
  .meta({ id: 'Transaction' });

export const AccountLineSchema = z
  .object({
    transactionId: z.string(),
    journalEntryId: z.string(),
    type: TransactionSchema.shape.type,
    side: z.enum(['DEBIT', 'CREDIT']),
    amount: MoneySchema,
    balanceAfter: MoneySchema,
    description: z.string().optional(),
    valueDate: z.string(),
    bookingDate: z.string(),
    postedAt: z.string(),
  })
  .meta({ id: 'AccountHistoryLine' });

export const HoldSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    amount: MoneySchema,
    reason: z.string(),
    status: z.enum(['ACTIVE', 'RELEASED', 'EXPIRED']),
    expiresAt: z.string().optional(),
    createdAt: z.string(),
    releasedAt: z.string().optional(),
  })
  .meta({ id: 'Hold' });

export const JournalEntrySchema = z
  .object({
    id: z.string(),
    transactionId: z.string(),
    valueDate: z.string(),
    bookingDate: z.string(),
    postedAt: z.string(),
    description: z.string().optional(),
    reversalOf: z.string().optional(),
    lines: z.array(
      z.object({
        account: z.union([
          z.object({ type: z.literal('GL'), code: z.string(), name: z.string() }),
          z.object({ type: z.literal('CUSTOMER'), accountId: z.string() }),
        ]),
        side: z.enum(['DEBIT', 'CREDIT']),
        amount: MoneySchema,
      }),
    ),
  })
  .meta({ id: 'JournalEntry' });

export const TrialBalanceSchema = z
  .object({
    asOf: z.string(),
    balanced: z.boolean(),
    currencies: z.array(
      z.object({
        currency: z.string(),
        debits: z.string(),
        credits: z.string(),
        balanced: z.boolean(),
        accounts: z.array(
          z.object({
            code: z.string(),
            name: z.string(),
            type: z.string(),
            debits: z.string(),
            credits: z.string(),
            balance: z.string(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'TrialBalance' });

export const FxRateSchema = z
  .object({ base: z.string(), quote: z.string(), rate: z.string(), asOf: z.string() })
  .meta({ id: 'FxRate' });

export const AuditRecordSchema = z
  .object({
    chainId: z.string(),
    seq: z.number().int(),
    at: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    action: z.string(),
    actor: z.string(),
    data: z.record(z.string(), z.string()),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditRecord' });

export const AuditVerificationSchema = z
  .object({
    valid: z.boolean(),
    checked: z.number().int(),
    chains: z.number().int(),
    firstInvalid: z
      .object({ chainId: z.string(), seq: z.number().int(), reason: z.string() })
      .optional(),
  })
  .meta({ id: 'AuditVerification' });

export const CustomerSchema = z
  .object({
    id: z.string(),
    externalId: z.string().optional(),
    status: z
      .enum(['ACTIVE', 'ERASED'])
      .meta({ description: 'ERASED: personal data crypto-shredded; personal fields are null' }),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable().optional(),
    dateOfBirth: z.string().nullable().optional(),
    nationalId: z.string().nullable().optional(),
    address: z
      .object({
        line1: z.string(),
        line2: z.string().optional(),
        city: z.string(),
        region: z.string().optional(),
        postalCode: z.string().optional(),
        country: z.string(),
      })
      .nullable()
      .optional(),
    kycStatus: z.enum(['PENDING', 'VERIFIED', 'REJECTED', 'EXPIRED']),
    kycTier: z.number().int(),
    kycVerifiedAt: z.string().optional(),
    kycExpiresAt: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    erasedAt: z.string().optional(),
  })
  .meta({ id: 'Customer' });

export const BeneficiarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    relationship: z.string(),
    percentage: z.string(),
    contactInfo: z.string().optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'Beneficiary' });

export const RotationStartedSchema = z
  .object({ rotationId: z.string(), keyVersion: z.string(), startedAt: z.string() })
  .meta({ id: 'KeyRotationStarted' });

export const EncryptionStatusSchema = z
  .object({
    currentKeyVersion: z.string(),
    keyVersions: z.array(z.string()),
    customersByKeyVersion: z.record(z.string(), z.number().int()),
    legacyCustomers: z.number().int(),
    pendingRewrap: z.number().int(),
    lastRotation: z
      .object({
        id: z.string(),
        keyVersion: z.string(),
        startedAt: z.string(),
        completedAt: z.string().optional(),
        rewrapped: z.number().int(),
        failed: z.number().int(),
      })
      .nullable(),
  })
  .meta({ id: 'EncryptionStatus' });

export const AuditCheckpointSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    previousRoot: z.string(),
    root: z.string(),
    chainCount: z.number().int(),
  })
  .meta({ id: 'AuditCheckpoint' });
