import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  anAccount,
  aVerifiedCustomer,
  createTestApi,
  type ApiResponse,
  type TestApi,
} from '../../../support/api-client';

/*
 * Model-based test: random sequences of money movements, holds, reversals and status changes
 * run through the real handlers on DynamoDB Local and, side by side, through a model that is
 * nothing but integer cents. Every answer must be the one the model predicts, and after each
 * sequence the ledger's own books (balances, history, trial balance, audit chains) must agree.
 */

type WireMoney = { amount: string; currency: string };
type WireAccount = {
  id: string;
  status: string;
  balance: WireMoney;
  availableBalance: WireMoney;
  holdsTotal: WireMoney;
  overdraftLimit: WireMoney;
};
type HistoryLine = {
  side: 'DEBIT' | 'CREDIT';
  amount: WireMoney;
  balanceAfter: WireMoney;
  transactionId: string;
};
type Problem = { code?: string };

/** Integer cents from a USD decimal string ("-12.30" → -1230n). */
function cents(text: string): bigint {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(text);
  if (match === null) throw new Error(`Not a USD amount: ${text}`);
  const value = BigInt(match[2] ?? '0') * 100n + BigInt(match[3] ?? '0');
  return match[1] === '-' ? -value : value;
}

/** The USD decimal string of integer cents (1230n → "12.30"). */
function usd(minor: bigint): string {
  const magnitude = minor < 0n ? -minor : minor;
  return `${minor < 0n ? '-' : ''}${magnitude / 100n}.${String(magnitude % 100n).padStart(2, '0')}`;
}

interface ModelAccount {
  readonly id: string;
  balance: bigint;
  holds: bigint;
  readonly overdraft: bigint;
  status: 'ACTIVE' | 'FROZEN';
}

interface ModelHold {
  readonly id: string;
  readonly account: number;
  readonly amount: bigint;
  active: boolean;
}

interface ModelTransaction {
  readonly id: string;
  readonly type: 'DEPOSIT' | 'WITHDRAWAL' | 'TRANSFER' | 'REVERSAL';
  /** Indexes of the debited and credited customer accounts, when customer accounts. */
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly amount: bigint;
  reversed: boolean;
}

interface Model {
  readonly accounts: ModelAccount[];
  readonly holds: ModelHold[];
  readonly transactions: ModelTransaction[];
}

interface Real {
  readonly api: TestApi;
}

/** What the model expects an operation to answer. */
type Expected = { status: number; code?: string };

const available = (account: ModelAccount): bigint =>
  account.balance - account.holds + account.overdraft;

function accountAt(model: Model, index: number): ModelAccount {
  const account = model.accounts[index % model.accounts.length];
  if (account === undefined) throw new Error(`No account ${index}`);
  return account;
}

/** The refusal a debit of `amount` from `account` meets, if any (frozen before funds). */
function debitRefusal(account: ModelAccount, amount: bigint): Expected | undefined {
  if (account.status === 'FROZEN') return { status: 422, code: 'ACCOUNT_FROZEN' };
  if (available(account) < amount) return { status: 422, code: 'INSUFFICIENT_FUNDS' };
  return undefined;
}

function expectAnswer(response: ApiResponse, expected: Expected, label: string): void {
  const actual = { status: response.status, code: (response.body as Problem).code };
  expect({ label, ...actual }).toEqual({ label, status: expected.status, code: expected.code });
}

type LedgerCommand = fc.AsyncCommand<Model, Real>;

class Deposit implements LedgerCommand {
  constructor(
    readonly account: number,
    readonly amount: bigint,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const target = accountAt(model, this.account);
    const response = await real.api.call<{ id: string }>('POST', '/transactions/deposit', {
      body: { accountId: target.id, amount: usd(this.amount), currency: 'USD' },
    });
    expectAnswer(response, { status: 201 }, this.toString());
    target.balance += this.amount;
    model.transactions.push({
      id: response.body.id,
      type: 'DEPOSIT',
      from: undefined,
      to: this.account % model.accounts.length,
      amount: this.amount,
      reversed: false,
    });
  }
  toString = () => `deposit(${this.account}, ${usd(this.amount)})`;
}

class Withdraw implements LedgerCommand {
  constructor(
    readonly account: number,
    readonly amount: bigint,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const source = accountAt(model, this.account);
    const expected = debitRefusal(source, this.amount) ?? { status: 201 };
    const response = await real.api.call<{ id: string }>('POST', '/transactions/withdraw', {
      body: { accountId: source.id, amount: usd(this.amount), currency: 'USD' },
    });
    expectAnswer(response, expected, this.toString());
    if (expected.status !== 201) return;
    source.balance -= this.amount;
    model.transactions.push({
      id: response.body.id,
      type: 'WITHDRAWAL',
      from: this.account % model.accounts.length,
      to: undefined,
      amount: this.amount,
      reversed: false,
    });
  }
  toString = () => `withdraw(${this.account}, ${usd(this.amount)})`;
}

class Transfer implements LedgerCommand {
  constructor(
    readonly from: number,
    readonly offset: number,
    readonly amount: bigint,
  ) {}
  check = () => true;
  private indexes(model: Model): [number, number] {
    const count = model.accounts.length;
    const from = this.from % count;
    return [from, (from + 1 + (this.offset % (count - 1))) % count];
  }
  async run(model: Model, real: Real): Promise<void> {
    const [fromIndex, toIndex] = this.indexes(model);
    const source = accountAt(model, fromIndex);
    const destination = accountAt(model, toIndex);
    const expected = debitRefusal(source, this.amount) ?? { status: 201 };
    const response = await real.api.call<{ id: string }>('POST', '/transactions/transfer', {
      body: {
        fromAccountId: source.id,
        toAccountId: destination.id,
        amount: usd(this.amount),
        currency: 'USD',
      },
    });
    expectAnswer(response, expected, this.toString());
    if (expected.status !== 201) return;
    source.balance -= this.amount;
    destination.balance += this.amount;
    model.transactions.push({
      id: response.body.id,
      type: 'TRANSFER',
      from: fromIndex,
      to: toIndex,
      amount: this.amount,
      reversed: false,
    });
  }
  toString = () => `transfer(${this.from} → +${this.offset + 1}, ${usd(this.amount)})`;
}

class PlaceHold implements LedgerCommand {
  constructor(
    readonly account: number,
    readonly amount: bigint,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const target = accountAt(model, this.account);
    const expected = debitRefusal(target, this.amount) ?? { status: 201 };
    const response = await real.api.call<{ id: string }>('POST', `/accounts/${target.id}/holds`, {
      body: { amount: usd(this.amount), currency: 'USD', reason: 'card authorisation' },
    });
    expectAnswer(response, expected, this.toString());
    if (expected.status !== 201) return;
    target.holds += this.amount;
    model.holds.push({
      id: response.body.id,
      account: this.account % model.accounts.length,
      amount: this.amount,
      active: true,
    });
  }
  toString = () => `hold(${this.account}, ${usd(this.amount)})`;
}

class ReleaseHold implements LedgerCommand {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => model.holds.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const hold = model.holds[this.pick % model.holds.length];
    if (hold === undefined) throw new Error('No hold to release');
    const account = accountAt(model, hold.account);
    const expected: Expected = hold.active
      ? { status: 200 }
      : { status: 409, code: 'HOLD_NOT_ACTIVE' };
    const response = await real.api.call('DELETE', `/accounts/${account.id}/holds/${hold.id}`);
    expectAnswer(response, expected, this.toString());
    if (!hold.active) return;
    hold.active = false;
    account.holds -= hold.amount;
  }
  toString = () => `release(hold #${this.pick})`;
}

class Reverse implements LedgerCommand {
  constructor(readonly pick: number) {}
  check = (model: Readonly<Model>) => model.transactions.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const original = model.transactions[this.pick % model.transactions.length];
    if (original === undefined) throw new Error('No transaction to reverse');
    // The reversal credits the original's debited account and debits its credited one.
    const debited = original.to === undefined ? undefined : accountAt(model, original.to);
    const credited = original.from === undefined ? undefined : accountAt(model, original.from);
    const expected: Expected =
      original.type === 'REVERSAL'
        ? { status: 422, code: 'TRANSACTION_NOT_REVERSIBLE' }
        : original.reversed
          ? { status: 409, code: 'TRANSACTION_ALREADY_REVERSED' }
          : debited !== undefined && available(debited) < original.amount
            ? { status: 422, code: 'INSUFFICIENT_FUNDS' } // Frozen accounts may still be corrected.
            : { status: 201 };
    const response = await real.api.call<{ id: string }>(
      'POST',
      `/transactions/${original.id}/reverse`,
      {
        body: { reason: 'model reversal' },
      },
    );
    expectAnswer(
      response,
      expected,
      `${this.toString()} of ${original.type} ${usd(original.amount)}`,
    );
    if (expected.status !== 201) return;
    original.reversed = true;
    if (debited !== undefined) debited.balance -= original.amount;
    if (credited !== undefined) credited.balance += original.amount;
    model.transactions.push({
      id: response.body.id,
      type: 'REVERSAL',
      from: original.to,
      to: original.from,
      amount: original.amount,
      reversed: false,
    });
  }
  toString = () => `reverse(transaction #${this.pick})`;
}

class Freeze implements LedgerCommand {
  constructor(readonly account: number) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const target = accountAt(model, this.account);
    const expected: Expected =
      target.status === 'ACTIVE' ? { status: 200 } : { status: 409, code: 'CONFLICT' };
    const response = await real.api.call('POST', `/accounts/${target.id}/freeze`, {
      body: { reason: 'model' },
    });
    expectAnswer(response, expected, this.toString());
    target.status = 'FROZEN';
  }
  toString = () => `freeze(${this.account})`;
}

class Unfreeze implements LedgerCommand {
  constructor(readonly account: number) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const target = accountAt(model, this.account);
    const expected: Expected =
      target.status === 'FROZEN' ? { status: 200 } : { status: 409, code: 'ACCOUNT_NOT_FROZEN' };
    const response = await real.api.call('POST', `/accounts/${target.id}/unfreeze`);
    expectAnswer(response, expected, this.toString());
    target.status = 'ACTIVE';
  }
  toString = () => `unfreeze(${this.account})`;
}

const ACCOUNTS = 4;
const anIndex = fc.nat({ max: ACCOUNTS - 1 });
/** Mostly small amounts, sometimes large ones that overdraw. */
const anAmount = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: 1n, max: 4_000n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 4_000n, max: 20_000n }) },
);

const commands = fc.commands(
  [
    fc.tuple(anIndex, anAmount).map(([account, amount]) => new Deposit(account, amount)),
    fc.tuple(anIndex, anAmount).map(([account, amount]) => new Withdraw(account, amount)),
    fc
      .tuple(anIndex, fc.nat({ max: ACCOUNTS - 2 }), anAmount)
      .map(([from, offset, amount]) => new Transfer(from, offset, amount)),
    fc.tuple(anIndex, anAmount).map(([account, amount]) => new PlaceHold(account, amount)),
    fc.nat().map((pick) => new ReleaseHold(pick)),
    fc.nat().map((pick) => new Reverse(pick)),
    anIndex.map((account) => new Freeze(account)),
    anIndex.map((account) => new Unfreeze(account)),
  ],
  { maxCommands: 25, size: 'max' },
);

/** Every history line of an account, newest first, through all pages. */
async function historyOf(api: TestApi, accountId: string): Promise<HistoryLine[]> {
  const lines: HistoryLine[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page: ApiResponse<{ items: HistoryLine[]; nextCursor: string | null }> = await api.call(
      'GET',
      `/accounts/${accountId}/transactions?limit=7${query}`,
    );
    expect(page.status).toBe(200);
    lines.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor !== null);
  return lines;
}

async function assertAccountAgrees(api: TestApi, account: ModelAccount): Promise<void> {
  const real = (await api.call<WireAccount>('GET', `/accounts/${account.id}`)).body;
  expect({
    id: account.id,
    balance: real.balance.amount,
    holds: real.holdsTotal.amount,
    status: real.status,
  }).toEqual({
    id: account.id,
    balance: usd(account.balance),
    holds: usd(account.holds),
    status: account.status,
  });
  expect(real.availableBalance.amount).toBe(usd(available(account)));
  expect(cents(real.balance.amount)).toBeGreaterThanOrEqual(-account.overdraft);
  expect(cents(real.availableBalance.amount)).toBeGreaterThanOrEqual(0n);

  // Newest first: each line's balance after, minus its own movement, is the next line's.
  let after = account.balance;
  for (const line of await historyOf(api, account.id)) {
    expect({ transactionId: line.transactionId, balanceAfter: line.balanceAfter.amount }).toEqual({
      transactionId: line.transactionId,
      balanceAfter: usd(after),
    });
    after -= line.side === 'CREDIT' ? cents(line.amount.amount) : -cents(line.amount.amount);
  }
  expect(after).toBe(0n); // The oldest line starts from the opening balance of zero.
}

async function assertBooksAgreeWith(model: Model, api: TestApi): Promise<void> {
  const [trialBalance, audit] = await Promise.all([
    api.call<{
      balanced: boolean;
      currencies: { currency: string; debits: string; credits: string; balanced: boolean }[];
    }>('GET', '/ledger/trial-balance'),
    api.call<{ valid: boolean }>('GET', '/audit/verify'),
    ...model.accounts.map((account) => assertAccountAgrees(api, account)),
  ]);
  expect(trialBalance.body.balanced).toBe(true);
  for (const currency of trialBalance.body.currencies) {
    expect({ currency: currency.currency, debits: currency.debits }).toEqual({
      currency: currency.currency,
      debits: currency.credits,
    });
  }
  expect(audit.body).toMatchObject({ valid: true });
}

describe('the ledger against a model of integer cents', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('model');
  });
  afterAll(async () => api.close());

  /** Four USD accounts of one customer; the third may overdraw by 50.00. */
  async function openAccounts(): Promise<Model> {
    // Verified at the top tier: the model is about balances, not KYC volume limits.
    const customer = { body: { id: await aVerifiedCustomer(api, 3) } };
    const opening = [
      { deposit: 10_000n, overdraft: 0n },
      { deposit: 0n, overdraft: 0n },
      { deposit: 0n, overdraft: 5_000n },
      { deposit: 2_500n, overdraft: 0n },
    ];
    const model: Model = { accounts: [], holds: [], transactions: [] };
    for (const { deposit, overdraft } of opening) {
      const id = await anAccount(api, {
        customerId: customer.body.id,
        ...(deposit > 0n ? { deposit: usd(deposit) } : {}),
        ...(overdraft > 0n ? { overdraftLimit: usd(overdraft) } : {}),
      });
      model.accounts.push({ id, balance: deposit, holds: 0n, overdraft, status: 'ACTIVE' });
      if (deposit > 0n) {
        const [opened] = await historyOf(api, id);
        if (opened === undefined) throw new Error('The opening deposit left no history line');
        const to = model.accounts.length - 1;
        model.transactions.push({
          id: opened.transactionId,
          type: 'DEPOSIT',
          from: undefined,
          to,
          amount: deposit,
          reversed: false,
        });
      }
    }
    return model;
  }

  it('answers every command as the model predicts and keeps its books consistent', async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (sequence) => {
        const model = await openAccounts();
        const real: Real = { api };

        await fc.asyncModelRun(() => ({ model, real }), sequence);

        await assertBooksAgreeWith(model, api);
      }),
      { numRuns: 15, interruptAfterTimeLimit: 150_000, markInterruptAsFailure: true },
    );
  }, 180_000);
});
