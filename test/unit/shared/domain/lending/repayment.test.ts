import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, businessDate } from '../../../../../shared/domain/interest/business-date';
import {
  installmentsFromSchedule,
  isSettled,
  outstandingOf,
  outstandingTotal,
  totalOf,
  type Installment,
  type RepaymentComponent,
} from '../../../../../shared/domain/lending/installments';
import {
  accruedInterest,
  allocateRepayment,
  payoffQuote,
  prepay,
  type LoanInterestTerms,
} from '../../../../../shared/domain/lending/repayment';
import {
  generateSchedule,
  type LoanScheduleTerms,
} from '../../../../../shared/domain/lending/schedule';
import { BankDecimal, Money } from '../../../../../shared/domain/money';
import { aLoan, minorOf } from './loan-arbitraries';

const d = businessDate;
const usd = (amount: string) => Money.of(amount, 'USD');

const loanTerms: LoanScheduleTerms = {
  principal: usd('10000'),
  annualRate: new BankDecimal('0.12'),
  method: 'EQUAL_INSTALLMENT',
  frequency: 'MONTHLY',
  dayCount: 'THIRTY_360',
  disbursementDate: d('2026-01-15'),
  firstPaymentDate: d('2026-02-15'),
  installments: 12,
};

const interestTerms = (terms: LoanScheduleTerms): LoanInterestTerms => ({
  currency: terms.principal.currency,
  annualRate: terms.annualRate,
  dayCount: terms.dayCount,
  method: terms.method,
  frequency: terms.frequency,
  disbursementDate: terms.disbursementDate,
  rounding: terms.rounding ?? 'HALF_EVEN',
});

const fresh = (terms: LoanScheduleTerms = loanTerms) =>
  installmentsFromSchedule(generateSchedule(terms));

/** The first installment with a late fee and a penalty on it, to see the allocation order. */
function withCharges(installments: Installment[]): Installment[] {
  const [first, ...rest] = installments;
  return [
    { ...first!, due: { ...first!.due, fees: usd('25.00'), penalties: usd('5.00') } },
    ...rest,
  ];
}

function allocated(result: ReturnType<typeof allocateRepayment>) {
  if (!result.ok) throw new Error(result.error.code);
  return result.value;
}

describe('repayment allocation', () => {
  it('pays fees, then penalties, then interest, then principal by default', () => {
    const installments = withCharges(fresh());
    const result = allocated(allocateRepayment(installments, usd('80.00'), d('2026-02-20')));
    expect(result.allocations).toHaveLength(1);
    const { amounts } = result.allocations[0]!;
    expect(
      [amounts.fees, amounts.penalties, amounts.interest, amounts.principal].map(String),
    ).toEqual(['25.00', '5.00', '50.00', '0.00']);
    expect(result.excess.toString()).toBe('0.00');
    expect(outstandingOf(result.installments[0]!).interest.toString()).toBe('50.00');
  });

  it('follows a configured order', () => {
    const order: RepaymentComponent[] = ['PRINCIPAL', 'INTEREST', 'PENALTIES', 'FEES'];
    const installments = withCharges(fresh());
    const result = allocated(
      allocateRepayment(installments, usd('800.00'), d('2026-02-15'), order),
    );
    const { amounts } = result.allocations[0]!;
    expect(
      [amounts.principal, amounts.interest, amounts.penalties, amounts.fees].map(String),
    ).toEqual(['788.49', '11.51', '0.00', '0.00']);
  });

  it('refuses an order that is not a permutation of the four components', () => {
    const order = ['FEES', 'FEES', 'INTEREST', 'PRINCIPAL'] as RepaymentComponent[];
    expect(allocateRepayment(fresh(), usd('1'), d('2026-03-01'), order)).toEqual({
      ok: false,
      error: { code: 'INVALID_ALLOCATION_ORDER', order },
    });
  });

  it('clears due installments oldest first and leaves installments not yet due alone', () => {
    const result = allocated(allocateRepayment(fresh(), usd('2000.00'), d('2026-03-20')));
    expect(result.allocations.map((a) => a.number)).toEqual([1, 2]);
    expect(isSettled(result.installments[0]!)).toBe(true);
    expect(isSettled(result.installments[1]!)).toBe(true);
    expect(totalOf(result.installments[2]!.paid).isZero()).toBe(true);
    expect(result.excess.toString()).toBe((2000 - 2 * 888.49).toFixed(2));
  });

  it('puts nothing anywhere before the first due date: it is all excess', () => {
    const result = allocated(allocateRepayment(fresh(), usd('100.00'), d('2026-02-14')));
    expect(result.allocations).toEqual([]);
    expect(result.excess.toString()).toBe('100.00');
  });

  it('conserves money: applied + excess = amount, over random loans and amounts', () => {
    fc.assert(
      fc.property(
        aLoan(36),
        fc.bigInt({ min: 0n, max: 10_000_000n }),
        fc.nat(400),
        (loan, minor, days) => {
          const installments = fresh(loan.terms);
          const amount = Money.fromMinor(minor, loan.terms.principal.currency);
          const asOf = addDays(loan.terms.firstPaymentDate, days);
          const result = allocated(allocateRepayment(installments, amount, asOf));
          expect(totalOf(result.applied).plus(result.excess).equals(amount)).toBe(true);
          for (const installment of result.installments) {
            const left = outstandingOf(installment);
            for (const part of [left.fees, left.penalties, left.interest, left.principal]) {
              expect(part.isNegative()).toBe(false);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('payoff quote', () => {
  it('is principal plus interest accrued to the date by the convention', () => {
    // 15 days of 30/360 at 12 % on 10,000.00 = 50.00
    const quote = payoffQuote(fresh(), d('2026-01-30'), interestTerms(loanTerms));
    expect(quote.principal.toString()).toBe('10000.00');
    expect(quote.interest.toString()).toBe('50.00');
    expect(quote.total.toString()).toBe('10050.00');
  });

  it('adds what is due and unpaid, with its fees and penalties, to the accrual since the due date', () => {
    const installments = withCharges(fresh());
    const quote = payoffQuote(installments, d('2026-02-25'), interestTerms(loanTerms));
    // due: principal 788.49, interest 100.00, fee 25.00, penalty 5.00; accrued: 9,211.51 × 1 % / 3
    expect(quote.principal.toString()).toBe('10000.00');
    expect(quote.interest.toString()).toBe((100 + 30.71).toFixed(2));
    expect(quote.fees.toString()).toBe('25.00');
    expect(quote.penalties.toString()).toBe('5.00');
    expect(quote.total.toString()).toBe('10160.71');
  });

  it('counts actual days under ACT/365', () => {
    const terms = { ...loanTerms, dayCount: 'ACTUAL_365' as const };
    const interest = accruedInterest(fresh(terms), d('2026-02-04'), interestTerms(terms));
    // 20 days: 10,000 × 0.12 × 20 / 365 = 65.753… → 65.75
    expect(interest.toString()).toBe('65.75');
  });

  it('never quotes less interest than is due, and paying the quote settles the loan', () => {
    fc.assert(
      fc.property(aLoan(24), fc.nat(200), (loan, days) => {
        const terms = interestTerms(loan.terms);
        const installments = fresh(loan.terms);
        const asOf = addDays(loan.terms.disbursementDate, days);
        const quote = payoffQuote(installments, asOf, terms);
        expect(quote.principal.equals(loan.terms.principal)).toBe(true);
        const due = outstandingTotal(
          installments.filter((i) => i.dueDate <= asOf),
          terms.currency,
        );
        expect(quote.interest.compare(due.interest) >= 0).toBe(true);
        const settled = prepay(
          allocated(allocateRepayment(installments, quote.total, asOf)).installments,
          allocated(allocateRepayment(installments, quote.total, asOf)).excess,
          asOf,
          'REDUCE_INSTALLMENT',
          terms,
        );
        if (!settled.ok) throw new Error(settled.error.code);
        expect(settled.value.overpayment.isZero()).toBe(true);
        const left = outstandingTotal(settled.value.installments, terms.currency);
        expect(totalOf(left).isZero()).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('prepayment', () => {
  const afterSecond = (): Installment[] => {
    let installments = fresh();
    for (const installment of installments.slice(0, 2)) {
      installments = allocated(
        allocateRepayment(installments, totalOf(installment.due), installment.dueDate),
      ).installments;
    }
    return installments;
  };

  it('REDUCE_INSTALLMENT keeps the due dates and lowers the installment', () => {
    const result = prepay(
      afterSecond(),
      usd('3000.00'),
      d('2026-03-15'),
      'REDUCE_INSTALLMENT',
      interestTerms(loanTerms),
    );
    if (!result.ok) throw new Error(result.error.code);
    const rest = result.value.installments.slice(2);
    expect(result.value.interestPaid.toString()).toBe('0.00');
    expect(result.value.principalPaid.toString()).toBe('3000.00');
    expect(rest.map((i) => i.dueDate)).toEqual(
      fresh()
        .slice(2)
        .map((i) => i.dueDate),
    );
    const payment = totalOf(rest[0]!.due);
    expect(payment.compare(usd('888.49'))).toBe(-1);
    for (const installment of rest.slice(0, -1))
      expect(totalOf(installment.due).equals(payment)).toBe(true);
    // 8,415.14 − 3,000.00 = 5,415.14 over 10 months at 1 %: PMT = 571.74
    expect(payment.toString()).toBe('571.74');
    const principal = rest.reduce((sum, i) => sum.plus(i.due.principal), usd('0'));
    expect(principal.toString()).toBe('5415.14');
  });

  it('SHORTEN_TERM keeps the installment and drops the installments no longer needed', () => {
    const result = prepay(
      afterSecond(),
      usd('3000.00'),
      d('2026-03-15'),
      'SHORTEN_TERM',
      interestTerms(loanTerms),
    );
    if (!result.ok) throw new Error(result.error.code);
    const rest = result.value.installments.slice(2);
    expect(rest.length).toBeLessThan(10);
    for (const installment of rest.slice(0, -1)) {
      expect(totalOf(installment.due).toString()).toBe('888.49');
    }
    expect(rest.reduce((sum, i) => sum.plus(i.due.principal), usd('0')).toString()).toBe('5415.14');
    expect(rest.map((i) => i.number)).toEqual(rest.map((_, k) => k + 3));
  });

  it('settles interest accrued since the last due date first, mid-period', () => {
    const result = prepay(
      afterSecond(),
      usd('1000.00'),
      d('2026-03-30'),
      'REDUCE_INSTALLMENT',
      interestTerms(loanTerms),
    );
    if (!result.ok) throw new Error(result.error.code);
    // 15 days on 8,415.14 at 12 % 30/360 = 42.0757 → 42.08
    expect(result.value.interestPaid.toString()).toBe('42.08');
    expect(result.value.principalPaid.toString()).toBe('957.92');
  });

  it('returns what exceeds the loan as an overpayment', () => {
    const result = prepay(
      afterSecond(),
      usd('9000.00'),
      d('2026-03-15'),
      'SHORTEN_TERM',
      interestTerms(loanTerms),
    );
    if (!result.ok) throw new Error(result.error.code);
    expect(result.value.principalPaid.toString()).toBe('8415.14');
    expect(result.value.overpayment.toString()).toBe('584.86');
    expect(result.value.installments).toHaveLength(2);
  });

  it('is refused while an installment is in arrears', () => {
    const result = prepay(
      fresh(),
      usd('100.00'),
      d('2026-02-16'),
      'SHORTEN_TERM',
      interestTerms(loanTerms),
    );
    expect(result).toEqual({
      ok: false,
      error: { code: 'LOAN_HAS_ARREARS', overdue: usd('888.49') },
    });
  });

  it('re-amortises to exactly the remaining principal in both modes, for random loans', () => {
    fc.assert(
      fc.property(
        aLoan(36),
        fc.nat(35),
        fc.bigInt({ min: 1n, max: 100_000_000n }),
        fc.constantFrom('SHORTEN_TERM' as const, 'REDUCE_INSTALLMENT' as const),
        (loan, paidCount, extraMinor, mode) => {
          const terms = interestTerms(loan.terms);
          let installments = fresh(loan.terms);
          const paid = installments.slice(0, Math.min(paidCount, installments.length - 1));
          for (const installment of paid) {
            installments = allocated(
              allocateRepayment(installments, totalOf(installment.due), installment.dueDate),
            ).installments;
          }
          const asOf = paid.at(-1)?.dueDate ?? loan.terms.disbursementDate;
          const before = outstandingTotal(installments, terms.currency).principal;
          const result = prepay(
            installments,
            Money.fromMinor(extraMinor, terms.currency),
            asOf,
            mode,
            terms,
          );
          if (!result.ok) throw new Error(result.error.code);
          const after = outstandingTotal(result.value.installments, terms.currency).principal;
          expect(minorOf(before) - minorOf(result.value.principalPaid)).toBe(minorOf(after));
          for (const installment of result.value.installments) {
            expect(installment.due.principal.isNegative()).toBe(false);
          }
          const numbers = result.value.installments.map((i) => i.number);
          expect(numbers).toEqual(numbers.map((_, k) => k + 1));
        },
      ),
      { numRuns: 150 },
    );
  });
});
