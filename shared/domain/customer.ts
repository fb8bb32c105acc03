import type { ChainHead } from './ledger/account';
import { BankDecimal } from './money';

export const kycStatuses = ['PENDING', 'VERIFIED', 'REJECTED', 'EXPIRED'] as const;
export type KycStatus = (typeof kycStatuses)[number];

/** ACTIVE, or ERASED: the personal data was crypto-shredded (right to be forgotten). */
export type CustomerStatus = 'ACTIVE' | 'ERASED';

export interface PostalAddress {
  readonly line1: string;
  readonly line2?: string | undefined;
  readonly city: string;
  readonly region?: string | undefined;
  readonly postalCode?: string | undefined;
  readonly country: string;
}

/** Everything that identifies a person: encrypted at rest, never logged, never in events. */
export interface PersonalData {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly phone?: string | undefined;
  readonly dateOfBirth?: string | undefined;
  readonly nationalId?: string | undefined;
  readonly address?: PostalAddress | undefined;
}

/** The names of the personal fields, in the order they are encrypted. */
export const personalFields = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'dateOfBirth',
  'nationalId',
  'address',
] as const satisfies readonly (keyof PersonalData)[];

/** Someone who inherits a share of a customer's accounts: personal data, sealed like the rest. */
export interface Beneficiary {
  readonly id: string;
  readonly name: string;
  readonly relationship: string;
  /** A decimal string 0..100; the shares of one customer add up to at most 100. */
  readonly percentage: string;
  readonly contactInfo?: string | undefined;
  readonly createdAt: string;
}

export interface Customer {
  readonly id: string;
  readonly externalId: string | undefined;
  readonly status: CustomerStatus;
  /** The personal data; undefined once the customer is erased. */
  readonly personal: PersonalData | undefined;
  readonly beneficiaries: readonly Beneficiary[];
  readonly kycStatus: KycStatus;
  /** 0..3; 0 until KYC verifies a tier. */
  readonly kycTier: number;
  readonly kycVerifiedAt: string | undefined;
  readonly kycExpiresAt: string | undefined;
  readonly version: number;
  readonly audit: ChainHead;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly erasedAt: string | undefined;
}

/** The KYC facts of a customer that decisions change. */
export interface KycState {
  readonly kycStatus: KycStatus;
  readonly kycTier: number;
  readonly kycVerifiedAt: string | undefined;
  readonly kycExpiresAt: string | undefined;
}

export interface KycDecision {
  readonly status: KycStatus;
  /** 0..3; kept as is when absent. */
  readonly tier?: number | undefined;
  /** When the verification expires (VERIFIED only; an ISO instant). */
  readonly expiresAt?: string | undefined;
}

/**
 * The original's KYC rules (inventory §6), any status to any status: VERIFIED stamps
 * `kycVerifiedAt` (and an expiry when one is given) and takes the tier if given; EXPIRED stamps the
 * expiry now and drops to tier 0; REJECTED drops to tier 0 and clears both dates; PENDING changes
 * nothing but the status (and the tier if given).
 */
export function applyKycDecision(current: KycState, decision: KycDecision, at: string): KycState {
  switch (decision.status) {
    case 'VERIFIED':
      return {
        kycStatus: 'VERIFIED',
        kycTier: decision.tier ?? current.kycTier,
        kycVerifiedAt: at,
        kycExpiresAt: decision.expiresAt,
      };
    case 'EXPIRED':
      return {
        kycStatus: 'EXPIRED',
        kycTier: 0,
        kycVerifiedAt: current.kycVerifiedAt,
        kycExpiresAt: at,
      };
    case 'REJECTED':
      return {
        kycStatus: 'REJECTED',
        kycTier: 0,
        kycVerifiedAt: undefined,
        kycExpiresAt: undefined,
      };
    case 'PENDING':
      return { ...current, kycStatus: 'PENDING', kycTier: decision.tier ?? current.kycTier };
  }
}

/** A tier as clients may send it: 0..3 or "TIER_0".."TIER_3". */
export function tierNumber(tier: number | string): number {
  return typeof tier === 'number' ? tier : Number(tier.slice('TIER_'.length));
}

/** The most beneficiaries one customer may have (they live on the customer's item). */
export const MAX_BENEFICIARIES = 20;

/** Whether `added` fits beside `existing`: the shares must not exceed 100 in total. */
export function beneficiaryShareTotal(
  existing: readonly Pick<Beneficiary, 'percentage'>[],
  added: string,
): { readonly total: string; readonly fits: boolean } {
  const total = existing.reduce(
    (sum, beneficiary) => sum.plus(new BankDecimal(beneficiary.percentage)),
    new BankDecimal(added),
  );
  return { total: total.toFixed(), fits: total.lte(100) };
}

/** Lookup keys: each exact-match field in the one form it is indexed and searched in. */
export type LookupField = 'email' | 'phone' | 'nationalId' | 'externalId';

/**
 * Normalises a value for its index: email trimmed and lower-cased; phone as `+` and its digits;
 * national id upper-cased without spaces, dots or dashes; external id as given.
 */
export function normaliseLookup(field: LookupField, value: string): string {
  const trimmed = value.normalize('NFKC').trim();
  switch (field) {
    case 'email':
      return trimmed.toLowerCase();
    case 'phone':
      return `+${trimmed.replace(/\D/g, '')}`;
    case 'nationalId':
      return trimmed.replace(/[\s.-]/g, '').toUpperCase();
    case 'externalId':
      return trimmed;
  }
}

/** The blind-indexed fields (personal) of a customer's data, normalised. */
export function lookupValuesOf(
  data: PersonalData,
): Partial<Record<'email' | 'phone' | 'nationalId', string>> {
  return {
    email: normaliseLookup('email', data.email),
    ...(data.phone === undefined ? {} : { phone: normaliseLookup('phone', data.phone) }),
    ...(data.nationalId === undefined
      ? {}
      : { nationalId: normaliseLookup('nationalId', data.nationalId) }),
  };
}
