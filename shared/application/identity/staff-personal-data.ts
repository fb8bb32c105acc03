import type { SealedPersonalData } from '../../domain/identity/user';
import type { FieldCipher } from '../field-cipher';

/** A staff member's personal data: sealed at rest like a customer's, never logged or audited. */
export interface StaffPersonalData {
  readonly email?: string | undefined;
  readonly fullName?: string | undefined;
}

// The only two places that call the cipher for staff data, so a change of the cipher's port
// (another branch may add a context argument) is a change here and nowhere else.

/** Seals the present fields under the user's id; nothing to seal → undefined. */
export async function sealStaffPersonalData(
  cipher: FieldCipher,
  userId: string,
  data: StaffPersonalData,
): Promise<SealedPersonalData | undefined> {
  const fields: Record<string, string> = {};
  if (data.email !== undefined) fields.email = data.email;
  if (data.fullName !== undefined) fields.fullName = data.fullName;
  return Object.keys(fields).length === 0 ? undefined : cipher.seal(userId, fields);
}

/** Opens what `sealStaffPersonalData` sealed. */
export async function openStaffPersonalData(
  cipher: FieldCipher,
  userId: string,
  sealed: SealedPersonalData | undefined,
): Promise<StaffPersonalData> {
  if (sealed === undefined) return {};
  const fields = await cipher.open(userId, sealed);
  return { email: fields.email, fullName: fields.fullName };
}
