/**
 * Loan schedule throughput: how many 360-month French (EQUAL_INSTALLMENT) schedules the pure
 * domain generates per second on one core, with the full Money/decimal arithmetic and every row
 * built (dates, interest, principal, payment, balance).
 *
 *   npm run bench:loans
 *
 * Three cases: a regular 30/360 mortgage (one rate factor for every period), an ACT/365 one with
 * an irregular first period (a handful of distinct factors), and ACT/ACT with a month-end anchor.
 * Each runs for BENCH_SECONDS (default 3) after a warm-up; the median of BENCH_ROUNDS (default 3)
 * rounds is reported. The end-of-day accrual benchmark of issue #5 comes with the DynamoDB wiring.
 */
import { businessDate } from '../../shared/domain/interest/business-date';
import { generateSchedule, type LoanScheduleTerms } from '../../shared/domain/lending/schedule';
import { BankDecimal, Money } from '../../shared/domain/money';

function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

const seconds = Number(process.env.BENCH_SECONDS ?? '3');
const rounds = Number(process.env.BENCH_ROUNDS ?? '3');

const mortgage = (overrides: Partial<LoanScheduleTerms>): LoanScheduleTerms => ({
  principal: Money.of('250000.00', 'USD'),
  annualRate: new BankDecimal('0.065'),
  method: 'EQUAL_INSTALLMENT',
  frequency: 'MONTHLY',
  dayCount: 'THIRTY_360',
  disbursementDate: businessDate('2026-01-15'),
  firstPaymentDate: businessDate('2026-02-15'),
  installments: 360,
  ...overrides,
});

const cases: readonly [string, LoanScheduleTerms][] = [
  ['30/360, regular periods', mortgage({})],
  [
    'ACT/365, irregular first period',
    mortgage({ dayCount: 'ACTUAL_365', firstPaymentDate: businessDate('2026-03-01') }),
  ],
  [
    'ACT/ACT, month-end anchor',
    mortgage({
      dayCount: 'ACTUAL_ACTUAL',
      disbursementDate: businessDate('2026-01-05'),
      firstPaymentDate: businessDate('2026-02-28'),
    }),
  ],
];

/** Schedules per second over one timed round. */
function round(terms: LoanScheduleTerms): number {
  const started = performance.now();
  let count = 0;
  let rows = 0;
  while (performance.now() - started < seconds * 1000) {
    rows += generateSchedule(terms).length;
    count += 1;
  }
  if (rows !== count * terms.installments) throw new Error('A schedule lost rows');
  return count / ((performance.now() - started) / 1000);
}

print(`360-month French schedules per second (one core, ${rounds} × ${seconds} s, median)`);
for (const [name, terms] of cases) {
  round({ ...terms, installments: 12 }); // warm-up: compile the hot paths
  const results = Array.from({ length: rounds }, () => round(terms)).sort((a, b) => a - b);
  const median = results[Math.floor(results.length / 2)] ?? 0;
  const perSchedule = 1000 / median;
  print(
    `  ${name.padEnd(34)} ${median.toFixed(0).padStart(6)} schedules/s  ` +
      `(${perSchedule.toFixed(2)} ms each, ${((median * 360) / 1000).toFixed(0)}k rows/s)`,
  );
}
