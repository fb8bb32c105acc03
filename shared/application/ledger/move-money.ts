import type { Account, OwnerKyc } from '../../domain/ledger/account';
import { glRoles, type GlCode } from '../../domain/ledger/chart-of-accounts';
import { reversingLines, type JournalLine } from '../../domain/ledger/journal-entry';
import {
  checkReversal,
  decideDeposit,
  decideFxTransfer,
  decideTransfer,
  decideWithdrawal,
  FX_ROUNDING,
} from '../../domain/ledger/posting-rules';
import type { DomainError } from '../../domain/errors';
import { effectiveKycTier, kycCheckFor, KYC_LIMIT_CURRENCY } from '../../domain/kyc-limits';
import { BankDecimal, Money, type CurrencyCode } from '../../domain/money';
import { err, ok, type Result } from '../../domain/result';
import type { Dependencies } from '../ports';
import type { PostingState } from './posting-cache';
import type { CommandContext } from './accounts';
import { expireHolds } from './accounts';
import { buildPosting, type PostingRequest } from './build-posting';
import type { CommitFailure, StoredCustomer, TransactionRecord, WriteOp } from './records';
import { runCommand, type CommandOutcome, type Plan } from './run-command';
import {
  heldForReview,
  recordBlocked,
  screenMovement,
  type Screened,
} from '../fraud/screen-movement';
import { checkProductBalanceLimits, withPostingFees } from '../products/posting-fees';

/** What a posting needs: the ledger, the owners' KYC, fraud scoring, and this runtime's locks, cache and commit groups. */
export type PostingDeps = Pick<
  Dependencies,
  | 'ledger'
  | 'retry'
  | 'clock'
  | 'ids'
  | 'logger'
  | 'locks'
  | 'customers'
  | 'fraud'
  | 'postingCache'
  | 'commitGroups'
>;
type Deps = PostingDeps;
type Outcome = Promise<Result<CommandOutcome<TransactionRecord>, DomainError>>;

export interface MoneyMovementDetails {
  readonly description?: string | undefined;
  readonly reference?: string | undefined;
  readonly channel?: string | undefined;
  readonly valueDate?: string | undefined;
}

/** Channels that settle through the clearing account rather than the vault. */
const settlementChannels = new Set(['ONLINE', 'MOBILE', 'WIRE', 'ACH', 'API', 'CARD']);

export function counterpartyOf(channel: string | undefined): GlCode {
  return channel !== undefined && settlementChannels.has(channel)
    ? glRoles.settlement
    : glRoles.cash;
}

export async function deposit(
  deps: Deps,
  command: SingleAccountCommand,
  context: CommandContext<TransactionRecord>,
): Outcome {
  return postSingle(deps, command, context, 'DEPOSIT');
}

export async function withdraw(
  deps: Deps,
  command: SingleAccountCommand,
  context: CommandContext<TransactionRecord>,
): Outcome {
  return withExpiredHoldsReleased(deps, [command.accountId], context.actor, () =>
    postSingle(deps, command, context, 'WITHDRAWAL'),
  );
}

type SingleAccountCommand = { accountId: string; amount: Money } & MoneyMovementDetails;

/** Cash in or out of one account against the channel's GL account. */
async function postSingle(
  deps: Deps,
  command: SingleAccountCommand,
  context: CommandContext<TransactionRecord>,
  type: 'DEPOSIT' | 'WITHDRAWAL',
): Outcome {
  return postAgainst(deps, [command.accountId], context, async (accounts) => {
    const account = accounts.get(command.accountId);
    if (account === undefined)
      return err({ code: 'ACCOUNT_NOT_FOUND', accountId: command.accountId });
    const counterparty = counterpartyOf(command.channel);
    const decide = type === 'DEPOSIT' ? decideDeposit : decideWithdrawal;
    const lines = decide(account, command.amount, counterparty);
    if (!lines.ok) return lines;
    // The product version's fees go in the same entry, to 4100 Fee income.
    const charged = await withPostingFees(deps, lines.value, account, type, command.amount);
    if (!charged.ok) return charged;
    const side = type === 'DEPOSIT' ? { toAccountId: account.id } : { fromAccountId: account.id };
    const { lines: withFees, fee } = charged.value;
    return ok(request(command, type, withFees, accounts, context.actor, { ...side, fee }));
  });
}

export async function transfer(
  deps: Deps,
  command: { fromAccountId: string; toAccountId: string; amount: Money } & MoneyMovementDetails,
  context: CommandContext<TransactionRecord>,
): Outcome {
  const ids = [command.fromAccountId, command.toAccountId];
  return withExpiredHoldsReleased(deps, [command.fromAccountId], context.actor, () =>
    postAgainst(deps, ids, context, async (accounts) => {
      const found = bothAccounts(accounts, command.fromAccountId, command.toAccountId);
      if (!found.ok) return found;
      const [from, to] = found.value;
      const lines = decideTransfer(from, to, command.amount);
      if (!lines.ok) return lines;
      const charged = await withPostingFees(deps, lines.value, from, 'TRANSFER', command.amount);
      if (!charged.ok) return charged;
      return ok(
        request(command, 'TRANSFER', charged.value.lines, accounts, context.actor, {
          fromAccountId: from.id,
          toAccountId: to.id,
          fee: charged.value.fee,
        }),
      );
    }),
  );
}

/** A transfer between accounts in different currencies at the stored rate (FX_ROUNDING). */
export async function fxTransfer(
  deps: Deps,
  command: { fromAccountId: string; toAccountId: string; amount: Money } & MoneyMovementDetails,
  context: CommandContext<TransactionRecord>,
): Outcome {
  const ids = [command.fromAccountId, command.toAccountId];
  return withExpiredHoldsReleased(deps, [command.fromAccountId], context.actor, () =>
    postAgainst(deps, ids, context, async (accounts) => {
      const found = bothAccounts(accounts, command.fromAccountId, command.toAccountId);
      if (!found.ok) return found;
      const [from, to] = found.value;
      if (command.amount.currency !== from.currency) {
        return err({
          code: 'CURRENCY_MISMATCH',
          expected: from.currency,
          received: command.amount.currency,
        });
      }
      if (from.currency === to.currency)
        return err({ code: 'SAME_CURRENCY_FX', currency: to.currency });
      const rate = await deps.ledger.getFxRate(from.currency, to.currency);
      if (rate === undefined)
        return err({ code: 'FX_RATE_NOT_FOUND', base: from.currency, quote: to.currency });
      const decided = decideFxTransfer(from, to, command.amount, rate);
      if (!decided.ok) return decided;
      const charged = await withPostingFees(
        deps,
        decided.value.lines,
        from,
        'TRANSFER',
        command.amount,
      );
      if (!charged.ok) return charged;
      return ok(
        request(command, 'FX_TRANSFER', charged.value.lines, accounts, context.actor, {
          fromAccountId: from.id,
          toAccountId: to.id,
          fee: charged.value.fee,
          fx: {
            base: rate.base,
            quote: rate.quote,
            rate: rate.rate,
            convertedMinor: decided.value.converted.toMinor(),
            convertedCurrency: to.currency,
            rounding: FX_ROUNDING,
          },
        }),
      );
    }),
  );
}

/**
 * Reverses a posted transaction with a new entry of opposite lines that points at it. The
 * original is marked reversed in the same write, conditional on it still being POSTED, so a
 * transaction is reversed at most once even under concurrent requests.
 */
export async function reverseTransaction(
  deps: Deps,
  command: { transactionId: string; reason: string },
  context: CommandContext<TransactionRecord>,
): Outcome {
  return runCommand(deps, context, async () => {
    const original = await deps.ledger.getTransaction(command.transactionId);
    if (original === undefined)
      return err({ code: 'TRANSACTION_NOT_FOUND', transactionId: command.transactionId });
    if (original.type === 'REVERSAL') {
      return err({
        code: 'TRANSACTION_NOT_REVERSIBLE',
        transactionId: original.id,
        reason: 'it is itself a reversal',
      });
    }
    if (original.status === 'REVERSED') {
      return err({ code: 'TRANSACTION_ALREADY_REVERSED', transactionId: original.id });
    }
    if (original.journalEntryId === undefined) {
      return err({
        code: 'TRANSACTION_NOT_REVERSIBLE',
        transactionId: original.id,
        reason: 'nothing was booked',
      });
    }
    const entry = await deps.ledger.getEntry(original.journalEntryId);
    if (entry === undefined)
      throw new Error(`Entry ${original.journalEntryId} of ${original.id} is missing`);
    const lines = reversingLines(entry.lines);
    const accountIds = lines.flatMap((line) =>
      line.account.kind === 'customer' ? [line.account.accountId] : [],
    );
    const loaded = await deps.ledger.loadAccounts(accountIds, context.idempotency?.key);
    if (loaded.idempotency !== undefined) return { replay: loaded.idempotency };
    // A reversal that committed between our two reads already moved these balances: say so,
    // rather than judging the funds against a state that includes it.
    if ((await deps.ledger.getTransaction(original.id))?.status === 'REVERSED') {
      return err({ code: 'TRANSACTION_ALREADY_REVERSED', transactionId: original.id });
    }
    const refused = checkReversal(lines, loaded.accounts);
    if (refused !== undefined) return err(refused);
    const posting = buildPosting(deps, {
      type: 'REVERSAL',
      lines,
      accounts: loaded.accounts,
      amountMinor: original.amountMinor,
      currency: original.currency,
      fromAccountId: original.toAccountId,
      toAccountId: original.fromAccountId,
      description: command.reason,
      reference: original.id,
      reversalOf: original.id,
      actor: context.actor,
      debitableStatuses: ['ACTIVE', 'FROZEN'],
    });
    return ok({
      ops: [
        ...posting.ops,
        { kind: 'markReversed', transactionId: original.id, reversedBy: posting.transaction.id },
      ],
      value: posting.transaction,
    });
  });
}

type Decide = (
  accounts: ReadonlyMap<string, Account>,
) => Result<PostingRequest, DomainError> | Promise<Result<PostingRequest, DomainError>>;

/**
 * Loads the accounts, the idempotency record and the paying customer in one round trip, decides,
 * and builds the write, with the customer's KYC limits enforced by the same transaction.
 */
async function postAgainst(
  deps: Deps,
  accountIds: readonly string[],
  context: CommandContext<TransactionRecord>,
  decide: Decide,
): Outcome {
  return postWith(deps, accountIds, context, async (accounts) => {
    // A loan's account moves only through the loan's own commands (shared/application/lending).
    const loanAccount = [...accounts.values()].find((account) => account.productType === 'LOAN');
    if (loanAccount !== undefined) {
      return err({
        code: 'LOAN_ACCOUNT_INVALID',
        accountId: loanAccount.id,
        reason: 'a loan account moves only through its loan',
      });
    }
    // A term deposit moves only at maturity or when broken (shared/application/products).
    const deposit = [...accounts.values()].find(
      (account) => account.productType === 'TERM_DEPOSIT',
    );
    if (deposit !== undefined) {
      const contract = await deps.ledger.getDocument('TERMDEPOSIT', deposit.id);
      const maturityDate = contract?.data.maturityDate;
      return err({
        code: 'TERM_DEPOSIT_LOCKED',
        accountId: deposit.id,
        maturityDate: typeof maturityDate === 'string' ? maturityDate : 'maturity',
      });
    }
    const decided = await decide(accounts);
    if (!decided.ok) return decided;
    // The product versions' minimum and maximum balances, on the balances decided from.
    const limits = await checkProductBalanceLimits(deps, decided.value.lines, accounts);
    if (!limits.ok) return limits;
    return ok({ request: decided.value, extraOps: () => [], value: (transaction) => transaction });
  });
}

/** A posting decided with writes of its own (a loan's new state) and the value they make. */
export interface ExtendedPosting<T> {
  readonly request: PostingRequest;
  /** Already screened (a reviewer approving a movement held for review): not scored again. */
  readonly screened?: true;
  readonly extraOps: (transaction: TransactionRecord) => readonly WriteOp[];
  readonly value: (transaction: TransactionRecord) => T;
}

/**
 * The posting machinery for other modules (loans): one ledger transaction with the module's own
 * writes in the same commit, the KYC limits of the customers whose deposit accounts it moves,
 * idempotency, per-account locks and retries; `decide` runs again on every attempt.
 */
export async function postWith<T>(
  deps: Deps,
  accountIds: readonly string[],
  context: CommandContext<T>,
  decide: (
    accounts: ReadonlyMap<string, Account>,
  ) => Promise<Result<ExtendedPosting<T>, DomainError>>,
): Promise<Result<CommandOutcome<T>, DomainError>> {
  let last: Loaded | undefined;
  let committed: PostingState | undefined;
  // Scored once per command, after validation and before posting; retries reuse the decision.
  let screened: Screened | undefined;
  let blocked: PostingRequest | undefined;
  /**
   * `planned`: the last plan came from state this container remembered (PostingCache), not from
   * a read. `queued`: the accounts had commands queued on them, so others write them too and the
   * state this posting leaves is not worth remembering.
   */
  const remembered = { planned: false, queued: false };
  /** Owners whose KYC standing moved since an attempt's plan: read with the accounts. */
  const ownersToRead = new Set<string>();
  const planFrom = async (loaded: Loaded): Promise<Plan<T>> => {
    const decided = await decide(loaded.accounts);
    if (!decided.ok) return decided;
    const { extraOps, value } = decided.value;
    const limits = await kycLimitOps(deps, decided.value.request, loaded.customers);
    if (!limits.ok) return limits;
    // The accounts carry the owners' standing as this plan judged it.
    const postingRequest = { ...decided.value.request, accounts: limits.value.accounts };
    // Customer-initiated movements are scored; loan bookings are the bank's own.
    const screening =
      decided.value.screened !== true && scoredTypes.has(postingRequest.type)
        ? (screened ??= await screenMovement(deps, postingRequest))
        : undefined;
    if (screening?.decision.action === 'BLOCK') {
      blocked = postingRequest;
      return err({ code: 'FRAUD_BLOCKED', reasons: screening.decision.reasons });
    }
    if (screening?.decision.action === 'REVIEW') {
      // Nothing is booked: the amount is held until a reviewer approves or rejects it. The KYC
      // volume counts when it is booked (the approval checks the limits again).
      const held = heldForReview(deps, screening, postingRequest);
      committed = afterPosting(loaded, held.ops);
      return ok({ ops: held.ops, value: value(held.transaction), after: committed });
    }
    const posting = buildPosting(deps, { ...postingRequest, ...screening?.posting });
    committed = afterPosting(loaded, posting.ops);
    return ok({
      ops: [...posting.ops, ...limits.value.ops, ...extraOps(posting.transaction)],
      value: value(posting.transaction),
      after: committed,
    });
  };
  const outcome = await runCommand(
    deps,
    { ...context, lockKeys: accountIds, queueOnAccounts: true },
    async (previous) => {
      if (previous !== undefined) {
        if (remembered.planned && previous.reason === 'stale') deps.postingCache.proved(false);
        // Queued on, or waited in a queue: others write these accounts too.
        if (previous.reason === 'stale' && previous.queued === true) remembered.queued = true;
        if (previous.reason === 'stale') {
          for (const owner of previous.staleOwners ?? []) ownersToRead.add(owner);
        }
        deps.postingCache.forget(accountIds);
      }
      const cached =
        previous === undefined
          ? deps.postingCache.read(accountIds, deps.retry.random())
          : undefined;
      remembered.planned = false;
      if (cached !== undefined) {
        // A plan from the state this container wrote last goes straight to the write, whose
        // conditions check it. A refusal is never believed from it: that needs a fresh read.
        const fromCache = await planFrom((last = cached));
        if (!('replay' in fromCache) && fromCache.ok) {
          remembered.planned = true;
          return ok({ ...fromCache.value, speculative: true });
        }
        deps.postingCache.forget(accountIds);
      }
      const loaded = (last =
        refreshed(last, previous, accountIds) ??
        (await deps.ledger.loadAccounts(accountIds, context.idempotency?.key, [...ownersToRead])));
      if (loaded.idempotency !== undefined) return { replay: loaded.idempotency };
      const planned = await planFrom(loaded);
      // The read was of these accounts only: any queue it found is on one of them.
      const { queuedOn } = loaded;
      if (queuedOn !== undefined) remembered.queued = true;
      return queuedOn !== undefined && !('replay' in planned) && planned.ok
        ? ok({ ...planned.value, queuedOn: [...queuedOn] })
        : planned;
    },
  );
  if (!outcome.ok && outcome.error.code === 'FRAUD_BLOCKED' && screened !== undefined) {
    if (blocked !== undefined) await recordBlocked(deps, screened, blocked);
  }
  // A replay: the request was booked before, maybe just now by a write whose answer was lost, so
  // what this container remembers of the accounts may predate it.
  if (outcome.ok && outcome.value.replayed) deps.postingCache.forget(accountIds);
  if (outcome.ok && !outcome.value.replayed && committed !== undefined) {
    if (remembered.planned) deps.postingCache.proved(true);
    if (remembered.queued) deps.postingCache.forget(accountIds);
    else deps.postingCache.remember(committed);
  }
  return outcome;
}

/** The movements Bastion scores: what a customer or teller initiates, never a reversal. */
const scoredTypes = new Set<string>(['DEPOSIT', 'WITHDRAWAL', 'TRANSFER', 'FX_TRANSFER']);

/** The accounts and owners as a posting's writes leave them. */
function afterPosting(loaded: Loaded, ops: readonly WriteOp[]): PostingState {
  const accounts = new Map(loaded.accounts);
  for (const op of ops) if (op.kind === 'updateAccount') accounts.set(op.after.id, op.after);
  return { accounts, customers: loaded.customers, idempotency: undefined };
}

type Loaded = Awaited<ReturnType<Deps['ledger']['loadAccounts']>>;

/**
 * After losing a race to a commit, the last read with the accounts DynamoDB returned as they now
 * are, or after waiting for its turns, the accounts as the turns found them: no read is needed to
 * plan again. (An idempotent duplicate that committed meanwhile still loses on its create-once
 * key, and a customer whose KYC changed on its version check.)
 */
function refreshed(
  last: Loaded | undefined,
  previous: CommitFailure | undefined,
  accountIds: readonly string[],
): Loaded | undefined {
  if (previous?.reason !== 'stale' || previous.current === undefined) return undefined;
  // An owner whose standing moved must be read: the accounts alone would plan from the old one.
  if (previous.current.length === 0 || (previous.staleOwners?.length ?? 0) > 0) return undefined;
  const accounts = new Map(last?.accounts);
  for (const account of previous.current) accounts.set(account.id, account);
  if (!accountIds.every((id) => accounts.has(id))) return undefined;
  return { accounts, customers: last?.customers ?? new Map(), idempotency: undefined };
}

/** USD → currency rates for converting KYC limits, remembered briefly (rates change rarely). */
const limitRates = new Map<string, { readonly rate: string | undefined; readonly atMs: number }>();
const LIMIT_RATE_TTL_MS = 60_000;

/** The standing a plan judges a customer by, and the version its transaction checks. */
function standingOf(customer: StoredCustomer): OwnerKyc {
  return {
    customerVersion: customer.version,
    kycStatus: customer.kycStatus,
    kycTier: customer.kycTier,
    kycExpiresAt: customer.kycExpiresAt,
  };
}

function sameOwnerKyc(a: OwnerKyc, b: OwnerKyc | undefined): boolean {
  return (
    b !== undefined &&
    a.customerVersion === b.customerVersion &&
    a.kycStatus === b.kycStatus &&
    a.kycTier === b.kycTier &&
    a.kycExpiresAt === b.kycExpiresAt
  );
}

interface KycPlan {
  readonly ops: WriteOp[];
  /** The request's accounts, each carrying its owner's standing as judged here. */
  readonly accounts: ReadonlyMap<string, Account>;
}

/**
 * KYC tier limits (kyc-limits.ts) of the customers on both sides: money a customer pays out and
 * money they receive both count towards their volume (a transfer between two accounts of one
 * customer counts once). A movement above a party's single limit is refused at once; the period
 * limits become conditional increments of each party's running totals in the posting's own
 * transaction, so concurrent postings can never pass them together, beside a check that the
 * customer's KYC standing is still the one judged by.
 *
 * The standing comes from the customer when it was read with the accounts (a retry after it
 * moved), otherwise from the account item (`ownerKyc`, written by the account's last posting), so
 * a posting reads nothing but its accounts; only an account that has none yet reads its owner.
 * A refusal is never believed from the account's copy: the customer is read and judged again.
 * Nor is a period total read: the conditional increment enforces it, and a total this runtime
 * has seen (a floor, posting-cache.ts) refuses a movement that cannot fit without a write.
 */
async function kycLimitOps(
  deps: Deps,
  request: PostingRequest,
  customers: ReadonlyMap<string, StoredCustomer>,
): Promise<Result<KycPlan, DomainError>> {
  const parties = new Map<string, Account>();
  for (const accountId of [request.fromAccountId, request.toAccountId]) {
    const account = accountId === undefined ? undefined : request.accounts.get(accountId);
    // A loan's own account is the bank's asset, not a customer's deposit: no KYC volume.
    if (account === undefined || account.productType === 'LOAN' || parties.has(account.customerId))
      continue;
    parties.set(account.customerId, account);
  }
  const at = deps.clock.now();
  const now = at.toISOString();
  const ops: WriteOp[] = [];
  let accounts = request.accounts;
  for (const [customerId, account] of parties) {
    // What this party moves, in its account's currency (an FX transfer credits the converted sum).
    const moved = request.lines.find(
      (line) => line.account.kind === 'customer' && line.account.accountId === account.id,
    );
    if (moved === undefined) continue;
    const amount = Money.fromMinor(moved.amountMinor, moved.currency);
    const rate = await usdRateTo(deps, amount.currency, at.getTime());
    const judge = (owner: OwnerKyc | undefined) =>
      kycCheckFor(
        customerId,
        owner === undefined ? 0 : effectiveKycTier(owner, now),
        amount,
        now.slice(0, 10),
        rate,
        (period, periodKey) => {
          const seen = deps.postingCache.kycTotal(customerId, amount.currency, period, periodKey);
          return seen === undefined ? undefined : Money.fromMinor(seen, amount.currency);
        },
      );
    const known = customers.get(customerId);
    let owner = known === undefined ? account.ownerKyc : standingOf(known);
    let decided = judge(owner);
    if (known === undefined && (owner === undefined || !decided.ok)) {
      const read = await deps.ledger.getCustomer(customerId);
      owner = read === undefined ? undefined : standingOf(read);
      decided = judge(owner);
    }
    if (!decided.ok) return err(decided.error);
    if (owner !== undefined) {
      ops.push({ kind: 'checkCustomer', customerId, version: owner.customerVersion });
      accounts = withOwnerKyc(accounts, customerId, owner);
    }
    for (const period of decided.check.periods) {
      ops.push({
        kind: 'addKycVolume',
        customerId,
        currency: amount.currency,
        period: period.period,
        periodKey: period.periodKey,
        amountMinor: amount.toMinor(),
        limitMinor: period.limit.toMinor(),
        tier: decided.check.tier,
      });
    }
  }
  return ok({ ops, accounts });
}

/** The accounts with `owner` as the standing of every account `customerId` holds among them. */
function withOwnerKyc(
  accounts: ReadonlyMap<string, Account>,
  customerId: string,
  owner: OwnerKyc,
): ReadonlyMap<string, Account> {
  const stale = [...accounts.values()].filter(
    (account) =>
      account.customerId === customerId &&
      account.productType !== 'LOAN' &&
      !sameOwnerKyc(owner, account.ownerKyc),
  );
  if (stale.length === 0) return accounts;
  const updated = new Map(accounts);
  for (const account of stale) updated.set(account.id, { ...account, ownerKyc: owner });
  return updated;
}

async function usdRateTo(
  deps: Deps,
  currency: CurrencyCode,
  nowMs: number,
): Promise<string | undefined> {
  if (currency === KYC_LIMIT_CURRENCY) return undefined;
  const cached = limitRates.get(currency);
  if (cached !== undefined && nowMs - cached.atMs < LIMIT_RATE_TTL_MS) return cached.rate;
  const stored = await deps.ledger.getFxRate(KYC_LIMIT_CURRENCY, currency);
  const rate =
    stored === undefined
      ? undefined
      : stored.base === KYC_LIMIT_CURRENCY
        ? stored.rate
        : new BankDecimal(1).dividedBy(new BankDecimal(stored.rate)).toString();
  limitRates.set(currency, { rate, atMs: nowMs });
  return rate;
}

/**
 * Holds past their expiry still count against available funds until released. Rather than pay
 * a holds query on every posting, a debit refused for funds releases the account's expired
 * holds and tries once more.
 */
async function withExpiredHoldsReleased(
  deps: Deps,
  debitedAccountIds: readonly string[],
  actor: string,
  attempt: () => Outcome,
): Outcome {
  const first = await attempt();
  if (first.ok || first.error.code !== 'INSUFFICIENT_FUNDS') return first;
  let released = 0;
  for (const accountId of debitedAccountIds) released += await expireHolds(deps, accountId, actor);
  return released > 0 ? attempt() : first;
}

function bothAccounts(
  accounts: ReadonlyMap<string, Account>,
  fromId: string,
  toId: string,
): Result<[Account, Account], DomainError> {
  if (fromId === toId) return err({ code: 'ACCOUNTS_MUST_BE_DIFFERENT' });
  const from = accounts.get(fromId);
  if (from === undefined) return err({ code: 'ACCOUNT_NOT_FOUND', accountId: fromId });
  const to = accounts.get(toId);
  if (to === undefined) return err({ code: 'ACCOUNT_NOT_FOUND', accountId: toId });
  return ok([from, to]);
}

function request(
  command: { amount: Money } & MoneyMovementDetails,
  type: PostingRequest['type'],
  lines: readonly JournalLine[],
  accounts: ReadonlyMap<string, Account>,
  actor: string,
  extra: Pick<PostingRequest, 'fromAccountId' | 'toAccountId' | 'fx' | 'fee'>,
): PostingRequest {
  return {
    type,
    lines,
    accounts,
    amountMinor: command.amount.toMinor(),
    currency: command.amount.currency,
    description: command.description,
    reference: command.reference,
    channel: command.channel,
    valueDate: command.valueDate,
    actor,
    ...extra,
  };
}
