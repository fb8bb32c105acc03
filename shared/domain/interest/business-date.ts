/**
 * Business dates as 'YYYY-MM-DD' strings, with calendar arithmetic on day numbers (days since
 * 1970-01-01 in the proleptic Gregorian calendar). No `Date`, no time zone: a business date is a
 * calendar day, and adding a month to it must not depend on where the Lambda runs.
 */

declare const businessDateBrand: unique symbol;
export type BusinessDate = string & { readonly [businessDateBrand]: true };

const pattern = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function daysInYear(year: number): number {
  return isLeapYear(year) ? 366 : 365;
}

export interface CalendarDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Whether `text` is a real calendar day written as YYYY-MM-DD (years 1–9999). */
export function isBusinessDate(text: string): text is BusinessDate {
  const match = pattern.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Parses a business date; an impossible day (2026-02-30) is a programming error here. */
export function businessDate(text: string): BusinessDate {
  if (!isBusinessDate(text)) throw new Error(`${text} is not a YYYY-MM-DD calendar date`);
  return text;
}

export function toCalendarDay(date: BusinessDate): CalendarDay {
  return {
    year: Number(date.slice(0, 4)),
    month: Number(date.slice(5, 7)),
    day: Number(date.slice(8, 10)),
  };
}

/** The date of a calendar day; an impossible day (Feb 30) or a year outside 1–9999 throws. */
export function fromCalendarDay({ year, month, day }: CalendarDay): BusinessDate {
  const valid =
    Number.isInteger(year) &&
    year >= 1 &&
    year <= 9999 &&
    Number.isInteger(month) &&
    month >= 1 &&
    month <= 12 &&
    Number.isInteger(day) &&
    day >= 1 &&
    day <= daysInMonth(year, month);
  if (!valid) throw new Error(`${year}-${month}-${day} is not a calendar day`);
  // Built directly (no regex round trip): schedules create hundreds of dates.
  const text = `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
  return text as BusinessDate;
}

/** Days since 1970-01-01 (Howard Hinnant's days_from_civil, exact integer arithmetic). */
export function toDayNumber(date: BusinessDate): number {
  const { year, month, day } = toCalendarDay(date);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The business date of a day number (civil_from_days). */
export function fromDayNumber(dayNumber: number): BusinessDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return fromCalendarDay({ year, month, day });
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Calendar days from `start` to `end` (negative when `end` is earlier). */
export function daysBetween(start: BusinessDate, end: BusinessDate): number {
  return toDayNumber(end) - toDayNumber(start);
}

/** ISO strings of the same format compare as dates. */
export function compareDates(a: BusinessDate, b: BusinessDate): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isMonthEnd(date: BusinessDate): boolean {
  const { year, month, day } = toCalendarDay(date);
  return day === daysInMonth(year, month);
}

export function endOfMonth(date: BusinessDate): BusinessDate {
  const { year, month } = toCalendarDay(date);
  return fromCalendarDay({ year, month, day: daysInMonth(year, month) });
}

/**
 * `months` calendar months after `date`, the day clamped to the target month's length
 * (Jan 31 + 1 month = Feb 28 or 29). With `keepMonthEnd`, a month-end date maps to the target
 * month's end (Feb 28 + 1 month = Mar 31).
 */
export function addMonths(date: BusinessDate, months: number, keepMonthEnd = false): BusinessDate {
  const { year, month, day } = toCalendarDay(date);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  const length = daysInMonth(targetYear, targetMonth);
  const targetDay = keepMonthEnd && isMonthEnd(date) ? length : Math.min(day, length);
  return fromCalendarDay({ year: targetYear, month: targetMonth, day: targetDay });
}
