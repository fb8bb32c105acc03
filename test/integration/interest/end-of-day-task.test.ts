import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  accrueStep,
  describeRun,
  endOfDaySteps,
  type EndOfDayStep,
} from '../../../shared/application/interest/end-of-day';
import { segmentOf } from '../../../shared/application/interest/deposit-interest';
import { getLoan } from '../../../shared/application/lending/loans';
import type { BusinessDate } from '../../../shared/domain/interest/business-date';
import { createLogger } from '../../../shared/observability/logger';
import {
  endOfDayTask,
  type FinishOutput,
  type InvocationContext,
  type SegmentOutput,
  type StartOutput,
} from '../../../functions/eod/end-of-day-task';
import {
  anAccount,
  aVerifiedCustomer,
  createTestApi,
  type TestApi,
} from '../../support/api-client';

type TrialBalance = {
  balanced: boolean;
  currencies: { currency: string; accounts: { code: string; debits: string; credits: string }[] }[];
};

const today = '2026-03-30' as BusinessDate;
/** Always out of time: every invocation stops after one page (or one step), at a checkpoint. */
const outOfTime: InvocationContext = { getRemainingTimeInMillis: () => 0 };
const plenty: InvocationContext = { getRemainingTimeInMillis: () => 900_000 };

async function glBalance(api: TestApi, code: string): Promise<{ debits: string; credits: string }> {
  const trial = (await api.call<TrialBalance>('GET', '/ledger/trial-balance')).body;
  const line = trial.currencies
    .find((currency) => currency.currency === 'USD')
    ?.accounts.find((account) => account.code === code);
  return { debits: line?.debits ?? '0.00', credits: line?.credits ?? '0.00' };
}

type Task = ReturnType<typeof endOfDayTask>;

/**
 * What the state machine does (infra/constructs/end-of-day.ts): Start; per segment, RunSegment
 * looped while `done: false`, retried up to 4 attempts on errors, then caught; Finish.
 */
async function execute(task: Task, context: InvocationContext) {
  const start = (await task({ action: 'start' }, context)) as StartOutput;
  if (start.skipped) return { start, invocations: 0, finish: undefined };
  let invocations = 0;
  for (const segment of start.segments) {
    let failures = 0;
    for (;;) {
      invocations += 1;
      try {
        const out = (await task(
          { action: 'segment', runId: start.runId, businessDate: start.businessDate, segment },
          context,
        )) as SegmentOutput;
        if (out.done) break;
      } catch {
        failures += 1;
        if (failures === 4) break; // Caught: the segment stays FAILED on its checkpoint.
      }
    }
  }
  const finish = (await task({ action: 'finish', runId: start.runId }, context)) as FinishOutput;
  return { start, invocations, finish };
}

describe('the end-of-day Lambda tasks on DynamoDB Local', () => {
  let api: TestApi;
  const accounts: string[] = [];
  let loanId: string;
  const quiet = createLogger({ level: 'error', sink: () => undefined });

  beforeAll(async () => {
    api = await createTestApi('eod-task', { loanToday: () => today, logger: quiet });
    expect((await api.call('PUT', '/admin/business-date', { body: { date: today } })).status).toBe(
      200,
    );
    for (let i = 0; i < 6; i += 1) {
      const customerId = await aVerifiedCustomer(api);
      const opened = await api.call('POST', '/accounts', {
        body: { customerId, productType: 'SAVINGS', currency: 'USD', interestRate: '0.0365' },
      });
      const accountId = String(opened.body.id);
      await api.call('POST', '/transactions/deposit', {
        body: { accountId, amount: '10000.00', currency: 'USD' },
      });
      accounts.push(accountId);
    }
    const customerId = await aVerifiedCustomer(api);
    const deposit = await anAccount(api, { customerId, deposit: '100.00' });
    const created = await api.call<{ id: string }>('POST', '/loans', {
      body: {
        customerId,
        principal: '3600.00',
        currency: 'USD',
        annualInterestRate: '0.10',
        termMonths: 12,
        paymentFrequency: 'MONTHLY',
        amortizationMethod: 'EQUAL_INSTALLMENT',
        dayCountConvention: 'ACTUAL_360',
        expectedDisbursementDate: today,
        firstPaymentDate: '2026-04-30',
      },
    });
    loanId = created.body.id;
    await api.call('POST', `/loans/${loanId}/approve`);
    const disbursed = await api.call('POST', `/loans/${loanId}/disburse`, {
      body: { accountId: deposit },
    });
    expect(disbursed.status).toBe(201);
  }, 120_000);
  afterAll(async () => api.close());

  it('refuses malformed events', async () => {
    const task = endOfDayTask(api.deps, { timeZone: 'UTC', marginMs: 60_000 });
    await expect(task({ action: 'segment', runId: 'r', segment: 8 }, plenty)).rejects.toThrow();
    await expect(task({ action: 'explode' }, plenty)).rejects.toThrow();
  });

  it('fails a run whose segment keeps failing, then a rerun completes without posting twice', async () => {
    const broken = segmentOf(accounts[0] as string);
    // The fault strikes after the segment's accrual committed: the retry finds it done.
    const faulty: EndOfDayStep = {
      name: 'accrue',
      run: async (deps, date, segment, after, progress) => {
        const result = await accrueStep.run(deps, date, segment, after, progress);
        if (segment === broken) throw new Error('injected fault after the accrual committed');
        return result;
      },
    };
    const failing = endOfDayTask(api.deps, {
      timeZone: 'UTC',
      marginMs: 60_000,
      steps: endOfDaySteps.map((step) => (step.name === 'accrue' ? faulty : step)),
    });
    const first = await execute(failing, plenty);
    expect(first.finish).toMatchObject({ status: 'FAILED', advancedTo: null });
    expect(first.finish?.error).toContain(`Segments not done: ${broken}`);
    const failedRun = await describeRun(api.deps, first.finish?.runId as string);
    expect(failedRun?.segments[broken]).toMatchObject({
      status: 'FAILED',
      attempts: 4,
      error: 'injected fault after the accrual committed',
    });
    expect((await api.call('GET', '/admin/business-date')).body.date).toBe(today);
    // Every account accrued its day once, the broken segment's too (it committed before failing).
    expect(await glBalance(api, '5000')).toEqual({ debits: '6.00', credits: '0.00' });

    // The rerun (the next execution, e.g. started again by an operator) over the same date.
    const second = await execute(
      endOfDayTask(api.deps, { timeZone: 'UTC', marginMs: 60_000 }),
      plenty,
    );
    expect(second.finish).toMatchObject({ status: 'SUCCEEDED', advancedTo: '2026-03-31' });
    expect((await api.call('GET', '/admin/business-date')).body.date).toBe('2026-03-31');
    expect(await glBalance(api, '5000')).toEqual({ debits: '6.00', credits: '0.00' });
    for (const accountId of accounts) {
      expect(await api.deps.interest.getInterestState(accountId)).toMatchObject({
        bookedMinor: 100n,
        accruedThrough: today,
      });
    }
    const loan = await getLoan(api.deps, loanId);
    expect(loan?.lastEndOfDay).toBe(today);
    expect(loan?.interestReceivable.toString()).toBe('0.00'); // Disbursed today: nothing yet.
  }, 120_000);

  it('loops a segment from its checkpoint, one page at a time when out of time, to the same result', async () => {
    const task = endOfDayTask(api.deps, { timeZone: 'UTC', marginMs: 60_000 });
    const run = await execute(task, outOfTime);
    expect(run.finish).toMatchObject({ status: 'SUCCEEDED', advancedTo: '2026-04-01' });
    // 8 segments × (at least one invocation per step + the last) when each stops after a page.
    expect(run.invocations).toBeGreaterThan(8 * 3);
    const described = await describeRun(api.deps, run.finish?.runId as string);
    expect(described?.segments.every((segment) => segment.status === 'DONE')).toBe(true);
    expect(
      Math.max(...(described?.segments.map((segment) => segment.attempts) ?? [])),
    ).toBeGreaterThan(1);
    expect(await glBalance(api, '5000')).toEqual({ debits: '12.00', credits: '0.00' });
    // ACT/360 10 % on 3,600.00 for one day: 1.00.
    expect((await getLoan(api.deps, loanId))?.interestReceivable.toString()).toBe('1.00');
    expect(await glBalance(api, '1210')).toEqual({ debits: '1.00', credits: '0.00' });
    const trial = await api.call<TrialBalance>('GET', '/ledger/trial-balance');
    expect(trial.body.balanced).toBe(true);
  }, 120_000);

  it('skips a start when the business date is already after today in the tenant’s time zone', async () => {
    // The business date is now 2026-04-01.
    const at = (iso: string) => ({ ...api.deps, clock: { now: () => new Date(iso) } });
    const utc = endOfDayTask(at('2026-03-31T23:30:00Z'), { timeZone: 'UTC', marginMs: 60_000 });
    expect(await utc({ action: 'start' }, plenty)).toMatchObject({
      skipped: true,
      businessDate: '2026-04-01',
    });
    // The same instant is already April 1st in Kiritimati (UTC+14): the day can close.
    const east = endOfDayTask(at('2026-03-31T23:30:00Z'), {
      timeZone: 'Pacific/Kiritimati',
      marginMs: 60_000,
    });
    expect(await east({ action: 'start' }, plenty)).toMatchObject({
      skipped: false,
      businessDate: '2026-04-01',
      segments: [0, 1, 2, 3, 4, 5, 6, 7],
    });
  });
});
