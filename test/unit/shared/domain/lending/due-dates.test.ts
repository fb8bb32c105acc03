import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  businessDate,
  daysInMonth,
  fromDayNumber,
  isMonthEnd,
  toDayNumber,
} from '../../../../../shared/domain/interest/business-date';
import { dueDates, installmentCount } from '../../../../../shared/domain/lending/due-dates';

const d = businessDate;

describe('due dates', () => {
  it('keeps a month-end anchor at month ends: Jan 31 → Feb 28/29 → Mar 31', () => {
    expect(dueDates(d('2026-01-31'), 'MONTHLY', 4)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
    ]);
    expect(dueDates(d('2024-01-31'), 'MONTHLY', 3)).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
    ]);
    expect(dueDates(d('2026-04-30'), 'MONTHLY', 3)).toEqual([
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
    ]);
  });

  it('computes from the anchor so a clamped day never drifts: Jan 30 → Feb 28 → Mar 30', () => {
    expect(dueDates(d('2026-01-30'), 'MONTHLY', 3)).toEqual([
      '2026-01-30',
      '2026-02-28',
      '2026-03-30',
    ]);
    expect(dueDates(d('2025-08-30'), 'QUARTERLY', 4)).toEqual([
      '2025-08-30',
      '2025-11-30',
      '2026-02-28',
      '2026-05-30',
    ]);
    // Nov 30 is a month end: the anchor's month-end rule applies.
    expect(dueDates(d('2025-11-30'), 'QUARTERLY', 3)).toEqual([
      '2025-11-30',
      '2026-02-28',
      '2026-05-31',
    ]);
  });

  it('steps 7 and 14 days for weekly and biweekly', () => {
    expect(dueDates(d('2026-02-20'), 'WEEKLY', 3)).toEqual([
      '2026-02-20',
      '2026-02-27',
      '2026-03-06',
    ]);
    expect(dueDates(d('2026-12-25'), 'BIWEEKLY', 2)).toEqual(['2026-12-25', '2027-01-08']);
  });

  it('lands each monthly due date on the anchor day or the month end, whatever the index', () => {
    const anAnchor = fc
      .integer({ min: toDayNumber(d('2000-01-01')), max: toDayNumber(d('2060-12-31')) })
      .map(fromDayNumber);
    fc.assert(
      fc.property(anAnchor, fc.integer({ min: 1, max: 120 }), (anchor, count) => {
        const anchorDay = Number(anchor.slice(8));
        const dates = dueDates(anchor, 'MONTHLY', count);
        dates.forEach((date, index) => {
          const [y, m, day] = date.split('-').map(Number) as [number, number, number];
          const [ay, am] = anchor.split('-').map(Number) as [number, number];
          expect(y * 12 + m).toBe(ay * 12 + am + index);
          const expected = isMonthEnd(anchor)
            ? daysInMonth(y, m)
            : Math.min(anchorDay, daysInMonth(y, m));
          expect(day).toBe(expected);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('counts installments per term and frequency', () => {
    expect(installmentCount(12, 'MONTHLY')).toBe(12);
    expect(installmentCount(12, 'QUARTERLY')).toBe(4);
    expect(installmentCount(13, 'QUARTERLY')).toBe(5);
    expect(installmentCount(12, 'WEEKLY')).toBe(52);
    expect(installmentCount(12, 'BIWEEKLY')).toBe(26);
    expect(installmentCount(1, 'WEEKLY')).toBe(4);
    expect(installmentCount(360, 'MONTHLY')).toBe(360);
    expect(() => installmentCount(0, 'MONTHLY')).toThrow();
    expect(() => installmentCount(1.5, 'MONTHLY')).toThrow();
  });
});
