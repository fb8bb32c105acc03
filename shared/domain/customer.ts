import type { ChainHead } from './ledger/account';

export const kycStatuses = ['PENDING', 'VERIFIED', 'REJECTED', 'EXPIRED'] as const;
export type KycStatus = (typeof kycStatuses)[number];

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

export interface Customer extends PersonalData {
  readonly id: string;
  readonly externalId: string | undefined;
  readonly kycStatus: KycStatus;
  /** 0 until KYC verifies a tier; per-tier limits arrive with the identity module. */
  readonly kycTier: number;
  readonly version: number;
  readonly audit: ChainHead;
  readonly createdAt: string;
  readonly updatedAt: string;
}
