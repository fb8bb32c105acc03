import type { Account, AccountProductType } from '../../domain/ledger/account';
import { availableMinor } from '../../domain/ledger/account';
import { glRoles } from '../../domain/ledger/chart-of-accounts';
import type { DomainError } from '../../domain/errors';
import type { CurrencyCode, Money } from '../../domain/money';
import { err, ok, type Result } from '../../domain/result';
import { appendToAccountChain, openAccountChain } from '../audit/audit-chain';
import type { Dependencies } from '../ports';
import type { Hold, WriteOp } from './records';
import { interestOpeningOps, type AccountInterestTerms } from '../interest/account-interest';
import {
  runCommand,
  storedReplay,
  type CommandOutcome,
  type IdempotencyRequest,
  type Plan,
  type StoredResponse,
} from './run-command';

type Deps = Pick<
  Dependencies,
  'ledger' | 'retry' | 'clock' | 'ids' | 'logger' | 'locks' | 'customers'
>;

export interface CommandContext<T> {
  readonly actor: string;
  readonly idempotency: IdempotencyRequest | undefined;
  readonly render: (value: T) => StoredResponse;
  /** Epoch ms by which the caller needs an answer (the Lambda invocation's deadline). */
  readonly deadlineAt?: number | undefined;
}

export interface OpenAccountCommand {
  readonly customerId: string;
  readonly productType: AccountProductType;
  readonly currency: CurrencyCode;
  readonly name: string | undefined;
  readonly overdraftLimit: Money | undefined;
  /** Interest terms (until products are wired): accrued daily by the end-of-day batch. */
  readonly interest?: AccountInterestTerms | undefined;
}

/** Opens a customer account at zero, its audit chain started and registered, in one write. */
export async function openAccount(
  deps: Deps,
  command: OpenAccountCommand,
  context: CommandContext<Account>,
): Promise<Result<CommandOutcome<Account>, DomainError>> {
  if (
    command.overdraftLimit !== undefined &&
    command.overdraftLimit.currency !== command.currency
  ) {
    return err({
      code: 'CURRENCY_MISMATCH',
      expected: command.currency,
      received: command.overdraftLimit.currency,
    });
  }
  return runCommand(deps, context, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    if (!(await deps.customers.exists(command.customerId))) {
      return err({ code: 'CUSTOMER_NOT_FOUND', customerId: command.customerId });
    }
    const now = deps.clock.now().toISOString();
    const id = deps.ids.next();
    const chainId = `ACCOUNT#${id}`;
    const audited = openAccountChain(id, {
      at: now,
      actor: context.actor,
      data: {
        customerId: command.customerId,
        productType: command.productType,
        currency: command.currency,
        overdraftLimitMinor: (command.overdraftLimit?.toMinor() ?? 0n).toString(),
      },
    });
    const account: Account = {
      id,
      customerId: command.customerId,
      productType: command.productType,
      currency: command.currency,
      name: command.name ?? `${command.productType} ${command.currency}`,
      status: 'ACTIVE',
      balanceMinor: 0n,
      holdsMinor: 0n,
      overdraftLimitMinor: command.overdraftLimit?.toMinor() ?? 0n,
      controlAccount: glRoles.customerDepositsControl,
      version: 1,
      audit: audited.head,
      createdAt: now,
      updatedAt: now,
    };
    const ops: WriteOp[] = [
      { kind: 'createAccount', account },
      { kind: 'registerChain', chainId, entityType: 'ACCOUNT', entityId: id },
      { kind: 'appendAudit', record: audited.record },
      accountEvent(deps, account, 'nexum.account.opened', now),
      ...(command.interest === undefined
        ? []
        : interestOpeningOps(account, command.interest, context.actor, now)),
    ];
    return ok({ ops, value: account });
  });
}

/**
 * A command on one account: it takes turns on the account (run-command.ts), reads it with the
 * idempotency record, replays a stored response, refuses an unknown account, and otherwise plans
 * from the account as read.
 */
function runOnAccount<T>(
  deps: Deps,
  accountId: string,
  context: CommandContext<T>,
  planFor: (account: Account) => Promise<Plan<T>>,
): Promise<Result<CommandOutcome<T>, DomainError>> {
  return runCommand(
    deps,
    { ...context, lockKeys: [accountId], queueOnAccounts: true },
    async () => {
      const loaded = await deps.ledger.loadAccounts([accountId], context.idempotency?.key);
      if (loaded.idempotency !== undefined) return { replay: loaded.idempotency };
      const account = loaded.accounts.get(accountId);
      if (account === undefined) return err({ code: 'ACCOUNT_NOT_FOUND', accountId });
      return planFor(account);
    },
  );
}

export type StatusAction = 'freeze' | 'unfreeze' | 'close';

/**
 * Freeze (no debits), unfreeze, or close (only at zero balance without active holds). The change
 * is conditional on the version read, so it cannot cross a concurrent posting.
 */
export async function changeAccountStatus(
  deps: Deps,
  accountId: string,
  action: StatusAction,
  reason: string | undefined,
  context: CommandContext<Account>,
): Promise<Result<CommandOutcome<Account>, DomainError>> {
  return runOnAccount(deps, accountId, context, async (account) => {
    const refused = statusRefusal(account, action);
    if (refused !== undefined) return err(refused);
    const status = action === 'freeze' ? 'FROZEN' : action === 'unfreeze' ? 'ACTIVE' : 'CLOSED';
    const now = deps.clock.now().toISOString();
    const audited = appendToAccountChain(account, {
      at: now,
      action: `ACCOUNT_${status === 'ACTIVE' ? 'UNFROZEN' : status}`,
      actor: context.actor,
      data: { from: account.status, to: status, ...(reason === undefined ? {} : { reason }) },
    });
    const after: Account = {
      ...account,
      status,
      version: account.version + 1,
      audit: audited.head,
      updatedAt: now,
    };
    const eventType = {
      freeze: 'nexum.account.frozen',
      unfreeze: 'nexum.account.unfrozen',
      close: 'nexum.account.closed',
    }[action];
    return ok({
      ops: [
        { kind: 'updateAccount', before: account, after },
        { kind: 'appendAudit', record: audited.record },
        accountEvent(deps, after, eventType, now),
      ],
      value: after,
    });
  });
}

function statusRefusal(account: Account, action: StatusAction): DomainError | undefined {
  if (account.status === 'CLOSED') return { code: 'ACCOUNT_CLOSED', accountId: account.id };
  switch (action) {
    case 'freeze':
      return account.status === 'FROZEN'
        ? { code: 'CONFLICT', detail: `Account ${account.id} is already frozen` }
        : undefined;
    case 'unfreeze':
      return account.status === 'FROZEN'
        ? undefined
        : { code: 'ACCOUNT_NOT_FROZEN', accountId: account.id };
    case 'close':
      if (account.holdsMinor !== 0n)
        return { code: 'ACCOUNT_HAS_ACTIVE_HOLDS', accountId: account.id };
      return account.balanceMinor === 0n
        ? undefined
        : { code: 'ACCOUNT_BALANCE_NOT_ZERO', accountId: account.id };
  }
}

export interface PlaceHoldCommand {
  readonly accountId: string;
  readonly amount: Money;
  readonly reason: string;
  readonly expiresAt: string | undefined;
}

/** Reserves funds: the hold and the account's reduced availability are written together. */
export async function placeHold(
  deps: Deps,
  command: PlaceHoldCommand,
  context: CommandContext<Hold>,
): Promise<Result<CommandOutcome<Hold>, DomainError>> {
  return runOnAccount(deps, command.accountId, context, async (account) => {
    if (command.amount.currency !== account.currency) {
      return err({
        code: 'CURRENCY_MISMATCH',
        expected: account.currency,
        received: command.amount.currency,
      });
    }
    if (account.status === 'CLOSED') return err({ code: 'ACCOUNT_CLOSED', accountId: account.id });
    if (account.status === 'FROZEN') return err({ code: 'ACCOUNT_FROZEN', accountId: account.id });
    const amountMinor = command.amount.toMinor();
    if (availableMinor(account) < amountMinor)
      return err({ code: 'INSUFFICIENT_FUNDS', accountId: account.id });
    const now = deps.clock.now().toISOString();
    const hold: Hold = {
      id: deps.ids.next(),
      accountId: account.id,
      amountMinor,
      currency: account.currency,
      reason: command.reason,
      status: 'ACTIVE',
      expiresAt: command.expiresAt,
      createdAt: now,
      releasedAt: undefined,
    };
    return ok({ ops: placeHoldOps(account, hold, context.actor, now), value: hold });
  });
}

/**
 * Releases a hold (or marks it expired): the account's availability is restored in the same
 * write, conditional on the hold still being active so it is released at most once.
 */
export async function releaseHold(
  deps: Deps,
  accountId: string,
  holdId: string,
  outcome: 'RELEASED' | 'EXPIRED',
  context: CommandContext<Hold>,
): Promise<Result<CommandOutcome<Hold>, DomainError>> {
  return runOnAccount(deps, accountId, context, async (account) => {
    const hold = await deps.ledger.getHold(accountId, holdId);
    if (hold === undefined) return err({ code: 'HOLD_NOT_FOUND', holdId });
    if (hold.status !== 'ACTIVE') return err({ code: 'HOLD_NOT_ACTIVE', holdId });
    const now = deps.clock.now().toISOString();
    const released: Hold = { ...hold, status: outcome, releasedAt: now };
    const action = outcome === 'RELEASED' ? 'HOLD_RELEASED' : 'HOLD_EXPIRED';
    const { audited, after } = withHoldChange(
      account,
      hold,
      -hold.amountMinor,
      action,
      context.actor,
      now,
    );
    return ok({
      ops: [
        {
          kind: 'updateAccount',
          before: account,
          after,
          allowedStatuses: ['ACTIVE', 'FROZEN', 'CLOSED'],
        },
        { kind: 'updateHold', before: hold, after: released },
        { kind: 'appendAudit', record: audited.record },
      ],
      value: released,
    });
  });
}

/** The account with its held total moved by `deltaMinor`, and the audit record saying why. */
export function withHoldChange(
  account: Account,
  hold: Hold,
  deltaMinor: bigint,
  action: string,
  actor: string,
  now: string,
  auditData: Readonly<Record<string, string>> = {},
) {
  const audited = appendToAccountChain(account, {
    at: now,
    action,
    actor,
    data: {
      holdId: hold.id,
      amountMinor: hold.amountMinor.toString(),
      currency: hold.currency,
      ...auditData,
    },
  });
  const after: Account = {
    ...account,
    holdsMinor: account.holdsMinor + deltaMinor,
    version: account.version + 1,
    audit: audited.head,
    updatedAt: now,
  };
  return { audited, after };
}

/**
 * The writes that place `hold` on an ACTIVE account: its holds go up by the amount (the write
 * re-checks the available funds), the hold is created and the account's chain records it.
 */
export function placeHoldOps(
  account: Account,
  hold: Hold,
  actor: string,
  now: string,
  auditData: Readonly<Record<string, string>> = {},
): WriteOp[] {
  const { audited, after } = withHoldChange(
    account,
    hold,
    hold.amountMinor,
    'HOLD_PLACED',
    actor,
    now,
    auditData,
  );
  return [
    {
      kind: 'updateAccount',
      before: account,
      after,
      requireAvailableMinor: hold.amountMinor,
      allowedStatuses: ['ACTIVE'],
    },
    { kind: 'putHold', hold },
    { kind: 'appendAudit', record: audited.record },
  ];
}

/** Releases every active hold of the account whose expiry has passed; returns how many. */
export async function expireHolds(deps: Deps, accountId: string, actor: string): Promise<number> {
  const now = deps.clock.now().toISOString();
  const due = (await deps.ledger.listHolds(accountId)).filter(
    (hold) => hold.status === 'ACTIVE' && hold.expiresAt !== undefined && hold.expiresAt <= now,
  );
  let expired = 0;
  for (const hold of due) {
    const result = await releaseHold(deps, accountId, hold.id, 'EXPIRED', {
      actor,
      idempotency: undefined,
      render: () => ({ status: 200, body: '', headers: {} }),
    });
    if (result.ok) expired += 1;
  }
  return expired;
}

function accountEvent(
  deps: Pick<Dependencies, 'ids'>,
  account: Account,
  type: string,
  now: string,
): WriteOp {
  return {
    kind: 'putEvent',
    event: {
      id: deps.ids.next(),
      type,
      aggregateType: 'account',
      aggregateId: account.id,
      sequence: account.version,
      occurredAt: now,
      data: {
        accountId: account.id,
        customerId: account.customerId,
        productType: account.productType,
        currency: account.currency,
        status: account.status,
      },
    },
  };
}
