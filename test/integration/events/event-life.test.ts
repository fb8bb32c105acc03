import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { StoredOutboxEvent } from '../../../shared/application/events/ports';
import type { FraudScorer } from '../../../shared/application/fraud/fraud-scoring';
import { applyLoanEndOfDay, getLoan } from '../../../shared/application/lending/loans';
import { loanDocument } from '../../../shared/application/lending/loan-records';
import {
  eventDataProblems,
  eventTypes,
  piiFieldNames,
} from '../../../shared/contracts/events/catalogue';
import type { BusinessDate } from '../../../shared/domain/interest/business-date';
import { Money } from '../../../shared/domain/money';
import { BastionFraudScorer } from '../../../shared/infrastructure/fraud/bastion-client';
import { createTestApi, type TestApi } from '../../support/api-client';
import { savingsDefinition } from '../../support/products';
import { startFakeBastion, type FakeBastion } from '../../support/fake-bastion';
import { capturedLogger } from '../../support/log-capture';

/**
 * A whole life through the real handlers on DynamoDB Local, then every event the outbox holds
 * checked against the catalogue: each type catalogued, each `data` accepted by its schema, no
 * personal value used in the test anywhere in an event, and every catalogued type seen. (Every
 * integration test also runs with NEXUM_EVENT_VALIDATION=strict, so a commit with a bad event
 * fails where it is made; this test proves the catalogue is complete and the data clean.)
 */
describe('a whole life: every emitted event matches the catalogue and carries no personal data', () => {
  let api: TestApi;
  let bastion: FakeBastion;
  const logs = capturedLogger();
  let today = '2027-01-01' as BusinessDate;

  // The personal values this test types in; none may appear in any event.
  const person = {
    firstName: 'Philippa',
    lastName: 'Quarrington-Vosk',
    email: 'philippa.qv@life-events.example',
    phone: '+15550199876',
    nationalId: 'QV9938271',
    dateOfBirth: '1981-04-17',
    street: '41 Larkspur Mews',
    beneficiary: 'Ottoline Quarrington',
    newEmail: 'p.quarrington@life-events.example',
  };

  beforeAll(async () => {
    bastion = await startFakeBastion();
    const scorer = new BastionFraudScorer(
      {
        url: bastion.url,
        apiKey: 'life-key',
        timeoutMs: 2_000,
        fallback: 'REVIEW',
        breakerFailures: 5,
        breakerOpenMs: 30_000,
      },
      logs.logger,
    );
    const fraud: FraudScorer = { score: (r) => scorer.score(r), status: () => scorer.status() };
    api = await createTestApi('event-life', {
      overrides: { fraud },
      logger: logs.logger,
      loanToday: () => today,
    });
  });
  afterAll(async () => {
    await api.close();
    await bastion.close();
  });

  const ok = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    expected: number[] = [200, 201, 202],
  ) => {
    const response = await api.call<T & { id: string }>(method, path, { body });
    if (!expected.includes(response.status)) {
      throw new Error(`${method} ${path} answered ${response.status}: ${response.raw}`);
    }
    return response.body;
  };
  const approveAll = () => {
    bastion.mode = { kind: 'answer', action: 'APPROVE', score: 0.05, reasons: [] };
  };

  /** Every outbox event of this test's table, oldest first. */
  async function allEvents(): Promise<StoredOutboxEvent[]> {
    const events: StoredOutboxEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.deps.outbox.listEvents({}, { limit: 200, cursor });
      events.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return events.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  it('lives a customer, accounts, money, fraud, loans and erasure, and checks every event', async () => {
    approveAll();
    // Customer: created, updated, KYC, beneficiaries.
    const customer = await ok('POST', '/customers', {
      firstName: person.firstName,
      lastName: person.lastName,
      email: person.email,
      phone: person.phone,
      nationalId: person.nationalId,
      dateOfBirth: person.dateOfBirth,
      address: { line1: person.street, city: 'Exampleton', postalCode: 'EX1 2MP', country: 'GB' },
    });
    const customerId = customer.id;
    await ok('PUT', `/customers/${customerId}`, {
      firstName: person.firstName,
      lastName: person.lastName,
      email: person.newEmail,
      phone: person.phone,
    });
    await ok('PUT', `/customers/${customerId}/kyc`, { status: 'VERIFIED', tier: 3 });
    const beneficiary = await ok('POST', `/customers/${customerId}/beneficiaries`, {
      name: person.beneficiary,
      relationship: 'CHILD',
      percentage: '100',
      contactInfo: person.email,
    });
    await ok('DELETE', `/customers/${customerId}/beneficiaries/${beneficiary.id}`);

    // Accounts and money: deposit, withdrawal, transfer, FX, reversal.
    const open = async (currency: string, productType = 'CHECKING') =>
      (await ok('POST', '/accounts', { customerId, productType, currency })).id;
    const checking = await open('USD');
    const savings = await open('USD', 'SAVINGS');
    const euros = await open('EUR');
    await ok('POST', '/transactions/deposit', {
      accountId: checking,
      amount: '5000.00',
      currency: 'USD',
      description: `Salary for ${person.firstName}`,
    });
    await ok('POST', '/transactions/withdraw', {
      accountId: checking,
      amount: '100.00',
      currency: 'USD',
    });
    const transfer = await ok('POST', '/transactions/transfer', {
      fromAccountId: checking,
      toAccountId: savings,
      amount: '250.00',
      currency: 'USD',
    });
    await ok('PUT', '/fx/rates', { base: 'USD', quote: 'EUR', rate: '0.92' });
    await ok('POST', '/transactions/fx-transfer', {
      fromAccountId: checking,
      toAccountId: euros,
      amount: '100.00',
      currency: 'USD',
    });
    await ok('POST', `/transactions/${transfer.id}/reverse`, { reason: 'entered twice' });

    // Fraud: a REVIEW approved, a REVIEW rejected, a BLOCK.
    bastion.mode = { kind: 'answer', action: 'REVIEW', score: 0.6, reasons: ['new_payee'] };
    const heldOne = await ok('POST', '/transactions/transfer', {
      fromAccountId: checking,
      toAccountId: savings,
      amount: '300.00',
      currency: 'USD',
    });
    const heldTwo = await ok('POST', '/transactions/withdraw', {
      accountId: checking,
      amount: '75.00',
      currency: 'USD',
    });
    bastion.mode = { kind: 'answer', action: 'BLOCK', score: 0.97, reasons: ['mule_pattern'] };
    await ok(
      'POST',
      '/transactions/withdraw',
      { accountId: checking, amount: '900.00', currency: 'USD' },
      [422],
    );
    approveAll();
    await ok('POST', `/transactions/${heldOne.id}/approve`);
    await ok('POST', `/transactions/${heldTwo.id}/reject`, {
      reason: `${person.firstName} called: not her`,
    });

    // Account states: freeze, unfreeze, close (an emptied account).
    await ok('POST', `/accounts/${euros}/freeze`, { reason: 'document check' });
    await ok('POST', `/accounts/${euros}/unfreeze`, {});
    const spare = await open('USD');
    await ok('POST', `/accounts/${spare}/close`, {});

    // Loans: one lived to the end (installment reminder, repayment, payoff, close), one
    // rejected, one charged late fees and written off.
    const application = {
      customerId,
      principal: '1200.00',
      currency: 'USD',
      annualInterestRate: '0.12',
      termMonths: 3,
      paymentFrequency: 'MONTHLY',
      amortizationMethod: 'EQUAL_INSTALLMENT',
      dayCountConvention: 'THIRTY_360',
      expectedDisbursementDate: '2027-01-01',
      firstPaymentDate: '2027-02-01',
    };
    const activeLoan = async () => {
      const loan = await ok('POST', '/loans', application);
      await ok('POST', `/loans/${loan.id}/approve`);
      await ok('POST', `/loans/${loan.id}/disburse`, { accountId: checking });
      return loan.id;
    };
    today = '2027-01-01' as BusinessDate;
    const lived = await activeLoan();
    const reminded = await applyLoanEndOfDay(api.deps, lived, '2027-01-29' as BusinessDate);
    expect(reminded.ok).toBe(true);
    today = '2027-02-01' as BusinessDate;
    const schedule = await ok<{ items: Array<{ payment: { amount: string } }> }>(
      'GET',
      `/loans/${lived}/schedule`,
    );
    await ok('POST', `/loans/${lived}/repayments`, {
      amount: schedule.items[0]?.payment.amount,
      currency: 'USD',
      fromAccountId: checking,
    });
    const quote = await ok<{ total: { amount: string } }>(
      'GET',
      `/loans/${lived}/payoff?date=2027-02-01`,
    );
    await ok('POST', `/loans/${lived}/repayments`, {
      amount: quote.total.amount,
      currency: 'USD',
      fromAccountId: checking,
    });
    await ok('POST', `/loans/${lived}/close`);

    const refused = await ok('POST', '/loans', application);
    await ok('POST', `/loans/${refused.id}/reject`, { reason: 'income not verified' });

    today = '2027-01-01' as BusinessDate;
    const troubled = await activeLoan();
    const stored = await getLoan(api.deps, troubled);
    if (stored === undefined) throw new Error('loan missing');
    await api.deps.ledger.commit([
      {
        kind: 'putDocument',
        document: loanDocument({
          ...stored,
          version: stored.version + 1,
          lateFee: { type: 'FIXED', amount: Money.of('25.00', 'USD') },
          penaltyRate: '0.36',
        }),
        expectedVersion: stored.version,
      },
    ]);
    const charged = await applyLoanEndOfDay(api.deps, troubled, '2027-02-11' as BusinessDate);
    expect(charged.ok && charged.value.lateFees.toString()).toBe('25.00');
    today = '2027-02-11' as BusinessDate;
    await ok('POST', `/loans/${troubled}/write-off`, { reason: 'borrower unreachable' });

    // A product's whole lifecycle: defined, activated, edited, suspended, retired.
    const product = await ok('POST', '/products', savingsDefinition('LIFE_1'));
    await ok('POST', `/products/${product.id}/activate`);
    await ok('PUT', `/products/${product.id}`, savingsDefinition('LIFE_1', { name: 'Life saver' }));
    await ok('POST', `/products/${product.id}/suspend`);
    await ok('POST', `/products/${product.id}/retire`);

    // Key rotation, then erasure.
    await ok('POST', '/encryption/rotate-key');
    await api.deps.jobs.idle();
    await ok('DELETE', `/customers/${customerId}/personal-data`);

    // Assess: every event, against the catalogue.
    const events = await allEvents();
    const problems = events.flatMap((event) =>
      eventDataProblems(event.type, event.data).map((p) => `${event.type} ${event.id}: ${p}`),
    );
    expect(problems).toEqual([]);
    expect([...new Set(events.map((event) => event.type))].sort()).toEqual([...eventTypes].sort());

    const text = JSON.stringify(events);
    for (const value of Object.values(person)) expect(text).not.toContain(value);
    expect(text).not.toContain('Exampleton');
    expect(text).not.toContain('not her'); // a reviewer's free text stays in the audit trail
    const keys = new Set(events.flatMap((event) => Object.keys(event.data)));
    expect([...keys].filter((key) => (piiFieldNames as readonly string[]).includes(key))).toEqual(
      [],
    );

    // Each aggregate's stream is in order: creation order never goes back in sequence.
    const bySubject = new Map<string, number[]>();
    for (const event of events) {
      const subject = `${event.aggregateType}/${event.aggregateId}`;
      bySubject.set(subject, [...(bySubject.get(subject) ?? []), event.sequence]);
    }
    for (const [subject, sequences] of bySubject) {
      expect({ subject, sequences }).toEqual({
        subject,
        sequences: [...sequences].sort((a, b) => a - b),
      });
    }
    // The fraud cases' streams: flagged first, then the reviewer's decision.
    expect(bySubject.get(`fraud/${heldOne.id}`)).toEqual([1, 2]);
    expect(bySubject.get(`fraud/${heldTwo.id}`)).toEqual([1, 2]);
    expect((await api.call<{ valid: boolean }>('GET', '/audit/verify')).body.valid).toBe(true);
  }, 120_000);
});
