import type { DomainError } from '../errors';
import type { CurrencyCode, Money } from '../money';
import { err, ok, type Result } from '../result';
import type { Grantable } from './roles';

/** What a role contributes to amount limits: its permissions and its per-currency caps. */
export interface LimitingRole {
  readonly permissions: readonly string[];
  readonly transactionLimits: readonly Money[];
  readonly approvalLimits: readonly Money[];
}

export type LimitKind = 'transaction' | 'approval';

/**
 * A user's limit for one currency: none of its roles grants the permission at all (`none`),
 * some role grants it without a cap in that currency (`unlimited`), or the largest cap among the
 * granting roles (`limited`).
 */
export type AmountLimit =
  | { readonly kind: 'none' }
  | { readonly kind: 'unlimited' }
  | { readonly kind: 'limited'; readonly max: Money };

/** The permissions that approve something: approval limits apply to their holders. */
export const approvalPermissions: readonly Grantable[] = [
  'APPROVE_TRANSACTION',
  'APPROVE_LOAN',
  'APPROVE_WORKFLOW_STEP',
];

/**
 * The effective limit of `kind` in `currency` over the roles that grant `permission` (or any of
 * several): the most
 * generous one wins, because holding a role means being trusted up to its limit. A granting role
 * without a cap in that currency makes the user unlimited in it. (The original took the *least*
 * generous role and ignored currency; a cap in one currency says nothing about another.)
 */
export function effectiveLimit(
  roles: readonly LimitingRole[],
  kind: LimitKind,
  permission: Grantable | readonly Grantable[],
  currency: CurrencyCode,
): AmountLimit {
  const wanted: readonly string[] = typeof permission === 'string' ? [permission] : permission;
  let best: AmountLimit = { kind: 'none' };
  for (const role of roles) {
    if (!role.permissions.some((held) => wanted.includes(held))) continue;
    const caps = kind === 'transaction' ? role.transactionLimits : role.approvalLimits;
    const cap = caps.find((limit) => limit.currency === currency);
    if (cap === undefined) return { kind: 'unlimited' };
    if (best.kind !== 'limited' || cap.compare(best.max) > 0) best = { kind: 'limited', max: cap };
  }
  return best;
}

/** The limit on money a user may move per transaction (roles granting CREATE_TRANSACTION). */
export const effectiveTransactionLimit = (
  roles: readonly LimitingRole[],
  currency: CurrencyCode,
): AmountLimit => effectiveLimit(roles, 'transaction', 'CREATE_TRANSACTION', currency);

/** The limit up to which a user may approve, over the roles granting `permission` (e.g. APPROVE_LOAN). */
export const effectiveApprovalLimit = (
  roles: readonly LimitingRole[],
  permission: Grantable,
  currency: CurrencyCode,
): AmountLimit => effectiveLimit(roles, 'approval', permission, currency);

/**
 * Whether `amount` fits `limit`; equal to the cap is allowed. `none` is refused too: a caller
 * without the permission has a zero limit (the route's permission check normally comes first).
 */
export function checkWithinLimit(
  limit: AmountLimit,
  kind: LimitKind,
  amount: Money,
): Result<void, DomainError> {
  switch (limit.kind) {
    case 'unlimited':
      return ok(undefined);
    case 'none':
      return err({ code: 'AMOUNT_LIMIT_EXCEEDED', kind, currency: amount.currency, limit: '0' });
    case 'limited':
      return amount.compare(limit.max) <= 0
        ? ok(undefined)
        : err({
            code: 'AMOUNT_LIMIT_EXCEEDED',
            kind,
            currency: amount.currency,
            limit: limit.max.toString(),
          });
  }
}
