import type { Beneficiary, Customer } from '../domain/customer';
import type { Account } from '../domain/ledger/account';
import { availableMinor } from '../domain/ledger/account';
import { glAccount } from '../domain/ledger/chart-of-accounts';
import type { JournalEntry } from '../domain/ledger/journal-entry';
import { Money, type CurrencyCode } from '../domain/money';
import type {
  AccountLine,
  AuditRecord,
  FraudMark,
  Hold,
  TransactionRecord,
} from '../application/ledger/records';
import type { FraudCase } from '../application/fraud/review-records';
import type { TrialBalance } from '../application/ledger/ledger-queries';

/*
 * Wire forms (API.md): money as `{amount, currency}` with the amount a decimal string at the
 * currency's scale; optional fields omitted rather than null.
 */

export const money = (minor: bigint, currency: CurrencyCode) =>
  Money.fromMinor(minor, currency).toJSON();

const decimal = (minor: bigint, currency: CurrencyCode) =>
  Money.fromMinor(minor, currency).toString();

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

export function accountWire(account: Account) {
  return {
    id: account.id,
    customerId: account.customerId,
    productType: account.productType,
    ...optional('productId', account.productId),
    ...optional('productVersion', account.productVersion),
    currency: account.currency,
    name: account.name,
    status: account.status,
    balance: money(account.balanceMinor, account.currency),
    availableBalance: money(availableMinor(account), account.currency),
    holdsTotal: money(account.holdsMinor, account.currency),
    overdraftLimit: money(account.overdraftLimitMinor, account.currency),
    version: account.version,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}

export function transactionWire(transaction: TransactionRecord) {
  return {
    id: transaction.id,
    type: transaction.type,
    status: transaction.status,
    amount: money(transaction.amountMinor, transaction.currency),
    ...optional('fromAccountId', transaction.fromAccountId),
    ...optional('toAccountId', transaction.toAccountId),
    ...optional('journalEntryId', transaction.journalEntryId),
    ...optional('description', transaction.description),
    ...optional('reference', transaction.reference),
    ...optional('channel', transaction.channel),
    valueDate: transaction.valueDate,
    bookingDate: transaction.bookingDate,
    createdAt: transaction.createdAt,
    ...optional('reversalOf', transaction.reversalOf),
    ...optional('reversedBy', transaction.reversedBy),
    ...(transaction.fee === undefined
      ? {}
      : { fee: money(transaction.fee.amountMinor, transaction.currency) }),
    ...(transaction.fx === undefined
      ? {}
      : {
          fx: {
            base: transaction.fx.base,
            quote: transaction.fx.quote,
            rate: transaction.fx.rate,
            convertedAmount: money(transaction.fx.convertedMinor, transaction.fx.convertedCurrency),
            rounding: transaction.fx.rounding,
          },
        }),
    // A plain approval is kept for GET /transactions/{id}/fraud-score, not shown here.
    ...(transaction.fraud === undefined || transaction.fraud.action === 'APPROVE'
      ? {}
      : {
          fraud: {
            ...(transaction.fraud.score === undefined
              ? {}
              : { score: Number(transaction.fraud.score) }),
            action: transaction.fraud.action,
            reasons: [...transaction.fraud.reasons],
          },
        }),
  };
}

export function accountLineWire(line: AccountLine) {
  return {
    transactionId: line.transactionId,
    journalEntryId: line.entryId,
    type: line.type,
    side: line.side,
    amount: money(line.amountMinor, line.currency),
    balanceAfter: money(line.balanceAfterMinor, line.currency),
    ...optional('description', line.description),
    valueDate: line.valueDate,
    bookingDate: line.bookingDate,
    postedAt: line.postedAt,
  };
}

export function holdWire(hold: Hold) {
  return {
    id: hold.id,
    accountId: hold.accountId,
    amount: money(hold.amountMinor, hold.currency),
    reason: hold.reason,
    status: hold.status,
    ...optional('expiresAt', hold.expiresAt),
    createdAt: hold.createdAt,
    ...optional('releasedAt', hold.releasedAt),
  };
}

export function entryWire(entry: JournalEntry) {
  return {
    id: entry.id,
    transactionId: entry.transactionId,
    valueDate: entry.valueDate,
    bookingDate: entry.bookingDate,
    postedAt: entry.postedAt,
    ...optional('description', entry.description),
    ...optional('reversalOf', entry.reversalOf),
    lines: entry.lines.map((line) => ({
      account:
        line.account.kind === 'gl'
          ? {
              type: 'GL' as const,
              code: line.account.code,
              name: glAccount(line.account.code).name,
            }
          : { type: 'CUSTOMER' as const, accountId: line.account.accountId },
      side: line.side,
      amount: money(line.amountMinor, line.currency),
    })),
  };
}

export function trialBalanceWire(balances: readonly TrialBalance[], asOf: string) {
  return {
    asOf,
    balanced: balances.every((balance) => balance.balanced),
    currencies: balances.map((balance) => ({
      currency: balance.currency,
      debits: decimal(balance.debitsMinor, balance.currency),
      credits: decimal(balance.creditsMinor, balance.currency),
      balanced: balance.balanced,
      accounts: balance.accounts.map((account) => ({
        code: account.code,
        name: account.name,
        type: account.type,
        debits: decimal(account.debitsMinor, balance.currency),
        credits: decimal(account.creditsMinor, balance.currency),
        balance: decimal(account.balanceMinor, balance.currency),
      })),
    })),
  };
}

export function auditWire(record: AuditRecord) {
  return { ...record, data: { ...record.data } };
}

/** A customer on the wire; once erased, every personal field is null. */
export function customerWire(customer: Customer) {
  const personal = customer.personal;
  return {
    id: customer.id,
    ...optional('externalId', customer.externalId),
    status: customer.status,
    firstName: personal?.firstName ?? null,
    lastName: personal?.lastName ?? null,
    email: personal?.email ?? null,
    ...(personal === undefined
      ? { phone: null, dateOfBirth: null, nationalId: null, address: null }
      : {
          ...optional('phone', personal.phone),
          ...optional('dateOfBirth', personal.dateOfBirth),
          ...optional('nationalId', personal.nationalId),
          ...optional('address', personal.address),
        }),
    kycStatus: customer.kycStatus,
    kycTier: customer.kycTier,
    ...optional('kycVerifiedAt', customer.kycVerifiedAt),
    ...optional('kycExpiresAt', customer.kycExpiresAt),
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
    ...optional('erasedAt', customer.erasedAt),
  };
}

export function beneficiaryWire(beneficiary: Beneficiary) {
  return {
    id: beneficiary.id,
    name: beneficiary.name,
    relationship: beneficiary.relationship,
    percentage: beneficiary.percentage,
    ...optional('contactInfo', beneficiary.contactInfo),
    createdAt: beneficiary.createdAt,
  };
}

/** A movement stopped by fraud screening (shared/application/fraud/review-records.ts). */
export function fraudCaseWire(fraudCase: FraudCase) {
  return {
    transactionId: fraudCase.transactionId,
    status: fraudCase.status,
    type: fraudCase.type,
    amount: money(fraudCase.amountMinor, fraudCase.currency),
    ...optional('fromAccountId', fraudCase.fromAccountId),
    ...optional('toAccountId', fraudCase.toAccountId),
    ...fraudMarkWire(fraudCase.decision),
    ...optional('holdId', fraudCase.hold?.id),
    createdAt: fraudCase.createdAt,
    ...optional('resolvedAt', fraudCase.resolvedAt),
    ...optional('resolvedBy', fraudCase.resolvedBy),
    ...optional('journalEntryId', fraudCase.journalEntryId),
  };
}

export function fraudMarkWire(mark: FraudMark) {
  return {
    action: mark.action,
    ...optional('score', mark.score === undefined ? undefined : Number(mark.score)),
    reasons: [...mark.reasons],
    source: mark.source,
  };
}
