import { describe, expect, it } from '@jest/globals';
import {
  checkWithinLimit,
  effectiveApprovalLimit,
  effectiveLimit,
  effectiveTransactionLimit,
  type LimitingRole,
} from '../../../../../shared/domain/identity/amount-limits';
import { Money, type CurrencyCode } from '../../../../../shared/domain/money';

const money = (text: string): Money => {
  const [amount = '', currency = ''] = text.split(' ');
  return Money.of(amount, currency as CurrencyCode);
};

const aRole = (overrides: Partial<LimitingRole> = {}): LimitingRole => ({
  permissions: ['CREATE_TRANSACTION'],
  transactionLimits: [],
  approvalLimits: [],
  ...overrides,
});

describe('effective transaction limit', () => {
  it('is none when no role grants CREATE_TRANSACTION, whatever its caps', () => {
    const roles = [
      aRole({ permissions: ['VIEW_ACCOUNT'], transactionLimits: [money('5.00 USD')] }),
    ];

    expect(effectiveTransactionLimit(roles, 'USD')).toEqual({ kind: 'none' });
  });

  it("is a granting role's cap in that currency", () => {
    const roles = [aRole({ transactionLimits: [money('1000.00 USD'), money('200.00 EUR')] })];

    expect(effectiveTransactionLimit(roles, 'EUR')).toEqual({
      kind: 'limited',
      max: money('200.00 EUR'),
    });
  });

  it('is the most generous cap among granting roles', () => {
    const roles = [
      aRole({ transactionLimits: [money('1000.00 USD')] }),
      aRole({ transactionLimits: [money('2500.00 USD')] }),
      aRole({ permissions: ['VIEW_ACCOUNT'], transactionLimits: [money('9999.00 USD')] }),
    ];

    expect(effectiveTransactionLimit(roles, 'USD')).toEqual({
      kind: 'limited',
      max: money('2500.00 USD'),
    });
  });

  it('is unlimited when any granting role has no cap in that currency', () => {
    const roles = [
      aRole({ transactionLimits: [money('1000.00 USD')] }),
      aRole({ transactionLimits: [money('50.00 EUR')] }),
    ];

    expect(effectiveTransactionLimit(roles, 'USD')).toEqual({ kind: 'unlimited' });
    expect(effectiveTransactionLimit(roles.slice(0, 1), 'JPY')).toEqual({ kind: 'unlimited' });
  });

  it('ignores approval caps', () => {
    const roles = [aRole({ approvalLimits: [money('1.00 USD')] })];

    expect(effectiveTransactionLimit(roles, 'USD')).toEqual({ kind: 'unlimited' });
  });
});

describe('effective approval limit', () => {
  it('counts only roles granting the approval permission, and their approval caps', () => {
    const roles = [
      aRole({
        permissions: ['APPROVE_LOAN'],
        approvalLimits: [money('50000.00 USD')],
        transactionLimits: [money('1.00 USD')],
      }),
      aRole({ permissions: ['APPROVE_TRANSACTION'], approvalLimits: [money('90000.00 USD')] }),
    ];

    expect(effectiveApprovalLimit(roles, 'APPROVE_LOAN', 'USD')).toEqual({
      kind: 'limited',
      max: money('50000.00 USD'),
    });
    expect(effectiveApprovalLimit(roles, 'WRITE_OFF_LOAN', 'USD')).toEqual({ kind: 'none' });
  });

  it('takes any of several permissions', () => {
    const roles = [
      aRole({ permissions: ['APPROVE_LOAN'], approvalLimits: [money('10 JPY')] }),
      aRole({ permissions: ['APPROVE_WORKFLOW_STEP'], approvalLimits: [money('30 JPY')] }),
    ];

    expect(
      effectiveLimit(roles, 'approval', ['APPROVE_LOAN', 'APPROVE_WORKFLOW_STEP'], 'JPY'),
    ).toEqual({ kind: 'limited', max: money('30 JPY') });
  });
});

describe('checking an amount against a limit', () => {
  const limited = { kind: 'limited', max: money('1000.00 USD') } as const;

  it('allows up to and including the cap', () => {
    expect(checkWithinLimit(limited, 'transaction', money('1000.00 USD')).ok).toBe(true);
    expect(checkWithinLimit(limited, 'transaction', money('0.01 USD')).ok).toBe(true);
  });

  it('refuses a minor unit above the cap, naming the limit and currency', () => {
    expect(checkWithinLimit(limited, 'approval', money('1000.01 USD'))).toEqual({
      ok: false,
      error: { code: 'AMOUNT_LIMIT_EXCEEDED', kind: 'approval', currency: 'USD', limit: '1000.00' },
    });
  });

  it('allows anything when unlimited and nothing when the permission is missing', () => {
    expect(
      checkWithinLimit({ kind: 'unlimited' }, 'transaction', money('999999999999.99 USD')).ok,
    ).toBe(true);
    expect(checkWithinLimit({ kind: 'none' }, 'transaction', money('0.01 USD'))).toMatchObject({
      ok: false,
      error: { limit: '0' },
    });
  });
});
