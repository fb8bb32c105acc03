import { addDays, compareDates, type BusinessDate } from '../../domain/interest/business-date';
import {
  arrearsBucket,
  chargeLateFees,
  chargePenaltyInterest,
  daysPastDue,
  type ArrearsBucket,
  type LateFeeRule,
} from '../../domain/lending/delinquency';
import { installmentCount } from '../../domain/lending/due-dates';
import {
  defaultAllocationOrder,
  installmentsFromSchedule,
  isSettled,
  outstandingTotal,
  totalOf,
  type Components,
  type Installment,
} from '../../domain/lending/installments';
import { transitionLoan, type LoanAction } from '../../domain/lending/loan-status';
import {
  accruedInterest,
  allocateRepayment,
  payoffQuote,
  prepay,
  type PayoffQuote,
  type PrepaymentMode,
} from '../../domain/lending/repayment';
import { generateSchedule } from '../../domain/lending/schedule';
import { effectiveKycTier } from '../../domain/kyc-limits';
import { checkLoanRequest } from '../../domain/products/eligibility';
import type { LoanSettings, ProductFee } from '../../domain/products/product';
import { feesFor } from '../../domain/products/fees';
import { chargeFee } from '../../domain/products/posting';
import { checkProductBalanceLimits, productDefinitionOf } from '../products/posting-fees';
import { productOf } from '../products/product-records';
import { getProduct } from '../products/products';
import type { Account } from '../../domain/ledger/account';
import type { GlCode } from '../../domain/ledger/chart-of-accounts';
import type { JournalLine } from '../../domain/ledger/journal-entry';
import type { DomainError } from '../../domain/errors';
import { BankDecimal, Money, type CurrencyCode, type RoundingMode } from '../../domain/money';
import { err, ok, type Result } from '../../domain/result';
import { appendToChain, GENESIS } from '../audit/audit-chain';
import type { CommandContext } from '../ledger/accounts';
import type { Page, PageRequest } from '../ledger/ledger-store';
import { postWith, type PostingDeps } from '../ledger/move-money';
import type { OutboxEvent, TransactionRecord, WriteOp } from '../ledger/records';
import { runCommand, storedReplay, type CommandOutcome } from '../ledger/run-command';
import type { Dependencies } from '../ports';
import {
  interestTermsOf,
  LOAN_COLLECTION,
  loanDocument,
  loanOf,
  loansOfCustomer,
  type Loan,
} from './loan-records';

type Deps = PostingDeps;
type Outcome<T> = Promise<Result<CommandOutcome<T>, DomainError>>;

/** GL accounts a loan posts to (docs/lending.md: HTTP and ledger mapping). */
export const loanGl = {
  receivableControl: '1200',
  interestReceivable: '1210',
  interestIncome: '4000',
  feeIncome: '4100',
  lossExpense: '5100',
  cash: '1000',
} as const satisfies Record<string, GlCode>;

export interface LoanApplicationCommand {
  readonly customerId: string;
  readonly productId?: string | undefined;
  readonly principal: Money;
  readonly annualInterestRate: string;
  readonly termMonths: number;
  readonly paymentFrequency: Loan['paymentFrequency'];
  readonly amortizationMethod: Loan['amortizationMethod'];
  readonly dayCountConvention: Loan['dayCountConvention'];
  readonly expectedDisbursementDate: BusinessDate;
  readonly firstPaymentDate: BusinessDate;
  readonly gracePeriodDays?: number | undefined;
}

export async function getLoan(
  deps: Pick<Deps, 'ledger'>,
  loanId: string,
): Promise<Loan | undefined> {
  const document = await deps.ledger.getDocument(LOAN_COLLECTION, loanId);
  return document === undefined ? undefined : loanOf(document);
}

export async function listCustomerLoans(
  deps: Pick<Deps, 'ledger'>,
  customerId: string,
  page: PageRequest,
): Promise<Page<Loan>> {
  const found = await deps.ledger.listDocuments(loansOfCustomer(customerId), page);
  return { items: found.items.map(loanOf), nextCursor: found.nextCursor };
}

/**
 * The product a loan application names, checked (ACTIVE, a LOAN product, currency, amount and
 * term range, amortization method, frequency, the customer's KYC tier) and the settings the loan
 * takes from its current version (grace, late fee, penalty rate, allocation order, rounding).
 */
async function loanProductTerms(
  deps: Deps,
  command: LoanApplicationCommand,
): Promise<
  Result<
    | {
        productId: string;
        productVersion: number;
        loan: LoanSettings;
        rounding: RoundingMode;
      }
    | undefined,
    DomainError
  >
> {
  if (command.productId === undefined) return ok(undefined);
  const found = await getProduct(deps, command.productId);
  if (!found.ok) return found;
  const { head, version } = found.value;
  if (head.status !== 'ACTIVE') {
    return err({ code: 'PRODUCT_NOT_ACTIVE', productId: head.id, status: head.status });
  }
  const product = productOf(head, version);
  const { customers } = await deps.ledger.loadAccounts([], undefined, [command.customerId]);
  const customer = customers.get(command.customerId);
  const checked = checkLoanRequest(product, {
    principal: command.principal,
    termMonths: command.termMonths,
    method: command.amortizationMethod,
    frequency: command.paymentFrequency,
    customerKycTier:
      customer === undefined ? 0 : effectiveKycTier(customer, deps.clock.now().toISOString()),
  });
  if (!checked.ok) {
    return err({ code: 'LOAN_NOT_ELIGIBLE', productId: head.id, reasons: checked.error.reasons });
  }
  const { loan, interest } = product.definition;
  if (loan === undefined) {
    return err({ code: 'LOAN_NOT_ELIGIBLE', productId: head.id, reasons: ['NOT_A_LOAN_PRODUCT'] });
  }
  // A LATE_PAYMENT fee of the product is the loan's late fee when the loan settings have none.
  const lateFee = loan.lateFee ?? lateFeeOf(product.definition.fees);
  return ok({
    productId: head.id,
    productVersion: version.version,
    loan: lateFee === undefined ? loan : { ...loan, lateFee },
    rounding: interest?.rounding ?? 'HALF_EVEN',
  });
}

/**
 * The first LATE_PAYMENT fee as a late fee rule: FIXED as is, PERCENTAGE on the overdue amount
 * (the late fee rule has no minimum or maximum, so a percentage fee's bounds do not apply).
 */
function lateFeeOf(fees: readonly ProductFee[]): LateFeeRule | undefined {
  const fee = fees.find((candidate) => candidate.trigger === 'LATE_PAYMENT');
  if (fee === undefined) return undefined;
  return fee.type === 'FIXED'
    ? { type: 'FIXED', amount: fee.amount }
    : { type: 'PERCENTAGE', rate: fee.rate };
}

/** A loan application: PENDING_APPROVAL with its schedule from the expected disbursement date. */
export async function createLoan(
  deps: Deps,
  command: LoanApplicationCommand,
  context: CommandContext<Loan>,
): Outcome<Loan> {
  return runCommand(deps, context, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    if (!(await deps.customers.exists(command.customerId))) {
      return err({ code: 'CUSTOMER_NOT_FOUND', customerId: command.customerId });
    }
    const terms = await loanProductTerms(deps, command);
    if (!terms.ok) return terms;
    const fromProduct = terms.value;
    const schedule = generateSchedule({
      principal: command.principal,
      annualRate: new BankDecimal(command.annualInterestRate),
      method: command.amortizationMethod,
      frequency: command.paymentFrequency,
      dayCount: command.dayCountConvention,
      disbursementDate: command.expectedDisbursementDate,
      firstPaymentDate: command.firstPaymentDate,
      installments: installmentCount(command.termMonths, command.paymentFrequency),
    });
    const now = deps.clock.now().toISOString();
    const id = deps.ids.next();
    const audited = appendToChain(GENESIS, {
      chainId: chainOf(id),
      at: now,
      entityType: 'LOAN',
      entityId: id,
      action: 'LOAN_CREATED',
      actor: context.actor,
      data: {
        customerId: command.customerId,
        principal: command.principal.toString(),
        currency: command.principal.currency,
        annualInterestRate: command.annualInterestRate,
        termMonths: String(command.termMonths),
      },
    });
    const loan: Loan = {
      id,
      customerId: command.customerId,
      productId: fromProduct?.productId,
      productVersion: fromProduct?.productVersion,
      status: 'PENDING_APPROVAL',
      principal: command.principal,
      annualInterestRate: command.annualInterestRate,
      termMonths: command.termMonths,
      paymentFrequency: command.paymentFrequency,
      amortizationMethod: command.amortizationMethod,
      dayCountConvention: command.dayCountConvention,
      expectedDisbursementDate: command.expectedDisbursementDate,
      firstPaymentDate: command.firstPaymentDate,
      gracePeriodDays: command.gracePeriodDays ?? fromProduct?.loan.gracePeriodDays ?? 0,
      rounding: fromProduct?.rounding ?? 'HALF_EVEN',
      allocationOrder: fromProduct?.loan.allocationOrder ?? defaultAllocationOrder,
      lateFee: fromProduct?.loan.lateFee,
      penaltyRate: fromProduct?.loan.penaltyRate.toString() ?? '0',
      installments: installmentsFromSchedule(schedule),
      accountId: undefined,
      disbursedToAccountId: undefined,
      disbursementDate: undefined,
      lastEndOfDay: undefined,
      interestReceivable: Money.zero(command.principal.currency),
      arrearsBucket: 'CURRENT',
      version: 1,
      audit: audited.head,
      createdAt: now,
      updatedAt: now,
    };
    return ok({
      ops: [
        { kind: 'putDocument', document: loanDocument(loan) },
        { kind: 'registerChain', chainId: chainOf(id), entityType: 'LOAN', entityId: id },
        { kind: 'appendAudit', record: audited.record },
        loanEvent(deps, loan, 'nexum.loan.created', now, { status: loan.status }),
      ],
      value: loan,
    });
  });
}

/**
 * Approve: PENDING_APPROVAL → APPROVED, and the loan's sub-ledger account (product type LOAN,
 * control account 1200) is opened at zero so the disbursement is an ordinary posting. The
 * caller's approval limit is checked by the route before this runs.
 */
export async function approveLoan(
  deps: Deps,
  loanId: string,
  context: CommandContext<Loan>,
): Outcome<Loan> {
  return changeStatus(deps, loanId, 'APPROVE', {}, context, (loan, now) => {
    const accountId = deps.ids.next();
    const chainId = `ACCOUNT#${accountId}`;
    const audited = appendToChain(GENESIS, {
      chainId,
      at: now,
      entityType: 'ACCOUNT',
      entityId: accountId,
      action: 'ACCOUNT_OPENED',
      actor: context.actor,
      data: {
        customerId: loan.customerId,
        productType: 'LOAN',
        currency: loan.principal.currency,
        loanId: loan.id,
      },
    });
    const account: Account = {
      id: accountId,
      customerId: loan.customerId,
      productType: 'LOAN',
      currency: loan.principal.currency,
      name: `LOAN ${loan.id}`,
      status: 'ACTIVE',
      balanceMinor: 0n,
      holdsMinor: 0n,
      overdraftLimitMinor: 0n,
      controlAccount: loanGl.receivableControl,
      version: 1,
      audit: audited.head,
      createdAt: now,
      updatedAt: now,
    };
    return {
      changes: { accountId },
      ops: [
        { kind: 'createAccount', account },
        { kind: 'registerChain', chainId, entityType: 'ACCOUNT', entityId: accountId },
        { kind: 'appendAudit', record: audited.record },
      ],
    };
  });
}

export async function rejectLoan(
  deps: Deps,
  loanId: string,
  reason: string,
  context: CommandContext<Loan>,
): Outcome<Loan> {
  return changeStatus(deps, loanId, 'REJECT', { reason }, context);
}

export async function closeLoan(
  deps: Deps,
  loanId: string,
  context: CommandContext<Loan>,
): Outcome<Loan> {
  return changeStatus(deps, loanId, 'CLOSE', {}, context);
}

const eventOfAction: Record<LoanAction, string> = {
  APPROVE: 'nexum.loan.approved',
  REJECT: 'nexum.loan.rejected',
  DISBURSE: 'nexum.loan.disbursed',
  PAY_OFF: 'nexum.loan.paid_off',
  WRITE_OFF: 'nexum.loan.written_off',
  CLOSE: 'nexum.loan.closed',
};

/** A status change without money: version-conditioned, audited and announced in one write. */
async function changeStatus(
  deps: Deps,
  loanId: string,
  action: LoanAction,
  data: Readonly<Record<string, string>>,
  context: CommandContext<Loan>,
  extra?: (
    loan: Loan,
    now: string,
  ) => { readonly changes: Partial<Loan>; readonly ops: readonly WriteOp[] },
): Outcome<Loan> {
  return runCommand(deps, context, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const loan = await getLoan(deps, loanId);
    if (loan === undefined) return err({ code: 'LOAN_NOT_FOUND', loanId });
    const to = transitionLoan(loan.status, action);
    if (!to.ok) return err(transitionRefused(loan, action));
    const now = deps.clock.now().toISOString();
    const added = extra?.(loan, now);
    const updated = advance(loan, { status: to.value, ...added?.changes }, now, {
      action: `LOAN_${action}`,
      actor: context.actor,
      data: { from: loan.status, to: to.value, ...data },
    });
    return ok({
      ops: [
        ...updated.ops,
        ...(added?.ops ?? []),
        loanEvent(deps, updated.loan, eventOfAction[action], now, { status: to.value }),
      ],
      value: updated.loan,
    });
  });
}

export interface LoanPosting {
  readonly loan: Loan;
  readonly transaction: TransactionRecord;
  readonly allocated: Components;
}

/**
 * Disburse an approved loan into the customer's deposit account in the loan's currency: one
 * ledger transaction debiting the loan's account (GL 1200) and crediting the deposit account
 * (GL 2000, the customer's KYC limits apply), and the loan ACTIVE, in the same commit. The
 * schedule stays the one computed from the expected disbursement date.
 */
export async function disburseLoan(
  deps: Deps,
  loanId: string,
  depositAccountId: string,
  today: BusinessDate,
  context: CommandContext<LoanPosting>,
): Outcome<LoanPosting> {
  const first = await getLoan(deps, loanId);
  if (first === undefined) return err({ code: 'LOAN_NOT_FOUND', loanId });
  if (first.accountId === undefined) return err(transitionRefused(first, 'DISBURSE'));
  const loanAccountId = first.accountId;
  return postWith(deps, [depositAccountId, loanAccountId], context, async (accounts) => {
    const loan = await getLoan(deps, loanId);
    if (loan === undefined) return err({ code: 'LOAN_NOT_FOUND', loanId });
    const to = transitionLoan(loan.status, 'DISBURSE');
    if (!to.ok) return err(transitionRefused(loan, 'DISBURSE'));
    const deposit = depositAccount(accounts, depositAccountId, loan);
    if (!deposit.ok) return deposit;
    const amountMinor = loan.principal.toMinor();
    const currency = loan.principal.currency;
    const disbursed: JournalLine[] = [
      customerLine(loanAccountId, 'DEBIT', amountMinor, currency),
      customerLine(depositAccountId, 'CREDIT', amountMinor, currency),
    ];
    // The product's ORIGINATION fees are deducted from the amount paid out: the loan owes the
    // whole principal, the deposit account receives it less the fees, 4100 the fees.
    const definition = await productDefinitionOf(deps, loan);
    const origination =
      definition === undefined
        ? []
        : feesFor(definition, 'ORIGINATION', loan.principal).filter(
            (charge) => charge.amount.currency === currency,
          );
    const feeTotal = origination.reduce((sum, c) => sum.plus(c.amount), Money.zero(currency));
    const charged = feeTotal.isPositive()
      ? chargeFee(disbursed, deposit.value, feeTotal)
      : ok(disbursed);
    if (!charged.ok) return charged;
    const lines = charged.value;
    const limits = await checkProductBalanceLimits(deps, lines, accounts);
    if (!limits.ok) return limits;
    const now = deps.clock.now().toISOString();
    return ok({
      request: {
        type: 'LOAN_DISBURSEMENT',
        lines,
        ...(feeTotal.isPositive()
          ? {
              fee: {
                accountId: depositAccountId,
                amountMinor: feeTotal.toMinor(),
                description: origination.map((c) => c.name).join(', '),
              },
            }
          : {}),
        accounts,
        amountMinor,
        currency,
        fromAccountId: loanAccountId,
        toAccountId: depositAccountId,
        description: `Disbursement of loan ${loan.id}`,
        valueDate: today,
        reference: loan.id,
        actor: context.actor,
      },
      ...withLoanChange(deps, loan, now, {
        changes: {
          status: to.value,
          disbursedToAccountId: depositAccountId,
          disbursementDate: today,
        },
        action: 'LOAN_DISBURSE',
        actor: context.actor,
        data: { from: loan.status, to: to.value, accountId: depositAccountId },
        events: ['nexum.loan.disbursed'],
        allocated: undefined,
      }),
    });
  });
}

export interface RepaymentCommand {
  readonly amount: Money;
  readonly fromAccountId?: string | undefined;
  readonly prepaymentMode?: PrepaymentMode | undefined;
  /** The date the repayment is made on (loanToday). */
  readonly asOf: BusinessDate;
}

/**
 * A repayment made today: allocated over the due installments oldest first in the loan's order,
 * the excess prepays (SHORTEN_TERM by default, or REDUCE_INSTALLMENT). One ledger transaction:
 * debit the paying deposit account (or cash, GL 1000), credit the loan's account with the
 * principal, interest income (4000) with interest and penalty interest, fee income (4100) with
 * fees. A loan that owes nothing afterwards is PAID_OFF in the same commit.
 */
export async function repayLoan(
  deps: Deps,
  loanId: string,
  command: RepaymentCommand,
  context: CommandContext<LoanPosting>,
): Outcome<LoanPosting> {
  const first = await getLoan(deps, loanId);
  if (first === undefined) return err({ code: 'LOAN_NOT_FOUND', loanId });
  // The status is judged inside, after a stored response to a retry has had its chance.
  if (first.accountId === undefined) {
    return err(transitionRefused(first, 'REPAY'));
  }
  const loanAccountId = first.accountId;
  const accountIds =
    command.fromAccountId === undefined ? [loanAccountId] : [command.fromAccountId, loanAccountId];
  return postWith(deps, accountIds, context, async (accounts) => {
    const loan = await getLoan(deps, loanId);
    if (loan === undefined) return err({ code: 'LOAN_NOT_FOUND', loanId });
    if (loan.status !== 'ACTIVE') return err(transitionRefused(loan, 'REPAY'));
    const currency = loan.principal.currency;
    if (command.amount.currency !== currency) {
      return err({
        code: 'CURRENCY_MISMATCH',
        expected: currency,
        received: command.amount.currency,
      });
    }
    if (command.fromAccountId !== undefined) {
      const paying = depositAccount(accounts, command.fromAccountId, loan);
      if (!paying.ok) return paying;
    }
    const today = command.asOf;
    const allocation = allocateRepayment(
      loan.installments,
      command.amount,
      today,
      loan.allocationOrder,
    );
    if (!allocation.ok) throw new Error('A stored allocation order is invalid');
    let installments: readonly Installment[] = allocation.value.installments;
    let allocated = allocation.value.applied;
    if (allocation.value.excess.isPositive()) {
      const prepaid = prepay(
        installments,
        allocation.value.excess,
        today,
        command.prepaymentMode ?? 'SHORTEN_TERM',
        interestTermsOf(loan),
      );
      if (!prepaid.ok) {
        return err({ code: 'LOAN_HAS_ARREARS', loanId, overdue: prepaid.error.overdue.toString() });
      }
      if (prepaid.value.overpayment.isPositive()) {
        const owed = payoffQuote(loan.installments, today, interestTermsOf(loan)).total;
        return err({ code: 'REPAYMENT_EXCEEDS_BALANCE', loanId, owed: owed.toString() });
      }
      installments = prepaid.value.installments;
      allocated = {
        ...allocated,
        interest: allocated.interest.plus(prepaid.value.interestPaid),
        principal: allocated.principal.plus(prepaid.value.principalPaid),
      };
    }
    const paidOff = installments.every(isSettled);
    const receivable = settleReceivable(loan, allocated, paidOff);
    const lines = repaymentLines(loanAccountId, command, allocated, receivable);
    const limits = await checkProductBalanceLimits(deps, lines, accounts);
    if (!limits.ok) return limits;
    const to = paidOff ? transitionLoan(loan.status, 'PAY_OFF') : undefined;
    const now = deps.clock.now().toISOString();
    return ok({
      request: {
        type: 'LOAN_REPAYMENT',
        lines,
        accounts,
        amountMinor: command.amount.toMinor(),
        currency,
        fromAccountId: command.fromAccountId,
        toAccountId: loanAccountId,
        description: `Repayment of loan ${loan.id}`,
        valueDate: today,
        reference: loan.id,
        actor: context.actor,
      },
      ...withLoanChange(deps, loan, now, {
        changes: {
          installments,
          interestReceivable: receivable.after,
          ...(to?.ok === true ? { status: to.value } : {}),
        },
        action: 'LOAN_REPAID',
        actor: context.actor,
        data: {
          amount: command.amount.toString(),
          principal: allocated.principal.toString(),
          interest: allocated.interest.toString(),
          fees: allocated.fees.toString(),
          penalties: allocated.penalties.toString(),
          ...(paidOff ? { to: 'PAID_OFF' } : {}),
        },
        events: paidOff ? ['nexum.loan.repaid', 'nexum.loan.paid_off'] : ['nexum.loan.repaid'],
        allocated,
      }),
    });
  });
}

/**
 * Write-off: the outstanding principal moves from the loan's account to loan-loss expense
 * (debit 5100, credit the loan account), the loan WRITTEN_OFF. Unpaid interest, fees and
 * penalties were never booked as income (cash basis until accrual arrives), so nothing else
 * is reversed.
 */
export async function writeOffLoan(
  deps: Deps,
  loanId: string,
  reason: string,
  context: CommandContext<LoanPosting>,
): Outcome<LoanPosting> {
  const first = await getLoan(deps, loanId);
  if (first === undefined) return err({ code: 'LOAN_NOT_FOUND', loanId });
  // The status is judged inside, after a stored response to a retry has had its chance.
  if (first.accountId === undefined) {
    return err(transitionRefused(first, 'WRITE_OFF'));
  }
  const loanAccountId = first.accountId;
  return postWith(deps, [loanAccountId], context, async (accounts) => {
    const loan = await getLoan(deps, loanId);
    if (loan === undefined) return err({ code: 'LOAN_NOT_FOUND', loanId });
    const to = transitionLoan(loan.status, 'WRITE_OFF');
    if (!to.ok) return err(transitionRefused(loan, 'WRITE_OFF'));
    const currency = loan.principal.currency;
    const principal = outstandingTotal(loan.installments, currency).principal;
    const now = deps.clock.now().toISOString();
    // Interest accrued and never collected is reversed out of income (debit 4000, credit 1210).
    const receivableMinor = loan.interestReceivable.toMinor();
    return ok({
      request: {
        type: 'LOAN_WRITE_OFF',
        lines: [
          {
            account: { kind: 'gl', code: loanGl.lossExpense },
            side: 'DEBIT',
            currency,
            amountMinor: principal.toMinor(),
          },
          customerLine(loanAccountId, 'CREDIT', principal.toMinor(), currency),
          ...receivableReversal(receivableMinor, currency),
        ],
        accounts,
        amountMinor: principal.toMinor(),
        currency,
        fromAccountId: loanAccountId,
        description: `Write-off of loan ${loan.id}`,
        reference: loan.id,
        actor: context.actor,
      },
      ...withLoanChange(deps, loan, now, {
        changes: { status: to.value, interestReceivable: Money.zero(currency) },
        action: 'LOAN_WRITE_OFF',
        actor: context.actor,
        data: {
          from: loan.status,
          to: to.value,
          reason,
          principal: principal.toString(),
          interestReversed: loan.interestReceivable.toString(),
        },
        events: ['nexum.loan.written_off'],
        allocated: undefined,
      }),
    });
  });
}

/** The payoff quote of an active loan for `date` (today by default). */
export function loanPayoff(loan: Loan, date: BusinessDate): Result<PayoffQuote, DomainError> {
  if (loan.status !== 'ACTIVE') return err(transitionRefused(loan, 'PAYOFF_QUOTE'));
  return ok(payoffQuote(loan.installments, date, interestTermsOf(loan)));
}

export interface LoanEndOfDayResult {
  readonly loanId: string;
  readonly businessDate: BusinessDate;
  readonly applied: boolean;
  readonly lateFees: Money;
  readonly penalties: Money;
  readonly daysPastDue: number;
  readonly arrearsBucket: ArrearsBucket;
  /** Change of the interest receivable booked (debit 1210, credit 4000; negative reverses). */
  readonly interestAccrued: Money;
  /** Installments a `nexum.loan.installment_due` reminder was emitted for. */
  readonly reminders: readonly number[];
}

/** Days before a due date the `nexum.loan.installment_due` reminder goes out. */
export const INSTALLMENT_REMINDER_DAYS = 3;

/** A loan's end of day for a date: its writes (without the GL movement) and what it did. */
export interface LoanEndOfDayPlan {
  readonly ops: WriteOp[];
  /** The receivable's change in minor units: debit 1210 / credit 4000 when positive. */
  readonly accruedMinor: bigint;
  readonly loan: Loan;
  readonly result: LoanEndOfDayResult;
}

/**
 * What the loan's interest receivable should be on `asOf`: unpaid interest and penalty interest
 * of the installments due by then, plus the interest accrued since the current period started on
 * the principal not yet due (by the loan's convention, as a payoff quote counts it). A function
 * of the loan's state, not of its history: the accrual books the difference from what is booked.
 */
export function receivableTarget(
  loan: Loan,
  installments: readonly Installment[],
  asOf: BusinessDate,
): Money {
  const due = outstandingTotal(
    installments.filter((installment) => compareDates(installment.dueDate, asOf) <= 0),
    loan.principal.currency,
  );
  const accrued = accruedInterest(installments, asOf, interestTermsOf(loan));
  return due.interest.plus(due.penalties).plus(accrued);
}

/**
 * The end of day of one loan for `businessDate`, catching up every day since the last one in
 * order (or since disbursement): late fees for installments unpaid past their grace period (once
 * each), penalty interest on overdue principal for the days after grace, the accrual of interest
 * to the receivable (GL 1210 against 4000 Interest income, by difference from what is booked —
 * none added at 90+ days past due: non-accrual), installment reminders
 * `INSTALLMENT_REMINDER_DAYS` before a due date, days past due and the arrears bucket, with one
 * audit record. Undefined when there is nothing to do: a loan not ACTIVE, or a date at or before
 * the last one applied (idempotent per loan and date; the write is version-conditioned).
 * Installment statuses (DUE, OVERDUE) follow from the date and the payments.
 */
export function planLoanEndOfDay(
  deps: Pick<Deps, 'ids'>,
  loan: Loan,
  businessDate: BusinessDate,
  now: string,
): LoanEndOfDayPlan | undefined {
  if (loan.status !== 'ACTIVE') return undefined;
  if (loan.lastEndOfDay !== undefined && compareDates(businessDate, loan.lastEndOfDay) <= 0) {
    return undefined;
  }
  const started = loan.disbursementDate ?? loan.expectedDisbursementDate;
  if (compareDates(businessDate, started) < 0) return undefined;
  const from = loan.lastEndOfDay === undefined ? started : addDays(loan.lastEndOfDay, 1);
  const currency = loan.principal.currency;
  const zero = Money.zero(currency);
  let installments: readonly Installment[] = loan.installments;
  let lateFees = zero;
  if (loan.lateFee !== undefined) {
    // Charged once per installment, so the last day of a catch-up charges what each day would.
    const charged = chargeLateFees(
      installments,
      businessDate,
      loan.gracePeriodDays,
      loan.lateFee,
      loan.rounding,
    );
    installments = charged.installments;
    lateFees = charged.charges.reduce((sum, c) => sum.plus(c.fee), zero);
  }
  let penalties = zero;
  const penaltyRate = new BankDecimal(loan.penaltyRate);
  if (penaltyRate.isPositive()) {
    // One day at a time, in order, so a catch-up charges to the cent what nightly runs would.
    for (let day = from; compareDates(day, businessDate) <= 0; day = addDays(day, 1)) {
      const charged = chargePenaltyInterest(installments, day, addDays(day, 1), {
        graceDays: loan.gracePeriodDays,
        penaltyRate,
        dayCount: loan.dayCountConvention,
        rounding: loan.rounding,
      });
      installments = charged.installments;
      penalties = charged.charges.reduce((sum, c) => sum.plus(c.penalty), penalties);
    }
  }
  const days = daysPastDue(installments, businessDate);
  const bucket = arrearsBucket(days);
  let target = receivableTarget(loan, installments, businessDate);
  if (bucket === 'DPD_90_PLUS' && target.compare(loan.interestReceivable) > 0) {
    target = loan.interestReceivable; // Non-accrual: collected interest is income when paid.
  }
  const accrued = target.minus(loan.interestReceivable);
  // Reminders for installments falling due in INSTALLMENT_REMINDER_DAYS, once: the reminder day
  // lies in this run's days and the due date is not past.
  const reminded = installments.filter((installment) => {
    if (isSettled(installment)) return false;
    const day = addDays(installment.dueDate, -INSTALLMENT_REMINDER_DAYS);
    return (
      compareDates(day, from) >= 0 &&
      compareDates(day, businessDate) <= 0 &&
      compareDates(installment.dueDate, businessDate) >= 0
    );
  });
  const dueToday = installments.filter((i) => i.dueDate === businessDate && !isSettled(i));
  const overdue = installments.filter(
    (i) => compareDates(i.dueDate, businessDate) < 0 && !isSettled(i),
  );
  const updated = advance(
    loan,
    {
      installments,
      lastEndOfDay: businessDate,
      interestReceivable: loan.interestReceivable.plus(accrued),
      arrearsBucket: bucket,
    },
    now,
    {
      action: 'LOAN_END_OF_DAY',
      actor: 'system:eod',
      data: {
        from,
        businessDate,
        lateFees: lateFees.toString(),
        penalties: penalties.toString(),
        interestAccrued: accrued.toString(),
        daysPastDue: String(days),
        arrearsBucket: bucket,
        ...(bucket === loan.arrearsBucket ? {} : { previousBucket: loan.arrearsBucket }),
        dueToday: dueToday.map((i) => i.number).join(','),
        overdue: overdue.map((i) => i.number).join(','),
      },
    },
  );
  const charged = lateFees.isPositive() || penalties.isPositive();
  const ops: WriteOp[] = [
    ...updated.ops,
    ...(charged
      ? [
          loanEvent(deps, updated.loan, 'nexum.loan.charged', now, {
            businessDate,
            lateFeesMinor: lateFees.toMinor().toString(),
            penaltiesMinor: penalties.toMinor().toString(),
          }),
        ]
      : []),
    ...reminded.map((installment) => installmentDueEvent(deps, updated.loan, installment, now)),
  ];
  return {
    ops,
    accruedMinor: accrued.toMinor(),
    loan: updated.loan,
    result: {
      loanId: loan.id,
      businessDate,
      applied: true,
      lateFees,
      penalties,
      daysPastDue: days,
      arrearsBucket: bucket,
      interestAccrued: accrued,
      reminders: reminded.map((installment) => installment.number),
    },
  };
}

/** The GL side of loan accruals: debit 1210 Interest receivable, credit 4000 Interest income. */
export function loanAccrualGlOps(
  accruedMinorByCurrency: ReadonlyMap<CurrencyCode, bigint>,
): WriteOp[] {
  const ops: WriteOp[] = [];
  for (const [currency, amount] of accruedMinorByCurrency) {
    if (amount === 0n) continue;
    const up = amount > 0n ? amount : 0n;
    const down = amount > 0n ? 0n : -amount;
    ops.push(
      {
        kind: 'moveGl',
        movement: { code: loanGl.interestReceivable, currency, debitMinor: up, creditMinor: down },
      },
      {
        kind: 'moveGl',
        movement: { code: loanGl.interestIncome, currency, debitMinor: down, creditMinor: up },
      },
    );
  }
  return ops;
}

/**
 * The end-of-day step of one loan for `businessDate` on its own (strongly consistent read,
 * retried on conflicts): `planLoanEndOfDay` and its GL movement in one transaction.
 */
export async function applyLoanEndOfDay(
  deps: Pick<Dependencies, 'ledger' | 'retry' | 'clock' | 'ids' | 'logger' | 'locks'>,
  loanId: string,
  businessDate: BusinessDate,
): Promise<Result<LoanEndOfDayResult, DomainError>> {
  const outcome = await runCommand(
    deps,
    { idempotency: undefined, render: () => ({ status: 200, body: '', headers: {} }) },
    async () => {
      const loan = await getLoan(deps, loanId);
      if (loan === undefined) return err({ code: 'LOAN_NOT_FOUND', loanId });
      const plan = planLoanEndOfDay(deps, loan, businessDate, deps.clock.now().toISOString());
      if (plan === undefined) {
        const zero = Money.zero(loan.principal.currency);
        const days = loan.status === 'ACTIVE' ? daysPastDue(loan.installments, businessDate) : 0;
        return ok({
          ops: [],
          value: {
            loanId,
            businessDate,
            applied: false,
            lateFees: zero,
            penalties: zero,
            daysPastDue: days,
            arrearsBucket: arrearsBucket(days),
            interestAccrued: zero,
            reminders: [],
          },
        });
      }
      return ok({
        ops: [
          ...plan.ops,
          ...loanAccrualGlOps(new Map([[loan.principal.currency, plan.accruedMinor]])),
        ],
        value: plan.result,
      });
    },
  );
  if (!outcome.ok) return outcome;
  if (outcome.value.replayed) throw new Error('The end-of-day step has no idempotency key');
  return ok(outcome.value.value);
}

/**
 * `nexum.loan.installment_due`, as the catalogue defines it and the notification trigger reads
 * it: the installment's number, due date and what is still owed on it in minor units.
 */
function installmentDueEvent(
  deps: Pick<Deps, 'ids'>,
  loan: Loan,
  installment: Installment,
  now: string,
): WriteOp {
  const owed = totalOf(installment.due).minus(totalOf(installment.paid));
  return loanEvent(deps, loan, 'nexum.loan.installment_due', now, {
    installmentNumber: installment.number,
    dueDate: installment.dueDate,
    amountMinor: owed.toMinor().toString(),
  });
}

/** Days past due, arrears bucket and what is outstanding (due or not) on `asOf`. */
export function loanStanding(
  loan: Loan,
  asOf: BusinessDate,
): { daysPastDue: number; arrearsBucket: ArrearsBucket; outstanding: Components } {
  const days = loan.status === 'ACTIVE' ? daysPastDue(loan.installments, asOf) : 0;
  return {
    daysPastDue: days,
    arrearsBucket: arrearsBucket(days),
    outstanding: outstandingTotal(loan.installments, loan.principal.currency),
  };
}

export const installmentStatuses = ['PENDING', 'DUE', 'OVERDUE', 'PAID', 'PARTIALLY_PAID'] as const;

/** An installment's status on `asOf`, from its payments and due date. */
export function installmentStatus(
  installment: Installment,
  asOf: BusinessDate,
): (typeof installmentStatuses)[number] {
  if (isSettled(installment)) return 'PAID';
  if (totalOf(installment.paid).isPositive()) return 'PARTIALLY_PAID';
  const order = compareDates(installment.dueDate, asOf);
  return order > 0 ? 'PENDING' : order === 0 ? 'DUE' : 'OVERDUE';
}

/** Principal still scheduled after each installment (the schedule's `balance` column). */
export function balancesAfter(
  installments: readonly Installment[],
  currency: CurrencyCode,
): Money[] {
  const balances: Money[] = [];
  let after = Money.zero(currency);
  for (let index = installments.length - 1; index >= 0; index -= 1) {
    balances[index] = after;
    after = after.plus((installments[index] as Installment).due.principal);
  }
  return balances;
}

// ---- helpers ----

const chainOf = (loanId: string): string => `LOAN#${loanId}`;

function transitionRefused(loan: Loan, action: string): DomainError {
  return { code: 'LOAN_TRANSITION_NOT_ALLOWED', loanId: loan.id, from: loan.status, action };
}

function customerLine(
  accountId: string,
  side: 'DEBIT' | 'CREDIT',
  amountMinor: bigint,
  currency: CurrencyCode,
): JournalLine {
  return { account: { kind: 'customer', accountId }, side, currency, amountMinor };
}

function depositAccount(
  accounts: ReadonlyMap<string, Account>,
  accountId: string,
  loan: Loan,
): Result<Account, DomainError> {
  const account = accounts.get(accountId);
  if (account === undefined) return err({ code: 'ACCOUNT_NOT_FOUND', accountId });
  if (account.productType === 'LOAN') {
    return err({ code: 'LOAN_ACCOUNT_INVALID', accountId, reason: 'it is a loan account' });
  }
  if (account.customerId !== loan.customerId) {
    return err({
      code: 'LOAN_ACCOUNT_INVALID',
      accountId,
      reason: "it is not the borrower's account",
    });
  }
  if (account.currency !== loan.principal.currency) {
    return err({
      code: 'CURRENCY_MISMATCH',
      expected: loan.principal.currency,
      received: account.currency,
    });
  }
  if (account.status === 'CLOSED') return err({ code: 'ACCOUNT_CLOSED', accountId });
  if (account.status === 'FROZEN') return err({ code: 'ACCOUNT_FROZEN', accountId });
  return ok(account);
}

/**
 * How a repayment's interest and penalty interest meet the accrued receivable: what was accrued
 * (GL 1210) is settled first, the rest is income now (GL 4000). A loan paid off with receivable
 * left (accrued beyond what the payoff charged) has the rest reversed out of income.
 */
export interface ReceivableSettlement {
  readonly settled: Money;
  readonly income: Money;
  readonly reversed: Money;
  readonly after: Money;
}

export function settleReceivable(
  loan: Loan,
  allocated: Components,
  paidOff: boolean,
): ReceivableSettlement {
  const interest = allocated.interest.plus(allocated.penalties);
  const receivable = loan.interestReceivable;
  const settled = interest.compare(receivable) <= 0 ? interest : receivable;
  const left = receivable.minus(settled);
  const zero = Money.zero(receivable.currency);
  return {
    settled,
    income: interest.minus(settled),
    reversed: paidOff ? left : zero,
    after: paidOff ? zero : left,
  };
}

function receivableReversal(amountMinor: bigint, currency: CurrencyCode): JournalLine[] {
  if (amountMinor <= 0n) return [];
  return [
    { account: { kind: 'gl', code: loanGl.interestIncome }, side: 'DEBIT', currency, amountMinor },
    {
      account: { kind: 'gl', code: loanGl.interestReceivable },
      side: 'CREDIT',
      currency,
      amountMinor,
    },
  ];
}

function repaymentLines(
  loanAccountId: string,
  command: RepaymentCommand,
  allocated: Components,
  receivable: ReceivableSettlement,
): JournalLine[] {
  const currency = command.amount.currency;
  const credits: JournalLine[] = [];
  const credit = (account: JournalLine['account'], amount: Money): void => {
    if (amount.isPositive()) {
      credits.push({ account, side: 'CREDIT', currency, amountMinor: amount.toMinor() });
    }
  };
  credit({ kind: 'customer', accountId: loanAccountId }, allocated.principal);
  credit({ kind: 'gl', code: loanGl.interestReceivable }, receivable.settled);
  credit({ kind: 'gl', code: loanGl.interestIncome }, receivable.income);
  credit({ kind: 'gl', code: loanGl.feeIncome }, allocated.fees);
  credits.push(...receivableReversal(receivable.reversed.toMinor(), currency));
  const debit: JournalLine =
    command.fromAccountId === undefined
      ? {
          account: { kind: 'gl', code: loanGl.cash },
          side: 'DEBIT',
          currency,
          amountMinor: command.amount.toMinor(),
        }
      : customerLine(command.fromAccountId, 'DEBIT', command.amount.toMinor(), currency);
  return [debit, ...credits];
}

/** The loan after a change, with its version, audit record and the conditional write. */
function advance(
  loan: Loan,
  changes: Partial<Loan>,
  now: string,
  audit: { action: string; actor: string; data: Readonly<Record<string, string>> },
): { loan: Loan; ops: WriteOp[] } {
  const audited = appendToChain(loan.audit, {
    chainId: chainOf(loan.id),
    at: now,
    entityType: 'LOAN',
    entityId: loan.id,
    ...audit,
  });
  const after: Loan = {
    ...loan,
    ...changes,
    version: loan.version + 1,
    audit: audited.head,
    updatedAt: now,
  };
  return {
    loan: after,
    ops: [
      { kind: 'putDocument', document: loanDocument(after), expectedVersion: loan.version },
      { kind: 'appendAudit', record: audited.record },
    ],
  };
}

/** The loan's writes beside a posting, and the value the route renders. */
function withLoanChange(
  deps: Pick<Deps, 'ids'>,
  loan: Loan,
  now: string,
  change: {
    changes: Partial<Loan>;
    action: string;
    actor: string;
    data: Readonly<Record<string, string>>;
    events: readonly string[];
    allocated: Components | undefined;
  },
): {
  extraOps: (transaction: TransactionRecord) => WriteOp[];
  value: (transaction: TransactionRecord) => LoanPosting;
} {
  const zero = Money.zero(loan.principal.currency);
  const allocated = change.allocated ?? {
    fees: zero,
    penalties: zero,
    interest: zero,
    principal: zero,
  };
  let updated: Loan | undefined;
  return {
    extraOps: (transaction) => {
      const advanced = advance(loan, change.changes, now, {
        action: change.action,
        actor: change.actor,
        data: { ...change.data, transactionId: transaction.id },
      });
      updated = advanced.loan;
      return [
        ...advanced.ops,
        ...change.events.map((type) =>
          loanEvent(deps, advanced.loan, type, now, {
            status: advanced.loan.status,
            transactionId: transaction.id,
          }),
        ),
      ];
    },
    value: (transaction) => {
      if (updated === undefined) throw new Error('The loan change was not planned');
      return { loan: updated, transaction, allocated };
    },
  };
}

function loanEvent(
  deps: Pick<Deps, 'ids'>,
  loan: Loan,
  type: string,
  now: string,
  data: Readonly<Record<string, string | number>>,
): WriteOp {
  const event: OutboxEvent = {
    id: deps.ids.next(),
    type,
    aggregateType: 'loan',
    aggregateId: loan.id,
    sequence: loan.version,
    occurredAt: now,
    data: {
      loanId: loan.id,
      customerId: loan.customerId,
      principalMinor: loan.principal.toMinor().toString(),
      currency: loan.principal.currency,
      status: loan.status,
      ...data,
    },
  };
  return { kind: 'putEvent', event };
}
