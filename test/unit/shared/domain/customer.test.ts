import { describe, expect, it } from '@jest/globals';
import {
  applyKycDecision,
  beneficiaryShareTotal,
  lookupValuesOf,
  normaliseLookup,
  tierNumber,
  type KycState,
} from '../../../../shared/domain/customer';

const at = '2026-11-26T10:00:00.000Z';
const verified: KycState = {
  kycStatus: 'VERIFIED',
  kycTier: 2,
  kycVerifiedAt: '2026-01-01T00:00:00.000Z',
  kycExpiresAt: '2027-01-01T00:00:00.000Z',
};
const pending: KycState = {
  kycStatus: 'PENDING',
  kycTier: 0,
  kycVerifiedAt: undefined,
  kycExpiresAt: undefined,
};

describe('applyKycDecision', () => {
  it('VERIFIED stamps the verification, takes the tier if given and the expiry if given', () => {
    expect(applyKycDecision(pending, { status: 'VERIFIED', tier: 3 }, at)).toEqual({
      kycStatus: 'VERIFIED',
      kycTier: 3,
      kycVerifiedAt: at,
      kycExpiresAt: undefined,
    });
    expect(
      applyKycDecision(verified, { status: 'VERIFIED', expiresAt: '2030-01-01T00:00:00.000Z' }, at),
    ).toEqual({
      kycStatus: 'VERIFIED',
      kycTier: 2,
      kycVerifiedAt: at,
      kycExpiresAt: '2030-01-01T00:00:00.000Z',
    });
  });

  it('EXPIRED expires now and drops to tier 0, keeping when it was verified', () => {
    expect(applyKycDecision(verified, { status: 'EXPIRED', tier: 3 }, at)).toEqual({
      kycStatus: 'EXPIRED',
      kycTier: 0,
      kycVerifiedAt: verified.kycVerifiedAt,
      kycExpiresAt: at,
    });
  });

  it('REJECTED drops to tier 0 and clears both dates, whatever tier is sent', () => {
    expect(applyKycDecision(verified, { status: 'REJECTED', tier: 2 }, at)).toEqual({
      kycStatus: 'REJECTED',
      kycTier: 0,
      kycVerifiedAt: undefined,
      kycExpiresAt: undefined,
    });
  });

  it('PENDING changes the status and, if given, the tier only', () => {
    expect(applyKycDecision(verified, { status: 'PENDING' }, at)).toEqual({
      ...verified,
      kycStatus: 'PENDING',
    });
    expect(applyKycDecision(verified, { status: 'PENDING', tier: 1 }, at).kycTier).toBe(1);
  });

  it('reads tiers as numbers or TIER_n names', () => {
    expect([0, 3, 'TIER_0', 'TIER_2'].map(tierNumber)).toEqual([0, 3, 0, 2]);
  });
});

describe('lookup normalisation', () => {
  it.each([
    ['email', '  Jane.Doe@Example.COM ', 'jane.doe@example.com'],
    ['phone', '+44 7700 900-123', '+447700900123'],
    ['phone', '(44) 7700.900123', '+447700900123'],
    ['nationalId', ' qq-12 34.56c ', 'QQ123456C'],
    ['externalId', ' CRM-42 ', 'CRM-42'],
  ] as const)('%s %j → %j', (field, value, expected) => {
    expect(normaliseLookup(field, value)).toBe(expected);
  });

  it('indexes only the lookup fields a customer has', () => {
    expect(lookupValuesOf({ firstName: 'J', lastName: 'D', email: 'J@X.org' })).toEqual({
      email: 'j@x.org',
    });
  });
});

describe('beneficiaryShareTotal', () => {
  it('adds exact decimals and allows exactly 100', () => {
    expect(
      beneficiaryShareTotal([{ percentage: '33.3333' }, { percentage: '33.3333' }], '33.3334'),
    ).toEqual({ total: '100', fits: true });
  });

  it('refuses anything above 100, however small the excess', () => {
    expect(beneficiaryShareTotal([{ percentage: '99.9999' }], '0.0002')).toEqual({
      total: '100.0001',
      fits: false,
    });
  });
});
