import type { Dependencies } from '../ports';
import type { AccessClaims, Principal, PrincipalResolver } from './ports';

/** A token whose subject may not act now: unknown, deactivated or locked by an administrator. */
export class PrincipalRefusedError extends Error {
  constructor(reason: string) {
    super(`The token's subject may not act: ${reason}`);
    this.name = 'PrincipalRefusedError';
  }
}

/** Entries a container keeps at most; staff directories are small, this only bounds memory. */
const MAX_CACHED_PRINCIPALS = 1_000;

/**
 * Resolves principals from the directory (the user by username, its roles in one batch read),
 * caching each for `ttlMs` per container. A warm request costs no read; a role edit, deactivation
 * or lock takes effect within the TTL everywhere. `ttlMs` 0 disables the cache.
 */
export function directoryPrincipalResolver(
  deps: Pick<Dependencies, 'ledger' | 'clock'>,
  options: { readonly ttlMs: number },
): PrincipalResolver {
  const cache = new Map<
    string,
    { readonly expiresAt: number; readonly principal: Promise<Principal> }
  >();
  return {
    resolve: (claims) => {
      if (options.ttlMs <= 0) return load(deps, claims);
      const now = deps.clock.now().getTime();
      // Keyed by user id: tokens are signed by us and a user's username never changes.
      const cached = cache.get(claims.sub);
      if (cached !== undefined && cached.expiresAt > now) {
        return cached.principal;
      }
      // The promise is cached, so concurrent cold requests for one user share one read; a
      // failure is not cached, so a transient error does not lock the user out for the TTL.
      const principal = load(deps, claims);
      principal.catch(() => cache.delete(claims.sub));
      if (cache.size >= MAX_CACHED_PRINCIPALS) cache.delete(cache.keys().next().value ?? '');
      cache.delete(claims.sub);
      cache.set(claims.sub, { expiresAt: now + options.ttlMs, principal });
      return principal;
    },
  };
}

async function load(deps: Pick<Dependencies, 'ledger'>, claims: AccessClaims): Promise<Principal> {
  const user = await deps.ledger.getUser(claims.username);
  if (user?.id !== claims.sub) throw new PrincipalRefusedError('unknown user');
  if (!user.active) throw new PrincipalRefusedError('deactivated');
  if (user.lockedByAdmin) throw new PrincipalRefusedError('locked');
  const roles = await deps.ledger.getRoles(user.roles);
  const permissions = new Set<string>(roles.flatMap((role) => role.permissions));
  return {
    userId: user.id,
    username: user.username,
    roles: user.roles,
    permissions,
    grants: roles.map((role) => ({
      permissions: role.permissions,
      transactionLimits: role.transactionLimits,
      approvalLimits: role.approvalLimits,
    })),
  };
}
