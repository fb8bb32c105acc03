import type { CurrencyCode } from '../money';
import type { GlCode, Side } from './chart-of-accounts';

/** Where a line posts: a customer (sub-ledger) account or a GL account. */
export type LedgerAccountRef =
  | { readonly kind: 'customer'; readonly accountId: string }
  | { readonly kind: 'gl'; readonly code: GlCode };

export interface JournalLine {
  readonly account: LedgerAccountRef;
  readonly side: Side;
  readonly currency: CurrencyCode;
  /** Strictly positive; the side says which way it moves. */
  readonly amountMinor: bigint;
}

/**
 * A balanced, immutable journal entry: at least two lines, debits equal credits in each currency.
 * Corrections are new entries (reversals) pointing at the original.
 */
export interface JournalEntry {
  readonly id: string;
  readonly transactionId: string;
  readonly lines: readonly JournalLine[];
  /** The business date the money moves on (interest counts from it). */
  readonly valueDate: string;
  /** The business date the entry is booked on. */
  readonly bookingDate: string;
  readonly postedAt: string;
  readonly description: string | undefined;
  readonly reversalOf: string | undefined;
}

/** Asserts the ledger's invariant; an unbalanced entry is a bug in a posting rule, never input. */
export function assertBalanced(lines: readonly JournalLine[]): void {
  if (lines.length < 2) throw new Error('A journal entry needs at least two lines');
  const net = new Map<CurrencyCode, bigint>();
  for (const line of lines) {
    if (line.amountMinor <= 0n) throw new Error('Journal lines carry positive amounts');
    const signed = line.side === 'DEBIT' ? line.amountMinor : -line.amountMinor;
    net.set(line.currency, (net.get(line.currency) ?? 0n) + signed);
  }
  for (const [currency, sum] of net) {
    if (sum !== 0n) throw new Error(`Entry does not balance in ${currency}: ${sum}`);
  }
}

/** The lines that undo `lines`: same accounts and amounts, opposite sides. */
export function reversingLines(lines: readonly JournalLine[]): JournalLine[] {
  return lines.map((line) => ({ ...line, side: line.side === 'DEBIT' ? 'CREDIT' : 'DEBIT' }));
}

/** How a line changes a customer account's natural (credit-normal) balance. */
export function customerBalanceDelta(line: JournalLine): bigint {
  return line.side === 'CREDIT' ? line.amountMinor : -line.amountMinor;
}
