import * as z from 'zod';
import { amountProblem, isCurrencyCode, type CurrencyCode } from '../../domain/money';

/** An ISO 4217 code with a defined minor unit (shared/domain/iso-4217.ts). */
export const CurrencySchema = z
  .string()
  .refine((code): code is CurrencyCode => isCurrencyCode(code), {
    message: 'Unknown or unsupported ISO 4217 currency code',
  })
  .meta({ id: 'Currency', example: 'USD' });

/** A decimal string; its scale is checked against the currency beside it. */
export const AmountSchema = z
  .string({ error: 'Amounts are decimal strings, e.g. "100.50"' })
  .max(40)
  .regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'Amounts are positive decimal strings, e.g. "100.50"')
  .meta({ id: 'Amount', example: '100.50' });

/** Money on the wire (API.md): the amount at exactly the currency's scale, with its code. */
export const MoneySchema = z
  .object({ amount: z.string(), currency: z.string() })
  .meta({ id: 'Money', example: { amount: '100.50', currency: 'USD' } });

const problemMessages = {
  NOT_A_DECIMAL: 'Amounts are positive decimal strings, e.g. "100.50"',
  TOO_MANY_DECIMALS: 'More decimals than the currency allows',
  TOO_LARGE: 'Amount is too large',
} as const;

/**
 * Checks `amount` against `currency` inside an object: scale per ISO 4217 (more decimals is an
 * error, never a rounding), magnitude, and strictly positive. Reuses the domain's own predicate.
 */
export function refineMoney(
  value: { readonly amount?: unknown; readonly currency?: unknown },
  context: z.RefinementCtx,
  paths: { readonly amount: string; readonly currency: string } = {
    amount: 'amount',
    currency: 'currency',
  },
): void {
  const { amount, currency } = value;
  if (typeof amount !== 'string' || typeof currency !== 'string' || !isCurrencyCode(currency))
    return;
  const problem = amountProblem(amount, currency);
  if (problem !== undefined) {
    context.addIssue({ code: 'custom', path: [paths.amount], message: problemMessages[problem] });
  } else if (/^[0.]+$/.test(amount)) {
    context.addIssue({
      code: 'custom',
      path: [paths.amount],
      message: 'Amount must be greater than zero',
    });
  }
}
