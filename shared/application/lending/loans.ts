import { addDays, compareDates, type BusinessDate } from '../../domain/interest/business-date';
import {
  arrearsBucket,
  chargeLateFees,
  chargePenaltyInterest,
  daysPastDue,
  type ArrearsBucket,
} from '../../domain/lending/delinquency';
import { installmentCount } from '../../domain/lending/due-dates';
import {
  defaultAllocationOrder,
  installmentsFromSchedule,
  isSettled,
  outstandingOf,
  outstandingTotal,
  totalOf,
  type Components,
  type Installment,
} from '../../domain/lending/installments';
import { transitionLoan, type LoanAction } from '../../domain/lending/loan-status';
import {
  allocateRepayment,
  payoffQuote,
  prepay,
  type PayoffQuote,
  type PrepaymentMode,
} from '../../domain/lending/repayment';
import { generateSchedule } from '../../domain/lending/schedule';
import type { Account } from '../../domain/ledger/account';
import type { GlCode } from '../../domain/ledger/chart-of-accounts';
import type { JournalLine } from '../../domain/ledger/journal-entry';
import type { DomainError } from '../../domain/errors';
import { BankDecimal, Money, type CurrencyCode } from '../../domain/money';
import { err, ok, type Result } from '../../domain/result';
import { appendToChain, GENESIS } from '../audit/audit-chain';
import type { CommandContext } from '../ledger/accounts';
import type { Page, PageRequest } from '../ledger/ledger-store';
import { postWith } from '../ledger/move-money';
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

type Deps = Pick<
  Dependencies,
  'ledger' | 'retry' | 'clock' | 'ids' | 'logger' | 'locks' | 'customers' | 'fraud'
>;
type Outcome<T> = Promise<Result<CommandOutcome<T>, DomainError>>;

/** GL accounts a loan posts to (docs/lending.md: HTTP and ledger mapping). */
export const loanGl = {
  receivableControl: '1200',
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
    if (command.productId !== undefined) {
      return err({ code: 'NOT_FOUND', entity: 'product', id: command.productId });
    }
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
      productId: undefined,
      productVersion: undefined,
      status: 'PENDING_APPROVAL',
      principal: command.principal,
      annualInterestRate: command.annualInterestRate,
      termMonths: command.termMonths,
      paymentFrequency: command.paymentFrequency,
      amortizationMethod: command.amortizationMethod,
      dayCountConvention: command.dayCountConvention,
      expectedDisbursementDate: command.expectedDisbursementDate,
      firstPaymentDate: command.firstPaymentDate,
      gracePeriodDays: command.gracePeriodDays ?? 0,
      rounding: 'HALF_EVEN',
      allocationOrder: defaultAllocationOrder,
      lateFee: undefined,
      penaltyRate: '0',
      installments: installmentsFromSchedule(schedule),
      accountId: undefined,
      disbursedToAccountId: undefined,
      disbursementDate: undefined,
      lastEndOfDay: undefined,
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
    const lines: JournalLine[] = [
      customerLine(loanAccountId, 'DEBIT', amountMinor, currency),
      customerLine(depositAccountId, 'CREDIT', amountMinor, currency),
    ];
    const now = deps.clock.now().toISOString();
    return ok({
      request: {
        type: 'LOAN_DISBURSEMENT',
        lines,
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
    const lines = repaymentLines(loanAccountId, command, allocated);
    const paidOff = installments.every(isSettled);
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
        changes: { installments, ...(to?.ok === true ? { status: to.value } : {}) },
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
        changes: { status: to.value },
        action: 'LOAN_WRITE_OFF',
        actor: context.actor,
        data: { from: loan.status, to: to.value, reason, principal: principal.toString() },
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
}

/**
 * The end-of-day step of one loan for `businessDate`: late fees for installments unpaid past
 * their grace period (once each) and penalty interest on overdue principal for the days since the
 * last run up to and including `businessDate`, then days past due and the arrears bucket.
 * Idempotent per loan and date: a date at or before the last one applied changes nothing.
 * Installment statuses (DUE, OVERDUE) are derived from the date and the payments, so marking them
 * is recording the run. Fees and penalties become income when paid (cash basis).
 */
export async function applyLoanEndOfDay(
  deps: Deps,
  loanId: string,
  businessDate: BusinessDate,
): Promise<Result<LoanEndOfDayResult, DomainError>> {
  const outcome = await runCommand(
    deps,
    { idempotency: undefined, render: () => ({ status: 200, body: '', headers: {} }) },
    async () => {
      const loan = await getLoan(deps, loanId);
      if (loan === undefined) return err({ code: 'LOAN_NOT_FOUND', loanId });
      const currency = loan.principal.currency;
      const zero = Money.zero(currency);
      const days = daysPastDue(loan.installments, businessDate);
      const unchanged = {
        loanId,
        businessDate,
        applied: false,
        lateFees: zero,
        penalties: zero,
        daysPastDue: days,
        arrearsBucket: arrearsBucket(days),
      };
      if (
        loan.status !== 'ACTIVE' ||
        (loan.lastEndOfDay !== undefined && compareDates(businessDate, loan.lastEndOfDay) <= 0)
      ) {
        return ok({ ops: [], value: unchanged });
      }
      let installments: readonly Installment[] = loan.installments;
      let lateFees = zero;
      if (loan.lateFee !== undefined) {
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
        // Catch-up: every day since the last run (or since disbursement) up to this one.
        const from =
          loan.lastEndOfDay === undefined
            ? (loan.disbursementDate ?? loan.expectedDisbursementDate)
            : addDays(loan.lastEndOfDay, 1);
        const charged = chargePenaltyInterest(installments, from, addDays(businessDate, 1), {
          graceDays: loan.gracePeriodDays,
          penaltyRate,
          dayCount: loan.dayCountConvention,
          rounding: loan.rounding,
        });
        installments = charged.installments;
        penalties = charged.charges.reduce((sum, c) => sum.plus(c.penalty), zero);
      }
      const now = deps.clock.now().toISOString();
      const updated = advance(loan, { installments, lastEndOfDay: businessDate }, now, {
        action: 'LOAN_END_OF_DAY',
        actor: 'system:eod',
        data: {
          businessDate,
          lateFees: lateFees.toString(),
          penalties: penalties.toString(),
          daysPastDue: String(days),
        },
      });
      const charged = lateFees.isPositive() || penalties.isPositive();
      return ok({
        ops: [
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
          ...dueSoon(installments, loan.lastEndOfDay, businessDate).map((installment) =>
            loanEvent(deps, updated.loan, 'nexum.loan.installment_due', now, {
              installmentNumber: installment.number,
              dueDate: installment.dueDate,
              amountMinor: totalOf(outstandingOf(installment)).toMinor().toString(),
            }),
          ),
        ],
        value: { ...unchanged, applied: true, lateFees, penalties },
      });
    },
  );
  if (!outcome.ok) return outcome;
  if (outcome.value.replayed) throw new Error('The end-of-day step has no idempotency key');
  return ok(outcome.value.value);
}

/** How many days before its due date an unpaid installment is announced (the reminder). */
export const INSTALLMENT_REMINDER_DAYS = 3;

/**
 * The unpaid installments whose reminder falls on this run: due within the reminder window of
 * `businessDate` and not within that of the last run, so a skipped day is caught up and no
 * installment is announced twice.
 */
function dueSoon(
  installments: readonly Installment[],
  lastRun: BusinessDate | undefined,
  businessDate: BusinessDate,
): Installment[] {
  const after = addDays(
    lastRun ?? businessDate,
    lastRun === undefined ? 0 : INSTALLMENT_REMINDER_DAYS,
  );
  const until = addDays(businessDate, INSTALLMENT_REMINDER_DAYS);
  return installments.filter(
    (installment) =>
      !isSettled(installment) &&
      compareDates(installment.dueDate, after) > 0 &&
      compareDates(installment.dueDate, until) <= 0,
  );
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

function repaymentLines(
  loanAccountId: string,
  command: RepaymentCommand,
  allocated: Components,
): JournalLine[] {
  const currency = command.amount.currency;
  const credits: JournalLine[] = [];
  const credit = (account: JournalLine['account'], amount: Money): void => {
    if (amount.isPositive()) {
      credits.push({ account, side: 'CREDIT', currency, amountMinor: amount.toMinor() });
    }
  };
  credit({ kind: 'customer', accountId: loanAccountId }, allocated.principal);
  credit({ kind: 'gl', code: loanGl.interestIncome }, allocated.interest.plus(allocated.penalties));
  credit({ kind: 'gl', code: loanGl.feeIncome }, allocated.fees);
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
