import { describe, expect, it } from '@jest/globals';
import { businessDate } from '../../../../../shared/domain/interest/business-date';
import {
  arrearsBucket,
  chargeLateFees,
  chargePenaltyInterest,
  daysPastDue,
} from '../../../../../shared/domain/lending/delinquency';
import {
  installmentsFromSchedule,
  totalOf,
} from '../../../../../shared/domain/lending/installments';
import { allocateRepayment } from '../../../../../shared/domain/lending/repayment';
import { generateSchedule } from '../../../../../shared/domain/lending/schedule';
import { BankDecimal, Money } from '../../../../../shared/domain/money';

const d = businessDate;
const usd = (amount: string) => Money.of(amount, 'USD');

const loan = () =>
  installmentsFromSchedule(
    generateSchedule({
      principal: usd('10000'),
      annualRate: new BankDecimal('0.12'),
      method: 'EQUAL_INSTALLMENT',
      frequency: 'MONTHLY',
      dayCount: 'THIRTY_360',
      disbursementDate: d('2026-01-15'),
      firstPaymentDate: d('2026-02-15'),
      installments: 12,
    }),
  );

describe('days past due and ageing', () => {
  it('counts from the oldest unpaid due date; not late on the due date itself', () => {
    const installments = loan();
    expect(daysPastDue(installments, d('2026-02-15'))).toBe(0);
    expect(daysPastDue(installments, d('2026-02-16'))).toBe(1);
    expect(daysPastDue(installments, d('2026-04-16'))).toBe(60);
  });

  it('moves to the next unpaid installment once the oldest is paid', () => {
    const paid = allocateRepayment(loan(), usd('888.49'), d('2026-03-20'));
    if (!paid.ok) throw new Error(paid.error.code);
    expect(daysPastDue(paid.value.installments, d('2026-03-20'))).toBe(5);
  });

  it('is zero for a partly paid installment only once it is fully paid', () => {
    const partly = allocateRepayment(loan(), usd('888.48'), d('2026-02-20'));
    if (!partly.ok) throw new Error(partly.error.code);
    expect(daysPastDue(partly.value.installments, d('2026-02-20'))).toBe(5);
  });

  it.each([
    [0, 'CURRENT'],
    [1, 'DPD_1_30'],
    [30, 'DPD_1_30'],
    [31, 'DPD_31_60'],
    [60, 'DPD_31_60'],
    [61, 'DPD_61_90'],
    [90, 'DPD_61_90'],
    [91, 'DPD_90_PLUS'],
    [1000, 'DPD_90_PLUS'],
  ] as const)('puts %i days in %s', (days, bucket) => {
    expect(arrearsBucket(days)).toBe(bucket);
  });
});

describe('late fees', () => {
  it('charges one fixed fee per installment once the grace period is over', () => {
    const fee = { type: 'FIXED', amount: usd('25.00') } as const;
    const inGrace = chargeLateFees(loan(), d('2026-02-25'), 10, fee);
    expect(inGrace.charges).toEqual([]);
    const late = chargeLateFees(loan(), d('2026-02-26'), 10, fee);
    expect(late.charges).toEqual([{ number: 1, fee: usd('25.00') }]);
    expect(late.installments[0]!.due.fees.toString()).toBe('25.00');
    const again = chargeLateFees(late.installments, d('2026-03-30'), 10, fee);
    expect(again.charges).toEqual([{ number: 2, fee: usd('25.00') }]);
    expect(again.installments[0]!.due.fees.toString()).toBe('25.00');
  });

  it('computes a percentage fee on the overdue principal and interest', () => {
    const result = chargeLateFees(loan(), d('2026-02-17'), 0, {
      type: 'PERCENTAGE',
      rate: new BankDecimal('0.05'),
    });
    // 5 % of 888.49 = 44.4245 → 44.42
    expect(result.charges).toEqual([{ number: 1, fee: usd('44.42') }]);
  });

  it('charges nothing on a paid installment, and the allocation collects the fee first', () => {
    const paid = allocateRepayment(loan(), usd('888.49'), d('2026-02-15'));
    if (!paid.ok) throw new Error(paid.error.code);
    const fee = { type: 'FIXED', amount: usd('25.00') } as const;
    expect(chargeLateFees(paid.value.installments, d('2026-03-01'), 0, fee).charges).toEqual([]);
    const charged = chargeLateFees(loan(), d('2026-03-01'), 0, fee).installments;
    const next = allocateRepayment(charged, usd('25.00'), d('2026-03-01'));
    if (!next.ok) throw new Error(next.error.code);
    expect(next.value.applied.fees.toString()).toBe('25.00');
    expect(totalOf(next.value.installments[0]!.paid).toString()).toBe('25.00');
  });
});

describe('penalty interest', () => {
  const settings = {
    graceDays: 5,
    penaltyRate: new BankDecimal('0.36'),
    dayCount: 'ACTUAL_360',
  } as const;

  it('accrues on overdue principal only for days after the grace period', () => {
    const inGrace = chargePenaltyInterest(loan(), d('2026-02-15'), d('2026-02-21'), settings);
    expect(inGrace.charges).toEqual([]);
    // first penalised day 2026-02-21: 788.49 × 0.36 / 360 = 0.78849 → 0.79 for one day
    const oneDay = chargePenaltyInterest(loan(), d('2026-02-21'), d('2026-02-22'), settings);
    expect(oneDay.charges).toEqual([{ number: 1, penalty: usd('0.79') }]);
    expect(oneDay.installments[0]!.due.penalties.toString()).toBe('0.79');
    // ten days straddling the grace end count only the 5 after it: 3.94245 → 3.94
    const range = chargePenaltyInterest(loan(), d('2026-02-16'), d('2026-02-26'), settings);
    expect(range.charges).toEqual([{ number: 1, penalty: usd('3.94') }]);
  });

  it('charges nothing once the principal of the installment is paid', () => {
    const paid = allocateRepayment(loan(), usd('888.49'), d('2026-02-20'));
    if (!paid.ok) throw new Error(paid.error.code);
    expect(
      chargePenaltyInterest(paid.value.installments, d('2026-02-25'), d('2026-02-26'), settings)
        .charges,
    ).toEqual([]);
  });
});
