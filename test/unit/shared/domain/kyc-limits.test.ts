import { describe, expect, it } from '@jest/globals';
import { effectiveKycTier, kycCheckFor } from '../../../../shared/domain/kyc-limits';
import { Money } from '../../../../shared/domain/money';

const NOW = '2026-11-26T10:00:00.000Z';

describe('effectiveKycTier', () => {
  it('counts the tier only while KYC is verified and unexpired', () => {
    expect(effectiveKycTier({ kycStatus: 'VERIFIED', kycTier: 2 }, NOW)).toBe(2);
    expect(
      effectiveKycTier(
        { kycStatus: 'VERIFIED', kycTier: 2, kycExpiresAt: '2026-12-01T00:00:00.000Z' },
        NOW,
      ),
    ).toBe(2);
    expect(effectiveKycTier({ kycStatus: 'VERIFIED', kycTier: 2, kycExpiresAt: NOW }, NOW)).toBe(0);
    for (const status of ['PENDING', 'REJECTED', 'EXPIRED']) {
      expect(effectiveKycTier({ kycStatus: status, kycTier: 3 }, NOW)).toBe(0);
    }
    expect(effectiveKycTier({ kycStatus: 'VERIFIED', kycTier: 7 }, NOW)).toBe(0);
  });
});

describe('kycCheckFor', () => {
  const usd = (amount: string) => Money.of(amount, 'USD');

  it('refuses above the single limit and names it', () => {
    const decided = kycCheckFor('c1', 1, usd('1000.01'), '2026-11-26', undefined);
    expect(decided).toEqual({
      ok: false,
      error: {
        code: 'KYC_LIMIT_EXCEEDED',
        customerId: 'c1',
        tier: 1,
        limit: 'SINGLE',
        limitAmount: '1000.00',
        currency: 'USD',
      },
    });
  });

  it('turns the period limits into keyed running totals, with an annual one only where the tier has it', () => {
    const tier1 = kycCheckFor('c1', 1, usd('1000.00'), '2026-11-26', undefined);
    const tier3 = kycCheckFor('c1', 3, usd('5.00'), '2026-11-26', undefined);
    expect(
      tier1.ok && tier1.check.periods.map((p) => [p.period, p.periodKey, p.limit.toString()]),
    ).toEqual([
      ['DAY', '2026-11-26', '1000.00'],
      ['MONTH', '2026-11', '10000.00'],
      ['YEAR', '2026', '50000.00'],
    ]);
    expect(tier3.ok && tier3.check.periods.map((p) => p.period)).toEqual(['DAY', 'MONTH']);
  });

  it('refuses what cannot fit above a period total already seen, and names that period', () => {
    const seen = (total: string) => (period: string, key: string) =>
      period === 'MONTH' && key === '2026-11' ? usd(total) : undefined;

    const fits = kycCheckFor('c1', 1, usd('100.00'), '2026-11-26', undefined, seen('9900.00'));
    const over = kycCheckFor('c1', 1, usd('100.01'), '2026-11-26', undefined, seen('9900.00'));

    expect(fits.ok).toBe(true);
    expect(over).toEqual({
      ok: false,
      error: expect.objectContaining({ limit: 'MONTH', limitAmount: '10000.00' }),
    });
  });

  it('converts the USD figures at the rate, rounding down to the minor unit', () => {
    const yen = kycCheckFor('c1', 0, Money.of('15000', 'JPY'), '2026-11-26', '149.995');
    // 100 USD × 149.995 = 14,999.5 JPY → 14,999 (never a fraction more than the limit).
    expect(yen).toMatchObject({ ok: false, error: { limit: 'SINGLE', limitAmount: '14999' } });
    const dinar = kycCheckFor('c1', 0, Money.of('30.000', 'KWD'), '2026-11-26', '0.30712');
    expect(dinar.ok && dinar.check.periods[0]?.limit.toString()).toBe('30.712');
  });
});
