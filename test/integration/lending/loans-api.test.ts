import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { applyLoanEndOfDay, getLoan } from '../../../shared/application/lending/loans';
import { loanDocument } from '../../../shared/application/lending/loan-records';
import type { BusinessDate } from '../../../shared/domain/interest/business-date';
import { Money } from '../../../shared/domain/money';
import {
  aLoanApplication,
  anAccount,
  aVerifiedCustomer,
  balanceOf,
  createTestApi,
  type TestApi,
} from '../../support/api-client';

interface MoneyBody {
  amount: string;
  currency: string;
}
interface LoanBody {
  id: string;
  status: string;
  accountId?: string;
  daysPastDue: number;
  arrearsBucket: string;
  outstandingPrincipal: MoneyBody;
  outstanding: { principal: MoneyBody; interest: MoneyBody; fees: MoneyBody; penalties: MoneyBody };
  code?: string;
}
interface ScheduleItem {
  number: number;
  dueDate: string;
  principal: MoneyBody;
  interest: MoneyBody;
  fees: MoneyBody;
  penalties: MoneyBody;
  payment: MoneyBody;
  balance: MoneyBody;
  status: string;
}
interface PostingBody {
  loan: LoanBody;
  transaction: { id: string; type: string; amount: MoneyBody };
  allocated: { principal: MoneyBody; interest: MoneyBody; fees: MoneyBody; penalties: MoneyBody };
  code?: string;
}
interface Problem {
  code: string;
  detail?: string;
}

/** "Today" of the loan routes, moved by the tests between due dates. */
let today = '2027-01-01' as BusinessDate;
const setToday = (date: string) => {
  today = date as BusinessDate;
};

describe('loans over HTTP and the ledger', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('loans', { loanToday: () => today });
  });
  afterAll(async () => api.close());
  beforeEach(() => setToday('2027-01-01'));

  /** 10,000.00 at 12 % for 12 months, monthly, 30/360 (installment 888.49). */
  const application = aLoanApplication;
  const schedule = async (loanId: string) =>
    (await api.call<{ items: ScheduleItem[] }>('GET', `/loans/${loanId}/schedule`)).body.items;
  const repay = (loanId: string, body: Record<string, unknown>, headers = {}) =>
    api.call<PostingBody>('POST', `/loans/${loanId}/repayments`, {
      body: { currency: 'USD', ...body },
      headers,
    });

  /** A borrower with a funded deposit account and an active (disbursed) loan. */
  async function activeLoan(
    extra: Record<string, unknown> = {},
    deposit = '2000.00',
  ): Promise<{ loanId: string; customerId: string; accountId: string; loanAccountId: string }> {
    const customerId = await aVerifiedCustomer(api);
    const accountId = await anAccount(api, { customerId, deposit });
    const created = await api.call<LoanBody>('POST', '/loans', {
      body: application(customerId, extra),
    });
    expect(created.status).toBe(201);
    const approved = await api.call<LoanBody>('POST', `/loans/${created.body.id}/approve`);
    expect(approved.status).toBe(200);
    const disbursed = await api.call<PostingBody>('POST', `/loans/${created.body.id}/disburse`, {
      body: { accountId },
    });
    expect(disbursed.status).toBe(201);
    return {
      loanId: created.body.id,
      customerId,
      accountId,
      loanAccountId: String(approved.body.accountId),
    };
  }

  it('creates a loan PENDING_APPROVAL with its schedule, readable and listed by customer', async () => {
    const customerId = await aVerifiedCustomer(api);
    const created = await api.call<LoanBody>('POST', '/loans', { body: application(customerId) });
    const items = await schedule(created.body.id);
    const read = await api.call<LoanBody>('GET', `/loans/${created.body.id}`);
    const listed = await api.call<{ items: LoanBody[] }>('GET', `/loans?customerId=${customerId}`);
    const missing = await api.call<Problem>('GET', '/loans/01ARZ3NDEKTSV4RRFFQ69G5FAV');

    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/loans/${created.body.id}`);
    expect(created.body).toMatchObject({
      status: 'PENDING_APPROVAL',
      principal: { amount: '10000.00', currency: 'USD' },
      daysPastDue: 0,
      arrearsBucket: 'CURRENT',
      outstandingPrincipal: { amount: '10000.00', currency: 'USD' },
    });
    expect(items).toHaveLength(12);
    expect(items[0]).toEqual({
      number: 1,
      dueDate: '2027-02-01',
      principal: { amount: '788.49', currency: 'USD' },
      interest: { amount: '100.00', currency: 'USD' },
      fees: { amount: '0.00', currency: 'USD' },
      penalties: { amount: '0.00', currency: 'USD' },
      payment: { amount: '888.49', currency: 'USD' },
      balance: { amount: '9211.51', currency: 'USD' },
      status: 'PENDING',
    });
    expect(items.slice(0, 11).every((item) => item.payment.amount === '888.49')).toBe(true);
    expect(items[11]?.dueDate).toBe('2028-01-01');
    expect(items[11]?.balance.amount).toBe('0.00');
    const principalSum = items.reduce(
      (sum, item) => sum.plus(Money.of(item.principal.amount, 'USD')),
      Money.zero('USD'),
    );
    expect(principalSum.toString()).toBe('10000.00');
    expect(read.body).toMatchObject({ id: created.body.id, status: 'PENDING_APPROVAL' });
    expect(listed.body.items.map((loan) => loan.id)).toEqual([created.body.id]);
    expect([missing.status, missing.body.code]).toEqual([404, 'LOAN_NOT_FOUND']);
  });

  it('lives a whole life: approve, disburse, every installment paid as scheduled, PAID_OFF, ledger balanced', async () => {
    const { loanId, accountId, loanAccountId } = await activeLoan({}, '1000.00');
    expect(await balanceOf(api, accountId)).toBe('11000.00');
    expect(await balanceOf(api, loanAccountId)).toBe('-10000.00');
    const items = await schedule(loanId);

    let last: PostingBody | undefined;
    for (const item of items) {
      setToday(item.dueDate);
      expect((await schedule(loanId))[item.number - 1]?.status).toBe('DUE');
      const paid = await repay(loanId, { amount: item.payment.amount, fromAccountId: accountId });
      expect(paid.status).toBe(201);
      expect(paid.body.allocated).toMatchObject({
        principal: item.principal,
        interest: item.interest,
      });
      last = paid.body;
    }
    const totalInterest = items.reduce(
      (sum, item) => sum.plus(Money.of(item.interest.amount, 'USD')),
      Money.zero('USD'),
    );
    const loan = await api.call<LoanBody>('GET', `/loans/${loanId}`);
    const after = await schedule(loanId);
    const trial = await api.call<{
      balanced: boolean;
      currencies: { accounts: { code: string; debit?: MoneyBody; credit?: MoneyBody }[] }[];
    }>('GET', '/ledger/trial-balance');
    const verify = await api.call<{ valid: boolean }>('GET', '/audit/verify');
    const closed = await api.call<LoanBody>('POST', `/loans/${loanId}/close`);

    expect(last?.loan.status).toBe('PAID_OFF');
    expect(loan.body).toMatchObject({
      status: 'PAID_OFF',
      outstandingPrincipal: { amount: '0.00' },
      outstanding: { interest: { amount: '0.00' }, fees: { amount: '0.00' } },
    });
    expect(after.every((item) => item.status === 'PAID')).toBe(true);
    expect(await balanceOf(api, loanAccountId)).toBe('0.00');
    expect(await balanceOf(api, accountId)).toBe(
      Money.of('1000.00', 'USD').minus(totalInterest).toString(),
    );
    expect(trial.body.balanced).toBe(true);
    expect(verify.body.valid).toBe(true);
    expect(closed.body.status).toBe('CLOSED');
  });

  it('ages arrears, allocates a partial payment interest first, and charges late fees and penalty interest at end of day', async () => {
    const { loanId, accountId } = await activeLoan({ gracePeriodDays: 5 });
    setToday('2027-02-11');
    const late = await api.call<LoanBody>('GET', `/loans/${loanId}`);
    expect(late.body).toMatchObject({ daysPastDue: 10, arrearsBucket: 'DPD_1_30' });
    expect((await schedule(loanId))[0]?.status).toBe('OVERDUE');

    const partial = await repay(loanId, { amount: '400.00', fromAccountId: accountId });
    expect(partial.status).toBe(201);
    expect(partial.body.allocated).toMatchObject({
      interest: { amount: '100.00' },
      principal: { amount: '300.00' },
    });
    expect((await schedule(loanId))[0]?.status).toBe('PARTIALLY_PAID');
    expect(partial.body.loan.daysPastDue).toBe(10);

    // The loan's terms carry a late fee and a penalty rate (as a product will set them).
    const stored = await getLoan(api.deps, loanId);
    if (stored === undefined) throw new Error('loan missing');
    const withRules = {
      ...stored,
      lateFee: { type: 'FIXED' as const, amount: Money.of('25.00', 'USD') },
      penaltyRate: '0.36',
      version: stored.version + 1,
    };
    const committed = await api.deps.ledger.commit([
      { kind: 'putDocument', document: loanDocument(withRules), expectedVersion: stored.version },
    ]);
    expect(committed.committed).toBe(true);

    const first = await applyLoanEndOfDay(api.deps, loanId, '2027-02-11' as BusinessDate);
    const again = await applyLoanEndOfDay(api.deps, loanId, '2027-02-11' as BusinessDate);
    const next = await applyLoanEndOfDay(api.deps, loanId, '2027-02-12' as BusinessDate);
    if (!first.ok || !again.ok || !next.ok) throw new Error('end of day failed');
    // Unpaid principal 488.49 at 36 % a year, 30E/360: days after the grace period (Feb 7 on).
    expect(first.value).toMatchObject({ applied: true, daysPastDue: 10 });
    expect(first.value.lateFees.toString()).toBe('25.00');
    expect(first.value.penalties.toString()).toBe('2.45'); // Feb 7..11: 5 days of 0.49 (each day rounded)
    expect(again.value.applied).toBe(false);
    expect(again.value.lateFees.toString()).toBe('0.00');
    expect(next.value.lateFees.toString()).toBe('0.00');
    expect(next.value.penalties.toString()).toBe('0.49'); // Feb 12: 1 day

    const item = (await schedule(loanId))[0];
    expect(item?.fees.amount).toBe('25.00');
    expect(item?.penalties.amount).toBe('2.94');
    // Fees first, then penalties, then principal: 25.00 + 2.94 + 488.49.
    setToday('2027-02-12');
    const settled = await repay(loanId, { amount: '516.43', fromAccountId: accountId });
    expect(settled.status).toBe(201);
    expect(settled.body.allocated).toMatchObject({
      fees: { amount: '25.00' },
      penalties: { amount: '2.94' },
      principal: { amount: '488.49' },
      interest: { amount: '0.00' },
    });
    expect(settled.body.loan).toMatchObject({ daysPastDue: 0, arrearsBucket: 'CURRENT' });
    expect((await schedule(loanId))[0]?.status).toBe('PAID');
  });

  it('prepays: SHORTEN_TERM keeps the installment and drops installments, REDUCE_INSTALLMENT lowers it', async () => {
    const shorten = await activeLoan();
    const reduce = await activeLoan();
    setToday('2027-02-01');
    const a = await repay(shorten.loanId, {
      amount: '2888.49',
      fromAccountId: shorten.accountId,
      prepaymentStrategy: 'SHORTEN_TERM',
    });
    const b = await repay(reduce.loanId, {
      amount: '2888.49',
      fromAccountId: reduce.accountId,
      prepaymentMode: 'REDUCE_INSTALLMENT',
    });
    const shortened = await schedule(shorten.loanId);
    const reduced = await schedule(reduce.loanId);

    for (const paid of [a, b]) {
      expect(paid.status).toBe(201);
      expect(paid.body.allocated).toMatchObject({
        principal: { amount: '2788.49' },
        interest: { amount: '100.00' },
      });
      expect(paid.body.loan.outstandingPrincipal.amount).toBe('7211.51');
    }
    expect(shortened.length).toBeLessThan(12);
    expect(shortened[1]?.payment.amount).toBe('888.49');
    expect(reduced).toHaveLength(12);
    expect(reduced[11]?.dueDate).toBe('2028-01-01');
    expect(
      Money.of(reduced[1]?.payment.amount ?? '0', 'USD').compare(Money.of('888.49', 'USD')),
    ).toBe(-1);
    for (const rows of [shortened, reduced]) {
      const rest = rows
        .slice(1)
        .reduce((sum, row) => sum.plus(Money.of(row.principal.amount, 'USD')), Money.zero('USD'));
      expect(rest.toString()).toBe('7211.51');
    }
  });

  it('quotes a payoff for a date, and paying it in cash settles the loan', async () => {
    const { loanId, loanAccountId } = await activeLoan();
    const quote = await api.call<{ principal: MoneyBody; interest: MoneyBody; total: MoneyBody }>(
      'GET',
      `/loans/${loanId}/payoff?date=2027-01-16`,
    );
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({
      principal: { amount: '10000.00' },
      interest: { amount: '50.00' },
      total: { amount: '10050.00' },
    });
    setToday('2027-01-16');
    const tooMuch = await repay(loanId, { amount: '10050.01' });
    const paid = await repay(loanId, { amount: '10050.00' });
    expect([tooMuch.status, tooMuch.body.code]).toEqual([422, 'REPAYMENT_EXCEEDS_BALANCE']);
    expect(paid.status).toBe(201);
    expect(paid.body.loan.status).toBe('PAID_OFF');
    expect(paid.body.allocated.interest.amount).toBe('50.00');
    expect(await balanceOf(api, loanAccountId)).toBe('0.00');
  });

  it('writes off the outstanding principal to loan-loss expense', async () => {
    const { loanId, loanAccountId, accountId } = await activeLoan();
    setToday('2027-02-01');
    await repay(loanId, { amount: '888.49', fromAccountId: accountId });
    const officer = await api.tokenFor(['LOAN_OFFICER']);
    const refused = await api.call<Problem>('POST', `/loans/${loanId}/write-off`, {
      body: { reason: 'uncollectable' },
      token: officer,
    });
    const written = await api.call<PostingBody>('POST', `/loans/${loanId}/write-off`, {
      body: { reason: 'uncollectable' },
    });
    const repayAfter = await repay(loanId, { amount: '10.00' });
    const trial = await api.call<{ balanced: boolean }>('GET', '/ledger/trial-balance');

    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    expect(written.status).toBe(201);
    expect(written.body.loan.status).toBe('WRITTEN_OFF');
    expect(written.body.transaction).toMatchObject({
      type: 'LOAN_WRITE_OFF',
      amount: { amount: '9211.51' },
    });
    expect(await balanceOf(api, loanAccountId)).toBe('0.00');
    expect([repayAfter.status, repayAfter.body.code]).toEqual([409, 'LOAN_TRANSITION_NOT_ALLOWED']);
    expect(trial.body.balanced).toBe(true);
  });

  it('refuses transitions the state does not allow, foreign or loan accounts, and bad input', async () => {
    const customerId = await aVerifiedCustomer(api);
    const own = await anAccount(api, { customerId });
    const foreign = await anAccount(api);
    const pending = await api.call<LoanBody>('POST', '/loans', { body: application(customerId) });
    const id = pending.body.id;

    const disbursePending = await api.call<Problem>('POST', `/loans/${id}/disburse`, {
      body: { accountId: own },
    });
    const repayPending = await repay(id, { amount: '10.00' });
    const payoffPending = await api.call<Problem>('GET', `/loans/${id}/payoff?date=2027-01-10`);
    const approved = await api.call<LoanBody>('POST', `/loans/${id}/approve`);
    const approveAgain = await api.call<Problem>('POST', `/loans/${id}/approve`);
    const rejectApproved = await api.call<Problem>('POST', `/loans/${id}/reject`, {
      body: { reason: 'changed mind' },
    });
    const toForeign = await api.call<Problem>('POST', `/loans/${id}/disburse`, {
      body: { accountId: foreign },
    });
    const toLoanAccount = await api.call<Problem>('POST', `/loans/${id}/disburse`, {
      body: { accountId: String(approved.body.accountId) },
    });
    const intoLoanAccount = await api.call<Problem>('POST', '/transactions/deposit', {
      body: { accountId: String(approved.body.accountId), amount: '5.00', currency: 'USD' },
    });
    const other = await api.call<LoanBody>('POST', '/loans', { body: application(customerId) });
    const rejected = await api.call<LoanBody>('POST', `/loans/${other.body.id}/reject`, {
      body: { reason: 'affordability' },
    });
    const approveRejected = await api.call<Problem>('POST', `/loans/${other.body.id}/approve`);

    expect([disbursePending.status, disbursePending.body.code]).toEqual([
      409,
      'LOAN_TRANSITION_NOT_ALLOWED',
    ]);
    expect([repayPending.status, repayPending.body.code]).toEqual([
      409,
      'LOAN_TRANSITION_NOT_ALLOWED',
    ]);
    expect([payoffPending.status, payoffPending.body.code]).toEqual([
      409,
      'LOAN_TRANSITION_NOT_ALLOWED',
    ]);
    expect(approved.body.status).toBe('APPROVED');
    expect([approveAgain.status, approveAgain.body.code]).toEqual([
      409,
      'LOAN_TRANSITION_NOT_ALLOWED',
    ]);
    expect([rejectApproved.status, rejectApproved.body.code]).toEqual([
      409,
      'LOAN_TRANSITION_NOT_ALLOWED',
    ]);
    expect([toForeign.status, toForeign.body.code]).toEqual([422, 'LOAN_ACCOUNT_INVALID']);
    expect([toLoanAccount.status, toLoanAccount.body.code]).toEqual([422, 'LOAN_ACCOUNT_INVALID']);
    expect([intoLoanAccount.status, intoLoanAccount.body.code]).toEqual([
      422,
      'LOAN_ACCOUNT_INVALID',
    ]);
    expect(rejected.body.status).toBe('REJECTED');
    expect([approveRejected.status, approveRejected.body.code]).toEqual([
      409,
      'LOAN_TRANSITION_NOT_ALLOWED',
    ]);
    expect((await api.call<LoanBody>('GET', `/loans/${id}`)).body.status).toBe('APPROVED');

    const bad = [
      { termMonths: 0 },
      { principal: 'ten' },
      { principal: '10.001' },
      { firstPaymentDate: '2026-12-01' },
      { paymentFrequency: 'DAILY' },
      { surprise: true },
    ];
    for (const change of bad) {
      const refused = await api.call<Problem>('POST', '/loans', {
        body: application(customerId, change),
      });
      expect([refused.status, refused.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const unknownCustomer = await api.call<Problem>('POST', '/loans', {
      body: application('01ARZ3NDEKTSV4RRFFQ69G5FAV'),
    });
    expect([unknownCustomer.status, unknownCustomer.body.code]).toEqual([
      404,
      'CUSTOMER_NOT_FOUND',
    ]);
    const badRepayment = await repay(id, { amount: '-1.00' });
    expect([badRepayment.status, badRepayment.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const listed = await api.call<{ items: LoanBody[] }>('GET', `/loans?customerId=${customerId}`);
    expect(listed.body.items).toHaveLength(2);
  });

  it('refuses an approval above the caller’s approval limit with 403', async () => {
    const role = await api.call<{ id: string }>('POST', '/rbac/roles', {
      body: {
        name: 'JUNIOR_CREDIT_APPROVER',
        permissions: ['VIEW_LOAN', 'APPROVE_LOAN'],
        approvalLimits: [{ amount: '5000.00', currency: 'USD' }],
      },
    });
    expect(role.status).toBe(201);
    const token = await api.tokenFor([role.body.id]);
    const customerId = await aVerifiedCustomer(api);
    const big = await api.call<LoanBody>('POST', '/loans', { body: application(customerId) });
    const small = await api.call<LoanBody>('POST', '/loans', {
      body: application(customerId, { principal: '5000.00' }),
    });

    const refused = await api.call<Problem>('POST', `/loans/${big.body.id}/approve`, { token });
    const allowed = await api.call<LoanBody>('POST', `/loans/${small.body.id}/approve`, { token });

    expect([refused.status, refused.body.code]).toEqual([403, 'AMOUNT_LIMIT_EXCEEDED']);
    expect((await api.call<LoanBody>('GET', `/loans/${big.body.id}`)).body.status).toBe(
      'PENDING_APPROVAL',
    );
    expect([allowed.status, allowed.body.status]).toEqual([200, 'APPROVED']);
  });

  it('replays a disbursement and a repayment under the same Idempotency-Key, moving money once', async () => {
    const customerId = await aVerifiedCustomer(api);
    const accountId = await anAccount(api, { customerId });
    const created = await api.call<LoanBody>('POST', '/loans', { body: application(customerId) });
    await api.call('POST', `/loans/${created.body.id}/approve`);
    const headers = { 'Idempotency-Key': `disburse-${created.body.id}` };
    const disburse = () =>
      api.call<PostingBody>('POST', `/loans/${created.body.id}/disburse`, {
        body: { accountId },
        headers,
      });
    const first = await disburse();
    const second = await disburse();
    setToday('2027-02-01');
    const repayHeaders = { 'Idempotency-Key': `repay-${created.body.id}` };
    const paid = await repay(
      created.body.id,
      { amount: '888.49', fromAccountId: accountId },
      repayHeaders,
    );
    const replayed = await repay(
      created.body.id,
      { amount: '888.49', fromAccountId: accountId },
      repayHeaders,
    );
    const reused = await repay(
      created.body.id,
      { amount: '1.00', fromAccountId: accountId },
      repayHeaders,
    );

    expect(first.status).toBe(201);
    expect(second.raw).toBe(first.raw);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(replayed.raw).toBe(paid.raw);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await balanceOf(api, accountId)).toBe('9111.51');
    expect((await schedule(created.body.id))[0]?.status).toBe('PAID');
  });
});
