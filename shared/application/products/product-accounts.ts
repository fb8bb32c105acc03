import type { BusinessDate } from '../../domain/interest/business-date';
import {
  termDepositInterest,
  termDepositMaturity,
  type TermDepositTerms,
} from '../../domain/interest/term-deposit';
import { effectiveRate } from '../../domain/interest/tiers';
import { effectiveKycTier } from '../../domain/kyc-limits';
import type { Account } from '../../domain/ledger/account';
import { glRoles } from '../../domain/ledger/chart-of-accounts';
import { decideTransfer } from '../../domain/ledger/posting-rules';
import type { DomainError } from '../../domain/errors';
import { Money, type CurrencyCode } from '../../domain/money';
import type { ProductDefinition } from '../../domain/products/product';
import { err, ok, type Result } from '../../domain/result';
import { appendToChain, GENESIS, openAccountChain } from '../audit/audit-chain';
import { currentBusinessDate } from '../interest/business-date';
import { interestOpeningOps, type AccountInterestTerms } from '../interest/account-interest';
import { segmentOf } from '../interest/deposit-interest';
import type { CommandContext } from '../ledger/accounts';
import { postWith, type PostingDeps } from '../ledger/move-money';
import type { WriteOp } from '../ledger/records';
import { runCommand, storedReplay, type CommandOutcome } from '../ledger/run-command';
import type { Dependencies } from '../ports';
import { definitionOf, interestRateOf } from './product-records';
import { getProduct } from './products';
import {
  termDepositChainOf,
  termDepositDocument,
  termsOf,
  type MaturityInstruction,
  type TermDeposit,
} from './term-deposit-records';

type Deps = PostingDeps & Pick<Dependencies, 'interest'>;

export interface OpenProductAccountCommand {
  readonly customerId: string;
  readonly productId: string;
  /** Opened through the `productType` shortcut: the default product, in any currency. */
  readonly viaShortcut: boolean;
  /** The `productType` the request named beside its productId, checked against the product. */
  readonly expectedType?: string | undefined;
  readonly currency: CurrencyCode;
  readonly name: string | undefined;
  readonly overdraftLimit: Money | undefined;
  /** Legacy `interestRate` of the shortcut: terms of the account's own instead of the product's. */
  readonly interestOverride?: AccountInterestTerms | undefined;
  /** An opening amount moved from another account of the customer (required for TERM_DEPOSIT). */
  readonly funding?: { readonly amount: Money; readonly fromAccountId: string } | undefined;
  readonly termMonths?: number | undefined;
  /** TERM_DEPOSIT: what happens at maturity (the product's default instruction otherwise). */
  readonly maturity?:
    | {
        readonly type: 'PAYOUT' | 'ROLLOVER';
        readonly includeInterest?: boolean | undefined;
        readonly accountId?: string | undefined;
      }
    | undefined;
}

const accountTypes = new Set(['SAVINGS', 'CHECKING', 'TERM_DEPOSIT']);

/** The rate a term deposit earns: the product's, or the tier its principal reaches. */
function termDepositRate(definition: ProductDefinition, principal: Money): string {
  const rate = interestRateOf(definition);
  if (rate === undefined) return '0';
  return effectiveRate(principal, rate).toDecimalPlaces(10).toString();
}

/** The dates an event falls on: each PERIODIC payout's period end, then the maturity. */
export function eventDates(terms: TermDepositTerms): BusinessDate[] {
  return termDepositInterest(terms).periods.map((period) => period.end);
}

interface Prepared {
  readonly definition: ProductDefinition;
  readonly productVersion: number;
  readonly overdraftMinor: bigint;
}

/** The product rules an opening must meet: status, type, currency, KYC tier, limits. */
async function prepare(
  deps: Deps,
  command: OpenProductAccountCommand,
): Promise<Result<Prepared, DomainError>> {
  const found = await getProduct(deps, command.productId);
  if (!found.ok) return found;
  const { head, version } = found.value;
  if (head.status !== 'ACTIVE') {
    return err({ code: 'PRODUCT_NOT_ACTIVE', productId: head.id, status: head.status });
  }
  const definition = definitionOf(version.definition);
  const { limits } = definition;
  const { customers } = await deps.ledger.loadAccounts([], undefined, [command.customerId]);
  const customer = customers.get(command.customerId);
  if (customer === undefined || customer.status === 'ERASED') {
    return err({ code: 'CUSTOMER_NOT_FOUND', customerId: command.customerId });
  }
  const reasons: string[] = [];
  if (!accountTypes.has(definition.type)) reasons.push('NOT_AN_ACCOUNT_PRODUCT');
  if (command.expectedType !== undefined && command.expectedType !== definition.type)
    reasons.push('PRODUCT_TYPE_MISMATCH');
  if (!command.viaShortcut && command.currency !== definition.currency) reasons.push('CURRENCY');
  const tier = effectiveKycTier(customer, deps.clock.now().toISOString());
  if (tier < definition.minimumKycTier) reasons.push('KYC_TIER_TOO_LOW');
  const sameCurrency = (money: Money | undefined) =>
    money !== undefined && money.currency === command.currency ? money : undefined;
  const productOverdraft = sameCurrency(limits.overdraftLimit);
  if (command.overdraftLimit !== undefined && command.overdraftLimit.isPositive()) {
    if (definition.type === 'TERM_DEPOSIT') reasons.push('NO_OVERDRAFT_ON_TERM_DEPOSITS');
    else if (productOverdraft !== undefined && command.overdraftLimit.compare(productOverdraft) > 0)
      reasons.push('OVERDRAFT_ABOVE_PRODUCT_LIMIT');
  }
  const amount = command.funding?.amount;
  const minOpening = sameCurrency(limits.minOpeningBalance);
  if (minOpening !== undefined && minOpening.isPositive()) {
    if (amount === undefined || amount.compare(minOpening) < 0)
      reasons.push('OPENING_BALANCE_BELOW_MINIMUM');
  }
  const maxBalance = sameCurrency(limits.maxBalance);
  if (amount !== undefined && maxBalance !== undefined && amount.compare(maxBalance) > 0) {
    reasons.push('OPENING_BALANCE_ABOVE_MAXIMUM');
  }
  if (definition.type === 'TERM_DEPOSIT') {
    if (amount === undefined) reasons.push('AMOUNT_REQUIRED');
    const minAmount = sameCurrency(limits.minAmount);
    const maxAmount = sameCurrency(limits.maxAmount);
    if (amount !== undefined && minAmount !== undefined && amount.compare(minAmount) < 0)
      reasons.push('AMOUNT_BELOW_MINIMUM');
    if (amount !== undefined && maxAmount !== undefined && amount.compare(maxAmount) > 0)
      reasons.push('AMOUNT_ABOVE_MAXIMUM');
    const term = command.termMonths;
    if (term === undefined) reasons.push('TERM_REQUIRED');
    else {
      if (limits.minTermMonths !== undefined && term < limits.minTermMonths)
        reasons.push('TERM_BELOW_MINIMUM');
      if (limits.maxTermMonths !== undefined && term > limits.maxTermMonths)
        reasons.push('TERM_ABOVE_MAXIMUM');
    }
  } else if (command.termMonths !== undefined || command.maturity !== undefined) {
    reasons.push('TERM_ONLY_FOR_TERM_DEPOSITS');
  }
  if (reasons.length > 0) return err({ code: 'PRODUCT_NOT_ELIGIBLE', productId: head.id, reasons });
  const overdraft =
    definition.type === 'TERM_DEPOSIT' ? undefined : (command.overdraftLimit ?? productOverdraft);
  return ok({
    definition,
    productVersion: version.version,
    overdraftMinor: overdraft?.toMinor() ?? 0n,
  });
}

/**
 * Opens an account on a product version: the version is kept on the account for life, its
 * interest terms become the account's accrual state (the end of day reads the version's rates),
 * and an opening amount moves from another account of the customer in the same transaction as the
 * account is created (a funded opening: the account's first write is that posting). A TERM_DEPOSIT
 * also writes its contract (rate, dates, maturity instruction) for the end of day to act on.
 */
export async function openProductAccount(
  deps: Deps,
  command: OpenProductAccountCommand,
  context: CommandContext<Account>,
): Promise<Result<CommandOutcome<Account>, DomainError>> {
  const plan = async (): Promise<
    Result<{ ops: WriteOp[]; account: Account; deposit?: TermDeposit }, DomainError>
  > => {
    const prepared = await prepare(deps, command);
    if (!prepared.ok) return prepared;
    const { definition, productVersion } = prepared.value;
    const now = deps.clock.now().toISOString();
    const id = deps.ids.next();
    const chainId = `ACCOUNT#${id}`;
    const audited = openAccountChain(id, {
      at: now,
      actor: context.actor,
      data: {
        customerId: command.customerId,
        productType: definition.type,
        productId: command.productId,
        productVersion: String(productVersion),
        currency: command.currency,
        overdraftLimitMinor: prepared.value.overdraftMinor.toString(),
      },
    });
    const productType = definition.type as Account['productType'];
    const account: Account = {
      id,
      customerId: command.customerId,
      productType,
      productId: command.productId,
      productVersion,
      currency: command.currency,
      name: command.name ?? `${definition.name} ${command.currency}`,
      status: 'ACTIVE',
      balanceMinor: 0n,
      holdsMinor: 0n,
      overdraftLimitMinor: prepared.value.overdraftMinor,
      controlAccount: glRoles.customerDepositsControl,
      version: 1,
      audit: audited.head,
      createdAt: now,
      updatedAt: now,
    };
    const interest = accountInterestTerms(definition, command);
    const ops: WriteOp[] = [
      { kind: 'registerChain', chainId, entityType: 'ACCOUNT', entityId: id },
      { kind: 'appendAudit', record: audited.record },
      {
        kind: 'putEvent',
        event: {
          id: deps.ids.next(),
          type: 'nexum.account.opened',
          aggregateType: 'account',
          aggregateId: id,
          sequence: 1,
          occurredAt: now,
          data: {
            accountId: id,
            customerId: command.customerId,
            productType,
            currency: command.currency,
            status: 'ACTIVE',
            productId: command.productId,
            productVersion,
          },
        },
      },
      ...(interest === undefined
        ? []
        : interestOpeningOps(account, interest, context.actor, now, {
            productId: command.productId,
            productVersion,
          })),
    ];
    if (definition.type !== 'TERM_DEPOSIT') return ok({ ops, account });
    const amount = command.funding?.amount as Money;
    const start = (await currentBusinessDate(deps)).date;
    const termMonths = command.termMonths as number;
    const settings = definition.termDeposit;
    if (settings === undefined) throw new Error('A TERM_DEPOSIT product without its settings');
    const fallbackAccount = command.maturity?.accountId ?? command.funding?.fromAccountId ?? '';
    const type = command.maturity?.type ?? settings.maturityInstruction;
    const instruction: MaturityInstruction =
      type === 'PAYOUT'
        ? { type: 'PAYOUT', accountId: fallbackAccount }
        : {
            type: 'ROLLOVER',
            includeInterest: command.maturity?.includeInterest ?? true,
            accountId: fallbackAccount,
          };
    const depositChain = termDepositChainOf(id);
    const depositAudit = appendToChain(GENESIS, {
      chainId: depositChain,
      at: now,
      entityType: 'TERM_DEPOSIT',
      entityId: id,
      action: 'TERM_DEPOSIT_OPENED',
      actor: context.actor,
      data: {
        principal: amount.toString(),
        currency: amount.currency,
        termMonths: String(termMonths),
        startDate: start,
        instruction: instruction.type,
      },
    });
    const base = {
      accountId: id,
      customerId: command.customerId,
      productId: command.productId,
      productVersion,
      principal: amount,
      rate: termDepositRate(definition, amount),
      dayCount: definition.interest?.dayCount ?? 'ACTUAL_365',
      compounding: settings.compounding,
      payout: settings.interestPayout ?? 'AT_MATURITY',
      rounding: definition.interest?.rounding ?? 'HALF_EVEN',
      penalty: settings.earlyWithdrawalPenalty,
      termMonths,
      startDate: start,
      maturityDate: termDepositMaturity(start, termMonths),
      instruction,
    } as const;
    const opening: TermDeposit = {
      ...base,
      status: 'ACTIVE',
      nextEventDate: undefined,
      periodsPaid: 0,
      accrued: Money.zero(amount.currency),
      accruedThrough: undefined,
      term: 1,
      segment: segmentOf(id),
      version: 1,
      audit: depositAudit.head,
      createdAt: now,
      updatedAt: now,
    };
    const deposit: TermDeposit = { ...opening, nextEventDate: eventDates(termsOf(opening))[0] };
    ops.push(
      { kind: 'putDocument', document: termDepositDocument(deposit) },
      {
        kind: 'registerChain',
        chainId: depositChain,
        entityType: 'TERM_DEPOSIT',
        entityId: id,
      },
      { kind: 'appendAudit', record: depositAudit.record },
    );
    return ok({ ops, account, deposit });
  };

  if (command.funding === undefined) {
    return runCommand(deps, context, async () => {
      const replay = await storedReplay(deps, context.idempotency);
      if (replay !== undefined) return replay;
      const planned = await plan();
      if (!planned.ok) return planned;
      return ok({
        ops: [{ kind: 'createAccount', account: planned.value.account }, ...planned.value.ops],
        value: planned.value.account,
      });
    });
  }
  const funding = command.funding;
  const maturityAccount = command.maturity?.accountId;
  const accountIds =
    maturityAccount === undefined || maturityAccount === funding.fromAccountId
      ? [funding.fromAccountId]
      : [funding.fromAccountId, maturityAccount];
  return postWith(deps, accountIds, context, async (accounts) => {
    const from = accounts.get(funding.fromAccountId);
    if (from === undefined) {
      return err({ code: 'ACCOUNT_NOT_FOUND', accountId: funding.fromAccountId });
    }
    for (const linked of accountIds) {
      const other = accounts.get(linked);
      if (other === undefined) return err({ code: 'ACCOUNT_NOT_FOUND', accountId: linked });
      const reason =
        other.customerId !== command.customerId
          ? 'LINKED_ACCOUNT_OF_ANOTHER_CUSTOMER'
          : other.productType === 'LOAN' || other.productType === 'TERM_DEPOSIT'
            ? 'LINKED_ACCOUNT_NOT_A_DEPOSIT_ACCOUNT'
            : other.currency !== command.currency
              ? 'LINKED_ACCOUNT_CURRENCY'
              : undefined;
      if (reason !== undefined) {
        return err({
          code: 'PRODUCT_NOT_ELIGIBLE',
          productId: command.productId,
          reasons: [reason],
        });
      }
    }
    const planned = await plan();
    if (!planned.ok) return planned;
    // The new account enters the posting at version 0: its first write (the credit) creates it.
    const opened: Account = { ...planned.value.account, version: 0 };
    const lines = decideTransfer(from, opened, funding.amount);
    if (!lines.ok) return lines;
    const isDeposit = planned.value.deposit !== undefined;
    return ok({
      request: {
        type: isDeposit ? 'TERM_DEPOSIT_OPENING' : 'TRANSFER',
        lines: lines.value,
        accounts: new Map([
          [from.id, from],
          [opened.id, opened],
        ]),
        amountMinor: funding.amount.toMinor(),
        currency: funding.amount.currency,
        fromAccountId: from.id,
        toAccountId: opened.id,
        description: isDeposit ? 'Term deposit opening' : 'Opening balance',
        actor: context.actor,
      },
      extraOps: () => planned.value.ops,
      value: () => ({
        ...planned.value.account,
        balanceMinor: funding.amount.toMinor(),
        version: 1,
      }),
    });
  });
}

/**
 * The interest terms an account accrues on: the product version's (its rates are read from the
 * version by the end of day; rate, day count and posting frequency are copied for the index), or
 * the legacy per-account rate of the shortcut. Accounts with a MONTHLY_MAINTENANCE fee join the
 * interest index too (at a zero rate when the product pays none), so the end of day visits them.
 */
function accountInterestTerms(
  definition: ProductDefinition,
  command: OpenProductAccountCommand,
): AccountInterestTerms | undefined {
  if (definition.type === 'TERM_DEPOSIT') return undefined;
  if (command.interestOverride !== undefined) return command.interestOverride;
  const { interest } = definition;
  const maintenance = definition.fees.some((fee) => fee.trigger === 'MONTHLY_MAINTENANCE');
  if (interest === undefined && !maintenance) return undefined;
  return {
    rate: interest?.rate.toString() ?? '0',
    dayCount: interest?.dayCount ?? 'ACTUAL_365',
    postingFrequency: interest?.postingFrequency ?? 'MONTHLY',
  };
}
