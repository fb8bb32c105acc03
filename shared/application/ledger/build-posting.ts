import type { Account, AccountStatus } from '../../domain/ledger/account';
import { glAccount, type GlCode } from '../../domain/ledger/chart-of-accounts';
import {
  assertBalanced,
  customerBalanceDelta,
  type JournalEntry,
  type JournalLine,
} from '../../domain/ledger/journal-entry';
import type { CurrencyCode } from '../../domain/money';
import { appendToAccountChain } from '../audit/audit-chain';
import type { Dependencies } from '../ports';
import type {
  AccountLine,
  GlMovement,
  Hold,
  PostingFee,
  TransactionRecord,
  TransactionType,
  WriteOp,
} from './records';

export interface PostingRequest {
  readonly type: TransactionType;
  readonly lines: readonly JournalLine[];
  readonly accounts: ReadonlyMap<string, Account>;
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
  readonly fromAccountId?: string | undefined;
  readonly toAccountId?: string | undefined;
  readonly description?: string | undefined;
  readonly reference?: string | undefined;
  readonly channel?: string | undefined;
  readonly valueDate?: string | undefined;
  readonly reversalOf?: string | undefined;
  readonly fx?: TransactionRecord['fx'];
  /** The id, when it was fixed before posting (fraud scoring names the transaction). */
  readonly transactionId?: string | undefined;
  readonly fraud?: TransactionRecord['fraud'];
  readonly actor: string;
  /** Statuses a debited account may have: ACTIVE, or also FROZEN for corrections. */
  readonly debitableStatuses?: readonly AccountStatus[];
  /**
   * An active hold on the paying account that this posting consumes (a movement held for fraud
   * review, then approved): released in the same write, its funds counting towards the debit.
   */
  readonly capturedHold?: Hold | undefined;
  /**
   * Product fees already included in `lines` (the payer's line carries them, 4100 is credited):
   * recorded on the transaction and shown as their own line in the payer's history.
   */
  readonly fee?: PostingFee | undefined;
}

/**
 * Turns balanced journal lines into the unit of work that books them: the transaction and its
 * entry, each customer account's new balance (conditional on the version read and, for debits,
 * on available funds), its history line with the balance after, its audit record, the GL
 * movements (customer lines roll up into their control account) and the outbox event.
 */
export function buildPosting(
  deps: Pick<Dependencies, 'clock' | 'ids'>,
  request: PostingRequest,
): {
  readonly ops: WriteOp[];
  readonly transaction: TransactionRecord;
  readonly entry: JournalEntry;
} {
  assertBalanced(request.lines);
  const now = deps.clock.now().toISOString();
  const bookingDate = now.slice(0, 10);
  const transactionId = request.transactionId ?? deps.ids.next();
  const entry: JournalEntry = {
    id: deps.ids.next(),
    transactionId,
    lines: request.lines,
    valueDate: request.valueDate ?? bookingDate,
    bookingDate,
    postedAt: now,
    description: request.description,
    reversalOf: request.reversalOf,
  };
  const transaction: TransactionRecord = {
    id: transactionId,
    type: request.type,
    status: 'POSTED',
    amountMinor: request.amountMinor,
    currency: request.currency,
    fromAccountId: request.fromAccountId,
    toAccountId: request.toAccountId,
    journalEntryId: entry.id,
    description: request.description,
    reference: request.reference,
    channel: request.channel,
    valueDate: entry.valueDate,
    bookingDate,
    createdAt: now,
    reversalOf: request.reversalOf,
    reversedBy: undefined,
    fx: request.fx,
    ...(request.fraud === undefined ? {} : { fraud: request.fraud }),
    ...(request.fee === undefined ? {} : { fee: request.fee }),
  };
  const ops: WriteOp[] = [
    { kind: 'putTransaction', transaction },
    { kind: 'putEntry', entry },
  ];
  const gl = new GlAggregator();
  const seen = new Set<string>();
  for (const line of request.lines) {
    if (line.account.kind === 'gl') {
      gl.add(line.account.code, line);
      continue;
    }
    const account = request.accounts.get(line.account.accountId);
    if (account === undefined) throw new Error(`Account ${line.account.accountId} was not loaded`);
    if (seen.has(account.id)) throw new Error('An account appears twice in one entry');
    seen.add(account.id);
    ops.push(...accountOps(request, account, line, transaction, entry, now));
    gl.add(account.controlAccount, line);
  }
  ops.push(...gl.ops());
  ops.push({
    kind: 'putEvent',
    event: {
      id: deps.ids.next(),
      type: request.type === 'REVERSAL' ? 'nexum.transaction.reversed' : 'nexum.transaction.posted',
      aggregateType: 'transaction',
      aggregateId: transactionId,
      sequence: 1,
      occurredAt: now,
      data: {
        transactionId,
        journalEntryId: entry.id,
        type: request.type,
        amount: request.amountMinor.toString(),
        currency: request.currency,
        ...(request.fromAccountId === undefined ? {} : { fromAccountId: request.fromAccountId }),
        ...(request.toAccountId === undefined ? {} : { toAccountId: request.toAccountId }),
        ...(request.reversalOf === undefined ? {} : { reversalOf: request.reversalOf }),
      },
    },
  });
  return { ops, transaction, entry };
}

function accountOps(
  request: PostingRequest,
  account: Account,
  line: JournalLine,
  transaction: TransactionRecord,
  entry: JournalEntry,
  now: string,
): WriteOp[] {
  const delta = customerBalanceDelta(line);
  const balanceAfterMinor = account.balanceMinor + delta;
  const captured = capturedOn(request, account, now);
  const base = captured === undefined ? account : captured.account;
  const audited = appendToAccountChain(base, {
    at: now,
    action: line.side === 'CREDIT' ? 'ACCOUNT_CREDITED' : 'ACCOUNT_DEBITED',
    actor: request.actor,
    data: {
      transactionId: transaction.id,
      journalEntryId: entry.id,
      type: request.type,
      amountMinor: line.amountMinor.toString(),
      currency: line.currency,
      balanceAfterMinor: balanceAfterMinor.toString(),
      ...(request.fee?.accountId === account.id
        ? { feeMinor: request.fee.amountMinor.toString() }
        : {}),
    },
  });
  const after: Account = {
    ...base,
    balanceMinor: balanceAfterMinor,
    version: account.version + 1,
    audit: audited.head,
    updatedAt: now,
  };
  // A loan account is an asset the bank holds: debiting it (a disbursement) needs no funds.
  const debit = delta < 0n && account.productType !== 'LOAN';
  return [
    {
      kind: 'updateAccount',
      before: account,
      after,
      ...(debit
        ? {
            // The captured hold's funds are already set aside for this debit.
            requireAvailableMinor: -delta - (captured?.hold.amountMinor ?? 0n),
            allowedStatuses: request.debitableStatuses ?? ['ACTIVE'],
          }
        : { allowedStatuses: ['ACTIVE', 'FROZEN'] }),
    },
    ...(captured === undefined ? [] : captured.ops),
    ...historyLines(request, account, line, transaction, entry, now).map(
      (historyLine): WriteOp => ({ kind: 'putAccountLine', line: historyLine }),
    ),
    { kind: 'appendAudit', record: audited.record },
  ];
}

/**
 * The account's history lines of a posting: one per journal line, or, for the account that paid
 * a fee inside the posting, the movement itself and the fee as a line of its own (type FEE), so
 * the history shows what moved and what was charged; the two net to the journal line.
 */
function historyLines(
  request: PostingRequest,
  account: Account,
  line: JournalLine,
  transaction: TransactionRecord,
  entry: JournalEntry,
  now: string,
): AccountLine[] {
  const common = {
    accountId: account.id,
    entryId: entry.id,
    transactionId: transaction.id,
    currency: line.currency,
    description: request.description,
    valueDate: entry.valueDate,
    bookingDate: entry.bookingDate,
    postedAt: now,
  };
  const delta = customerBalanceDelta(line);
  const fee = request.fee;
  if (fee?.accountId !== account.id) {
    return [
      {
        ...common,
        type: request.type,
        side: line.side,
        amountMinor: line.amountMinor,
        balanceAfterMinor: account.balanceMinor + delta,
      },
    ];
  }
  const movement = delta + fee.amountMinor;
  return [
    {
      ...common,
      type: request.type,
      side: movement < 0n ? 'DEBIT' : 'CREDIT',
      amountMinor: movement < 0n ? -movement : movement,
      balanceAfterMinor: account.balanceMinor + movement,
    },
    {
      ...common,
      type: 'FEE',
      side: 'DEBIT',
      amountMinor: fee.amountMinor,
      balanceAfterMinor: account.balanceMinor + delta,
      description: fee.description,
      part: 'FEE',
    },
  ];
}

/**
 * The hold a posting consumes on `account`: the account as its release leaves it (held total
 * down, one audit record on), and the writes that release it. The account item itself is
 * written once, by the posting.
 */
function capturedOn(
  request: PostingRequest,
  account: Account,
  now: string,
): { account: Account; hold: Hold; ops: WriteOp[] } | undefined {
  const hold = request.capturedHold;
  if (hold?.accountId !== account.id) return undefined;
  if (hold.status !== 'ACTIVE' || hold.currency !== account.currency) {
    throw new Error(`Hold ${hold.id} cannot be captured`);
  }
  const audited = appendToAccountChain(account, {
    at: now,
    action: 'HOLD_CAPTURED',
    actor: request.actor,
    data: { holdId: hold.id, amountMinor: hold.amountMinor.toString(), currency: hold.currency },
  });
  return {
    account: { ...account, holdsMinor: account.holdsMinor - hold.amountMinor, audit: audited.head },
    hold,
    ops: [
      {
        kind: 'updateHold',
        before: hold,
        after: { ...hold, status: 'RELEASED', releasedAt: now },
      },
      { kind: 'appendAudit', record: audited.record },
    ],
  };
}

/** Sums movements per GL account and currency, since one item may be written once per transaction. */
class GlAggregator {
  private readonly movements = new Map<string, GlMovement>();

  add(code: GlCode, line: JournalLine): void {
    glAccount(code); // Fails fast on a code outside the chart.
    const key = `${code}#${line.currency}`;
    const current = this.movements.get(key) ?? {
      code,
      currency: line.currency,
      debitMinor: 0n,
      creditMinor: 0n,
    };
    this.movements.set(key, {
      ...current,
      debitMinor: current.debitMinor + (line.side === 'DEBIT' ? line.amountMinor : 0n),
      creditMinor: current.creditMinor + (line.side === 'CREDIT' ? line.amountMinor : 0n),
    });
  }

  ops(): WriteOp[] {
    return [...this.movements.values()].map((movement) => ({ kind: 'moveGl', movement }));
  }
}
