import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  accrueStep,
  describeRun,
  runEndOfDay,
  startEndOfDay,
  type EndOfDayStep,
} from '../../../shared/application/interest/end-of-day';
import { segmentOf } from '../../../shared/application/interest/deposit-interest';
import {
  addDays,
  businessDate,
  type BusinessDate,
} from '../../../shared/domain/interest/business-date';
import { createLogger } from '../../../shared/observability/logger';
import {
  aVerifiedCustomer,
  balanceOf,
  createTestApi,
  type TestApi,
} from '../../support/api-client';

type Money = { amount: string; currency: string };
type TrialBalance = {
  balanced: boolean;
  currencies: {
    currency: string;
    accounts: { code: string; debits: string; credits: string; balance: string }[];
  }[];
};

async function anInterestAccount(
  api: TestApi,
  interestRate: string,
  deposit: string,
  dayCount?: string,
): Promise<string> {
  const customerId = await aVerifiedCustomer(api);
  const opened = await api.call('POST', '/accounts', {
    body: {
      customerId,
      productType: 'SAVINGS',
      currency: 'USD',
      interestRate,
      ...(dayCount === undefined ? {} : { dayCount }),
    },
  });
  if (opened.status !== 201) throw new Error(`open failed: ${opened.raw}`);
  const accountId = String(opened.body.id);
  const deposited = await api.call('POST', '/transactions/deposit', {
    body: { accountId, amount: deposit, currency: 'USD' },
  });
  if (deposited.status !== 201) throw new Error(`deposit failed: ${deposited.raw}`);
  return accountId;
}

async function glBalance(api: TestApi, code: string): Promise<{ debits: string; credits: string }> {
  const trial = (await api.call<TrialBalance>('GET', '/ledger/trial-balance')).body;
  const line = trial.currencies
    .find((currency) => currency.currency === 'USD')
    ?.accounts.find((account) => account.code === code);
  return { debits: line?.debits ?? '0.00', credits: line?.credits ?? '0.00' };
}

async function endOfDay(api: TestApi, date: BusinessDate, steps?: readonly EndOfDayStep[]) {
  const started = await startEndOfDay(api.deps, date);
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  return runEndOfDay(api.deps, started.value, steps === undefined ? {} : { steps });
}

describe('business date', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('business-date');
  });
  afterAll(async () => api.close());

  it('starts at the calendar day, is initialised once, then only moves forward one day', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const before = await api.call('GET', '/admin/business-date');
    expect(before.body).toEqual({ date: today, initialized: false, updatedAt: null });

    const future = await api.call('PUT', '/admin/business-date', {
      body: { date: addDays(businessDate(today), 2) },
    });
    expect(future.status).toBe(422);
    expect(future.body.code).toBe('BUSINESS_DATE_NOT_ALLOWED');

    const malformed = await api.call('PUT', '/admin/business-date', {
      body: { date: '2026-02-30' },
    });
    expect(malformed.status).toBe(400);

    const set = await api.call('PUT', '/admin/business-date', { body: { date: '2026-01-30' } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ date: '2026-01-30', initialized: true });

    const skip = await api.call('PUT', '/admin/business-date', { body: { date: '2026-02-01' } });
    expect(skip.status).toBe(422);
    const back = await api.call('PUT', '/admin/business-date', { body: { date: '2026-01-29' } });
    expect(back.status).toBe(422);
    const same = await api.call('PUT', '/admin/business-date', { body: { date: '2026-01-30' } });
    expect(same.status).toBe(200);
    const next = await api.call('PUT', '/admin/business-date', { body: { date: '2026-01-31' } });
    expect(next.body).toMatchObject({ date: '2026-01-31' });

    const futureAccrual = await api.call('POST', '/admin/interest/accrue', {
      body: { asOfDate: '2026-02-01' },
    });
    expect(futureAccrual.status).toBe(422);
    const wrongEod = await api.call('POST', '/admin/eod', { body: { date: '2026-01-30' } });
    expect(wrongEod.status).toBe(422);
  });

  it('lets VIEW_REPORTS read and only SYSTEM_CONFIG change', async () => {
    const teller = await api.tokenFor(['TELLER']);
    expect((await api.call('GET', '/admin/business-date', { token: teller })).status).toBe(403);
    const auditor = await api.tokenFor(['AUDITOR']);
    expect((await api.call('GET', '/admin/business-date', { token: auditor })).status).toBe(200);
    const change = await api.call('PUT', '/admin/business-date', {
      token: auditor,
      body: { date: '2026-02-01' },
    });
    expect(change.status).toBe(403);
  });

  it('audits every change on the business date chain', async () => {
    const verified = await api.call<{ valid: boolean }>('GET', '/audit/verify');
    expect(verified.body.valid).toBe(true);
    const records = await api.deps.ledger.readChain('BUSINESSDATE');
    expect(records.map((record) => record.data.to)).toEqual(['2026-01-30', '2026-01-31']);
  });
});

describe('deposit interest through the end-of-day batch', () => {
  let api: TestApi;
  let flat: string; // 10,000.00 at 3.65 % ACT/365: exactly 1.00 a day
  let odd: string; // 10,000.00 at 3 % ACT/365: 0.8219178… a day
  let plain: string; // no interest terms
  beforeAll(async () => {
    api = await createTestApi('eod', {
      logger: createLogger({ level: 'warn', sink: (line) => process.stderr.write(`${line}\n`) }),
    });
    expect(
      (await api.call('PUT', '/admin/business-date', { body: { date: '2026-01-01' } })).status,
    ).toBe(200);
    flat = await anInterestAccount(api, '0.0365', '10000.00');
    odd = await anInterestAccount(api, '0.03', '10000.00', 'ACTUAL_365');
    const customerId = await aVerifiedCustomer(api);
    const opened = await api.call('POST', '/accounts', {
      body: { customerId, productType: 'SAVINGS', currency: 'USD' },
    });
    plain = String(opened.body.id);
  }, 60_000);
  afterAll(async () => api.close());

  it('accrues 1.00 a day at 3.65 % ACT/365 on 10,000.00, through 5000/2100', async () => {
    const run = await api.call<{ id: string; status: string }>('POST', '/admin/eod', {
      body: { date: '2026-01-01' },
    });
    expect(run.status).toBe(202);
    let status = run.body.status;
    for (let i = 0; i < 100 && status === 'RUNNING'; i += 1) {
      await new Promise((wake) => setTimeout(wake, 100));
      status = (await api.call<{ status: string }>('GET', `/admin/eod/${run.body.id}`)).body.status;
    }
    const finished = await api.call<{
      status: string;
      advancedTo: string;
      segments: { status: string }[];
    }>('GET', `/admin/eod/${run.body.id}`);
    expect(finished.body.status).toBe('SUCCEEDED');
    expect(finished.body.advancedTo).toBe('2026-01-02');
    expect(finished.body.segments.every((segment) => segment.status === 'DONE')).toBe(true);
    expect((await api.call('GET', '/admin/business-date')).body.date).toBe('2026-01-02');

    const flatState = await api.deps.interest.getInterestState(flat);
    expect(flatState).toMatchObject({ bookedMinor: 100n, accruedThrough: '2026-01-01' });
    // 0.8219178… rounds to 0.82 on the first day.
    expect((await api.deps.interest.getInterestState(odd))?.bookedMinor).toBe(82n);
    expect(await api.deps.interest.getInterestState(plain)).toBeUndefined();
    expect(await glBalance(api, '5000')).toEqual({ debits: '1.82', credits: '0.00' });
    expect(await glBalance(api, '2100')).toEqual({ debits: '0.00', credits: '1.82' });
  }, 60_000);

  it('posts the rounded exact total of the month at month end, the remainder carried', async () => {
    for (let date = businessDate('2026-01-02'); date <= '2026-01-31'; date = addDays(date, 1)) {
      const run = await endOfDay(api, date);
      expect(run.status).toBe('SUCCEEDED');
    }
    // 31 days × 1.00; and 10,000 × 0.03 × 31 / 365 = 25.4794… → 25.48 (rounding each day would give 25.42).
    expect(await balanceOf(api, flat)).toBe('10031.00');
    expect(await balanceOf(api, odd)).toBe('10025.48');
    expect(await balanceOf(api, plain)).toBe('0.00');
    const state = await api.deps.interest.getInterestState(odd);
    expect(state).toMatchObject({
      bookedMinor: 2548n,
      postedMinor: 2548n,
      postedThrough: '2026-01-31',
    });
    expect(state?.exact.startsWith('25.479452054794520547')).toBe(true);
    expect(await glBalance(api, '5000')).toEqual({ debits: '56.48', credits: '0.00' });
    expect(await glBalance(api, '2100')).toEqual({ debits: '56.48', credits: '56.48' });
    const trial = (await api.call<TrialBalance>('GET', '/ledger/trial-balance')).body;
    expect(trial.balanced).toBe(true);
    const lines = await api.call<{ items: { type: string; amount: Money }[] }>(
      'GET',
      `/accounts/${odd}/transactions`,
    );
    expect(lines.body.items.map((item) => [item.type, item.amount.amount])).toContainEqual([
      'INTEREST_POSTING',
      '25.48',
    ]);
    expect((await api.call('GET', '/admin/business-date')).body.date).toBe('2026-02-01');
  }, 180_000);

  it('posts nothing twice when a date is re-run', async () => {
    const before = [await balanceOf(api, flat), await glBalance(api, '5000')];
    for (const path of ['/admin/interest/accrue', '/admin/interest/daily-accrual']) {
      const again = await api.call('POST', path, { body: { asOfDate: '2026-01-31' } });
      expect(again.status).toBe(200);
    }
    for (const path of ['/admin/interest/post', '/admin/interest/monthly-posting']) {
      const again = await api.call('POST', path, { body: { asOfDate: '2026-01-31' } });
      expect(again.status).toBe(200);
    }
    expect([await balanceOf(api, flat), await glBalance(api, '5000')]).toEqual(before);
  }, 60_000);

  it('catches up missed dates in order', async () => {
    // 2026-02-01 was never accrued; accruing 02-02 after moving the date by hand does both days.
    expect(
      (await api.call('PUT', '/admin/business-date', { body: { date: '2026-02-02' } })).status,
    ).toBe(200);
    const accrued = await api.call('POST', '/admin/interest/accrue', {
      body: { asOfDate: '2026-02-02' },
    });
    expect(accrued.body).toMatchObject({ step: 'accrue', accounts: 2 });
    const state = await api.deps.interest.getInterestState(flat);
    // Two more days on 10,031.00: 10,031 × 0.0365 / 365 = 1.0031 a day.
    expect(state).toMatchObject({ accruedThrough: '2026-02-02', bookedMinor: 3100n + 201n });
    const chain = await api.deps.ledger.readChain(`INTEREST#${flat}`);
    const last = chain.at(-1);
    expect(last?.data).toMatchObject({
      from: '2026-02-01',
      through: '2026-02-02',
      bookedMinor: '201',
    });
  }, 60_000);

  it('retries a failing segment from its checkpoint and still books every day once', async () => {
    const failing = segmentOf(flat);
    let failures = 0;
    const flaky: EndOfDayStep = {
      name: 'accrue',
      run: async (deps, date, segment, after, progress) => {
        const result = await accrueStep.run(deps, date, segment, after, progress);
        if (segment === failing && failures === 0) {
          failures += 1;
          throw new Error('injected fault after the accrual committed');
        }
        return result;
      },
    };
    const run = await endOfDay(api, businessDate('2026-02-02'), [flaky]);
    expect(failures).toBe(1);
    expect(run.status).toBe('SUCCEEDED');
    const report = (await describeRun(api.deps, run.id))?.segments[failing];
    expect(report).toMatchObject({ status: 'DONE', attempts: 2 });
    // The retry found 02-02 accrued (state and marker) and booked nothing more.
    expect((await api.deps.interest.getInterestState(flat))?.bookedMinor).toBe(3301n);
    expect((await api.call('GET', '/admin/business-date')).body.date).toBe('2026-02-03');

    const trial = (await api.call<TrialBalance>('GET', '/ledger/trial-balance')).body;
    expect(trial.balanced).toBe(true);
    const verified = await api.call<{ valid: boolean }>('GET', '/audit/verify');
    expect(verified.body.valid).toBe(true);
  }, 60_000);

  it('fails the run and keeps the business date when a segment keeps failing', async () => {
    const broken: EndOfDayStep = {
      name: 'accrue',
      run: async (_deps, _date, segment) => {
        if (segment === 0) throw new Error('segment 0 is down');
        return { accounts: 0 };
      },
    };
    const run = await endOfDay(api, businessDate('2026-02-03'), [broken]);
    expect(run.status).toBe('FAILED');
    expect(run.segments[0]).toMatchObject({
      status: 'FAILED',
      attempts: 3,
      error: 'segment 0 is down',
    });
    expect((await api.call('GET', '/admin/business-date')).body.date).toBe('2026-02-03');
    expect((await api.call('GET', '/admin/eod/NOPE')).status).toBe(404);
  }, 60_000);
});
