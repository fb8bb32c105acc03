import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  runEndOfDay,
  runStepForDate,
  startEndOfDay,
} from '../../../shared/application/interest/end-of-day';
import { segmentOf } from '../../../shared/application/interest/deposit-interest';
import { loanEndOfDayPage, loanStep } from '../../../shared/application/lending/loan-end-of-day';
import { loanDocument, type Loan } from '../../../shared/application/lending/loan-records';
import { applyLoanEndOfDay, getLoan } from '../../../shared/application/lending/loans';
import {
  addDays,
  businessDate,
  type BusinessDate,
} from '../../../shared/domain/interest/business-date';
import { Money } from '../../../shared/domain/money';
import { createLogger } from '../../../shared/observability/logger';
import {
  aLoanApplication,
  anAccount,
  aVerifiedCustomer,
  createTestApi,
  type TestApi,
} from '../../support/api-client';

type TrialBalance = {
  balanced: boolean;
  currencies: {
    currency: string;
    accounts: { code: string; debits: string; credits: string; balance: string }[];
  }[];
};

/** "Today" of the loan routes (disbursement and repayment dates), moved by the tests. */
let today = '2026-01-01' as BusinessDate;

async function glBalance(api: TestApi, code: string): Promise<{ debits: string; credits: string }> {
  const trial = (await api.call<TrialBalance>('GET', '/ledger/trial-balance')).body;
  const line = trial.currencies
    .find((currency) => currency.currency === 'USD')
    ?.accounts.find((account) => account.code === code);
  return { debits: line?.debits ?? '0.00', credits: line?.credits ?? '0.00' };
}

async function loanEvents(api: TestApi, loanId: string, type: string) {
  const output = await api.table.client.send(
    new ScanCommand({
      TableName: api.table.tableName,
      FilterExpression: '#type = :t AND aggregateId = :id AND eventType = :e',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':t': 'OutboxEvent', ':id': loanId, ':e': type },
    }),
  );
  return (output.Items ?? []).map((item) => item.data as Record<string, string>);
}

/** 10,000.00 at 12 % for 12 months, monthly, 30/360: installment 888.49, first interest 100.00. */
async function aLoan(
  api: TestApi,
  options: { disburse?: boolean; rules?: boolean } = {},
): Promise<{ loanId: string; accountId: string; customerId: string }> {
  const customerId = await aVerifiedCustomer(api);
  const accountId = await anAccount(api, { customerId, deposit: '2000.00' });
  const created = await api.call<{ id: string }>('POST', '/loans', {
    body: aLoanApplication(customerId, {
      expectedDisbursementDate: '2026-01-01',
      firstPaymentDate: '2026-02-01',
      gracePeriodDays: 5,
    }),
  });
  expect(created.status).toBe(201);
  const loanId = created.body.id;
  if (options.disburse === false) return { loanId, accountId, customerId };
  expect((await api.call('POST', `/loans/${loanId}/approve`)).status).toBe(200);
  const disbursed = await api.call('POST', `/loans/${loanId}/disburse`, { body: { accountId } });
  expect(disbursed.status).toBe(201);
  if (options.rules !== false) {
    // A late fee of 25.00 and 36 % penalty interest after 5 days' grace (as a product sets them).
    const stored = (await getLoan(api.deps, loanId)) as Loan;
    const withRules: Loan = {
      ...stored,
      lateFee: { type: 'FIXED', amount: Money.of('25.00', 'USD') },
      penaltyRate: '0.36',
      version: stored.version + 1,
    };
    const committed = await api.deps.ledger.commit([
      { kind: 'putDocument', document: loanDocument(withRules), expectedVersion: stored.version },
    ]);
    expect(committed.committed).toBe(true);
  }
  return { loanId, accountId, customerId };
}

const loanNow = async (api: TestApi, loanId: string): Promise<Loan> =>
  (await getLoan(api.deps, loanId)) as Loan;

async function inIndex(api: TestApi, loanId: string): Promise<boolean> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await api.deps.interest.listLoanSegment(segmentOf(loanId), after, 50);
    ids.push(...page.items.map((item) => item.id));
    if (page.lastLoanId === undefined) return ids.includes(loanId);
    after = page.lastLoanId;
  }
}

describe('loans in the end-of-day pipeline', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('loan-eod', {
      loanToday: () => today,
      logger: createLogger({ level: 'warn', sink: (line) => process.stderr.write(`${line}\n`) }),
    });
    expect(
      (await api.call('PUT', '/admin/business-date', { body: { date: '2026-01-01' } })).status,
    ).toBe(200);
  }, 60_000);
  afterAll(async () => api.close());

  it('keeps only ACTIVE loans in the sparse index of its segment', async () => {
    today = '2026-01-01' as BusinessDate;
    const pending = await aLoan(api, { disburse: false });
    const active = await aLoan(api, { rules: false });
    const paidOff = await aLoan(api, { rules: false });
    const quote = await api.call<{ total: { amount: string } }>(
      'GET',
      `/loans/${paidOff.loanId}/payoff?date=2026-01-01`,
    );
    const repaid = await api.call<{ loan: { status: string } }>(
      'POST',
      `/loans/${paidOff.loanId}/repayments`,
      {
        body: {
          amount: quote.body.total.amount,
          currency: 'USD',
          fromAccountId: paidOff.accountId,
        },
      },
    );
    expect(repaid.body.loan.status).toBe('PAID_OFF');
    expect(await inIndex(api, pending.loanId)).toBe(false);
    expect(await inIndex(api, active.loanId)).toBe(true);
    expect(await inIndex(api, paidOff.loanId)).toBe(false);
    // Written off: out of the index too.
    const written = await api.call('POST', `/loans/${active.loanId}/write-off`, {
      body: { reason: 'test' },
    });
    expect(written.status).toBe(201);
    expect(await inIndex(api, active.loanId)).toBe(false);
  }, 60_000);

  it('accrues to 1210/4000, reminds 3 days ahead, marks due and overdue, charges after grace, ages arrears; nightly', async () => {
    today = '2026-01-01' as BusinessDate;
    const { loanId, accountId } = await aLoan(api);
    const run = async (date: string) => {
      const started = await startEndOfDay(api.deps, businessDate(date));
      if (!started.ok) throw new Error(JSON.stringify(started.error));
      const finished = await runEndOfDay(api.deps, started.value);
      expect(finished.status).toBe('SUCCEEDED');
      expect(finished.steps).toEqual([
        'accrue',
        'post',
        'maintenance-fees',
        'term-deposits',
        'loans',
      ]);
    };
    for (let date = businessDate('2026-01-01'); date <= '2026-01-28'; date = addDays(date, 1)) {
      await run(date);
    }
    expect(await loanEvents(api, loanId, 'nexum.loan.installment_due')).toEqual([]);
    await run('2026-01-29');
    const reminders = await loanEvents(api, loanId, 'nexum.loan.installment_due');
    // Read back from DynamoDB, the number may come wrapped ({ value: '1' }): compare its text.
    const numbers = reminders.map((event) =>
      JSON.stringify((event as { installmentNumber?: unknown }).installmentNumber ?? null),
    );
    expect(numbers.map((text) => text.replace(/\D/g, ''))).toEqual(['1']);
    expect(reminders).toEqual([
      expect.objectContaining({
        loanId,
        amountMinor: '88849',
        currency: 'USD',
        dueDate: '2026-02-01',
      }),
    ]);
    await run('2026-01-30');
    await run('2026-01-31');
    // 30E/360 Jan 1 → Jan 31 is 29 days: 10,000 × 12 % × 29/360 = 96.666… → 96.67.
    expect((await loanNow(api, loanId)).interestReceivable.toString()).toBe('96.67');
    expect(await glBalance(api, '1210')).toEqual({ debits: '96.67', credits: '0.00' });
    expect(await glBalance(api, '4000')).toEqual({ debits: '0.00', credits: '96.67' });

    await run('2026-02-01'); // Installment 1 due: its whole interest is receivable.
    let loan = await loanNow(api, loanId);
    expect(loan.interestReceivable.toString()).toBe('100.00');
    expect(loan.arrearsBucket).toBe('CURRENT');
    await run('2026-02-02'); // Overdue; a day on 9,211.51 not yet due: 3.0705 → 3.07.
    loan = await loanNow(api, loanId);
    expect(loan.interestReceivable.toString()).toBe('103.07');
    expect(loan.arrearsBucket).toBe('DPD_1_30');
    const chain = await api.deps.ledger.readChain(`LOAN#${loanId}`);
    const days = chain.filter((record) => record.action === 'LOAN_END_OF_DAY');
    expect(days).toHaveLength(33);
    expect(days.at(-2)?.data).toMatchObject({ dueToday: '1', overdue: '', daysPastDue: '0' });
    expect(days.at(-1)?.data).toMatchObject({
      dueToday: '',
      overdue: '1',
      daysPastDue: '1',
      arrearsBucket: 'DPD_1_30',
      previousBucket: 'CURRENT',
    });

    for (let date = businessDate('2026-02-03'); date <= '2026-02-08'; date = addDays(date, 1)) {
      await run(date);
    }
    loan = await loanNow(api, loanId);
    const first = loan.installments[0];
    // Grace ends Feb 6: the fee on Feb 7; penalty 788.49 × 36 %/360 = 0.78849 → 0.79 a day (Feb 7, 8).
    expect(first?.due.fees.toString()).toBe('25.00');
    expect(first?.due.penalties.toString()).toBe('1.58');
    // 100.00 due + 1.58 penalties + 7 days on 9,211.51 (21.4935… → 21.49).
    expect(loan.interestReceivable.toString()).toBe('123.07');
    expect(await loanEvents(api, loanId, 'nexum.loan.charged')).toHaveLength(2);

    // Re-running a date writes nothing, from any entry point.
    const again = await applyLoanEndOfDay(api.deps, loanId, businessDate('2026-02-08'));
    expect(again.ok && again.value.applied).toBe(false);
    await runStepForDate(api.deps, loanStep, businessDate('2026-02-08'));
    // The index a moment behind: the loan as it was before the last run (one version older).
    const stale = { ...loan, version: loan.version - 1, lastEndOfDay: businessDate('2026-02-07') };
    const page = await loanEndOfDayPage(api.deps, [stale], businessDate('2026-02-08'));
    expect(page).toMatchObject({ applied: 0 });
    expect((await loanNow(api, loanId)).version).toBe(loan.version);
    expect(await glBalance(api, '1210')).toEqual({ debits: '123.07', credits: '0.00' });

    // The repayment settles the receivable first: fees 25.00 to 4100, 101.58 from 1210.
    today = '2026-02-08' as BusinessDate;
    const paid = await api.call<{ allocated: Record<string, { amount: string }> }>(
      'POST',
      `/loans/${loanId}/repayments`,
      { body: { amount: '915.07', currency: 'USD', fromAccountId: accountId } },
    );
    expect(paid.status).toBe(201);
    expect(paid.body.allocated).toMatchObject({
      fees: { amount: '25.00' },
      penalties: { amount: '1.58' },
      interest: { amount: '100.00' },
      principal: { amount: '788.49' },
    });
    loan = await loanNow(api, loanId);
    expect(loan.interestReceivable.toString()).toBe('21.49');
    expect(await glBalance(api, '1210')).toEqual({ debits: '123.07', credits: '101.58' });
    expect(await glBalance(api, '4000')).toEqual({ debits: '0.00', credits: '123.07' });
    await run('2026-02-09');
    loan = await loanNow(api, loanId);
    expect(loan.arrearsBucket).toBe('CURRENT');
    // 8 days on 9,211.51: 24.564… → 24.56.
    expect(loan.interestReceivable.toString()).toBe('24.56');
    const trial = await api.call<TrialBalance>('GET', '/ledger/trial-balance');
    expect(trial.body.balanced).toBe(true);
    expect((await api.call<{ valid: boolean }>('GET', '/audit/verify')).body.valid).toBe(true);
  }, 180_000);
});

describe('loan end of day: catch-up and write-off', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('loan-eod-catchup', { loanToday: () => today });
  }, 60_000);
  afterAll(async () => api.close());

  it('catches up missed dates in order: to the cent what nightly runs would have done', async () => {
    today = '2026-01-01' as BusinessDate;
    const nightly = await aLoan(api);
    const missed = await aLoan(api);
    for (let date = businessDate('2026-01-01'); date <= '2026-03-10'; date = addDays(date, 1)) {
      const day = await applyLoanEndOfDay(api.deps, nightly.loanId, date);
      expect(day.ok).toBe(true);
    }
    const caught = await applyLoanEndOfDay(api.deps, missed.loanId, businessDate('2026-03-10'));
    if (!caught.ok) throw new Error('catch-up failed');
    const a = await loanNow(api, nightly.loanId);
    const b = await loanNow(api, missed.loanId);
    const view = (loan: Loan) => ({
      installments: loan.installments.map((i) => ({
        fees: i.due.fees.toString(),
        penalties: i.due.penalties.toString(),
        lateFeeCharged: i.lateFeeCharged,
      })),
      receivable: loan.interestReceivable.toString(),
      bucket: loan.arrearsBucket,
      lastEndOfDay: loan.lastEndOfDay,
    });
    expect(view(b)).toEqual(view(a));
    expect(b.installments[0]?.due.fees.toString()).toBe('25.00');
    expect(b.installments[1]?.due.fees.toString()).toBe('25.00');
    expect(b.installments[2]?.due.fees.toString()).toBe('0.00');
    expect(caught.value).toMatchObject({ daysPastDue: 37, arrearsBucket: 'DPD_31_60' });
    // Past due dates get no reminder on a catch-up; nightly runs sent them for Feb 1 and Mar 1.
    expect(
      (await loanEvents(api, nightly.loanId, 'nexum.loan.installment_due')).map((e) => e.dueDate),
    ).toEqual(expect.arrayContaining(['2026-02-01', '2026-03-01']));
    expect(await loanEvents(api, missed.loanId, 'nexum.loan.installment_due')).toEqual([]);
    const both = a.interestReceivable.plus(b.interestReceivable).toString();
    expect(await glBalance(api, '1210')).toEqual({ debits: both, credits: '0.00' });

    // Write-off reverses the accrued, uncollected interest out of income.
    const written = await api.call('POST', `/loans/${missed.loanId}/write-off`, {
      body: { reason: 'uncollectable' },
    });
    expect(written.status).toBe(201);
    expect((await loanNow(api, missed.loanId)).interestReceivable.toString()).toBe('0.00');
    expect(await glBalance(api, '1210')).toEqual({
      debits: both,
      credits: b.interestReceivable.toString(),
    });
    expect(await glBalance(api, '4000')).toEqual({
      debits: b.interestReceivable.toString(),
      credits: both,
    });
    // Not active any more: the end of day leaves it alone.
    const after = await applyLoanEndOfDay(api.deps, missed.loanId, businessDate('2026-03-11'));
    expect(after.ok && after.value.applied).toBe(false);
    expect((await api.call<TrialBalance>('GET', '/ledger/trial-balance')).body.balanced).toBe(true);
  }, 180_000);
});
