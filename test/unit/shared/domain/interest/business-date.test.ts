import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  addDays,
  addMonths,
  businessDate,
  daysBetween,
  endOfMonth,
  fromDayNumber,
  isBusinessDate,
  isMonthEnd,
  toDayNumber,
} from '../../../../../shared/domain/interest/business-date';

/** Day numbers from the platform's UTC calendar: an independent reference for the arithmetic. */
const utcDayNumber = (text: string): number => Date.parse(`${text}T00:00:00Z`) / 86_400_000;
const utcText = (dayNumber: number): string =>
  new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);

/** Any day from 1900 to 2199. */
const aDayNumber = fc.integer({ min: utcDayNumber('1900-01-01'), max: utcDayNumber('2199-12-31') });

describe('business dates', () => {
  it.each(['2024-02-29', '2026-12-31', '2000-02-29', '0001-01-01'])('accepts %s', (text) => {
    expect(isBusinessDate(text)).toBe(true);
  });

  it.each(['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-1-01', '26-01-01', ''])(
    'rejects %s',
    (text) => {
      expect(isBusinessDate(text)).toBe(false);
      expect(() => businessDate(text)).toThrow();
    },
  );

  it('numbers days exactly as the UTC calendar does, both ways', () => {
    fc.assert(
      fc.property(aDayNumber, (dayNumber) => {
        const text = utcText(dayNumber);
        expect(toDayNumber(businessDate(text))).toBe(dayNumber);
        expect(fromDayNumber(dayNumber)).toBe(text);
      }),
    );
  });

  it('adds days and counts them across leap days and centuries', () => {
    expect(addDays(businessDate('2024-02-28'), 1)).toBe('2024-02-29');
    expect(addDays(businessDate('2100-02-28'), 1)).toBe('2100-03-01');
    expect(daysBetween(businessDate('2025-01-01'), businessDate('2026-01-01'))).toBe(365);
    expect(daysBetween(businessDate('2024-01-01'), businessDate('2025-01-01'))).toBe(366);
    expect(daysBetween(businessDate('2026-03-01'), businessDate('2026-02-01'))).toBe(-28);
  });

  it('clamps month arithmetic to the month length, and keeps month ends on request', () => {
    const jan31 = businessDate('2026-01-31');
    expect(addMonths(jan31, 1)).toBe('2026-02-28');
    expect(addMonths(businessDate('2024-01-31'), 1)).toBe('2024-02-29');
    expect(addMonths(jan31, 2)).toBe('2026-03-31');
    expect(addMonths(businessDate('2026-02-28'), 1)).toBe('2026-03-28');
    expect(addMonths(businessDate('2026-02-28'), 1, true)).toBe('2026-03-31');
    expect(addMonths(businessDate('2026-04-30'), 1, true)).toBe('2026-05-31');
    expect(addMonths(businessDate('2026-11-15'), 3)).toBe('2027-02-15');
    expect(addMonths(businessDate('2026-01-15'), -1)).toBe('2025-12-15');
    expect(endOfMonth(businessDate('2024-02-10'))).toBe('2024-02-29');
    expect(isMonthEnd(businessDate('2026-02-28'))).toBe(true);
    expect(isMonthEnd(businessDate('2024-02-28'))).toBe(false);
  });

  it('adds months like the UTC calendar clamped to the month end', () => {
    fc.assert(
      fc.property(aDayNumber, fc.integer({ min: -240, max: 240 }), (dayNumber, months) => {
        const text = utcText(dayNumber);
        const [year, month, day] = text.split('-').map(Number) as [number, number, number];
        const lastDay = new Date(Date.UTC(year, month - 1 + months + 1, 0)).getUTCDate();
        const expected = new Date(Date.UTC(year, month - 1 + months, Math.min(day, lastDay)))
          .toISOString()
          .slice(0, 10);
        expect(addMonths(businessDate(text), months)).toBe(expected);
      }),
    );
  });
});
