import {
  checkWithinLimit,
  effectiveApprovalLimit,
  effectiveTransactionLimit,
} from '../../domain/identity/amount-limits';
import type { Grantable } from '../../domain/identity/roles';
import type { DomainError } from '../../domain/errors';
import type { Money } from '../../domain/money';
import type { Result } from '../../domain/result';
import type { Principal } from './ports';

/**
 * Whether the caller may move `amount` in one transaction: at most the most generous limit of
 * its roles granting CREATE_TRANSACTION, in the amount's currency (for an FX transfer, the
 * debited one). Checked before anything is read or posted.
 */
export function checkTransactionLimit(
  principal: Principal,
  amount: Money,
): Result<void, DomainError> {
  const limit = effectiveTransactionLimit(principal.grants, amount.currency);
  return checkWithinLimit(limit, 'transaction', amount);
}

/** Whether the caller may approve `amount` under `permission` (loans will call it). */
export function checkApprovalLimit(
  principal: Principal,
  permission: Grantable,
  amount: Money,
): Result<void, DomainError> {
  const limit = effectiveApprovalLimit(principal.grants, permission, amount.currency);
  return checkWithinLimit(limit, 'approval', amount);
}
