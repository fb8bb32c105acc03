import type Decimal from 'decimal.js';
import { BankDecimal } from '../money';

/**
 * The spreadsheet PMT(rate, nper, pv, [fv], [type]) function (Excel, LibreOffice, Google Sheets):
 * the constant payment per period of an annuity, negative for a positive present value. Kept
 * independent of the schedule code (a plain power formula, not the schedule's discount sums) so
 * tests can check French installments against it.
 */
export function pmt(
  rate: Decimal.Value,
  nper: number,
  pv: Decimal.Value,
  fv: Decimal.Value = 0,
  type: 0 | 1 = 0,
): Decimal {
  const r = new BankDecimal(rate);
  const present = new BankDecimal(pv);
  const future = new BankDecimal(fv);
  if (r.isZero()) return present.plus(future).negated().dividedBy(nper);
  const growth = r.plus(1).pow(nper);
  const numerator = present.times(growth).plus(future).times(r);
  const denominator = r.times(type).plus(1).times(growth.minus(1));
  return numerator.dividedBy(denominator).negated();
}
