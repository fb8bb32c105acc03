import { permissionsBeyond, type Grantable, type Role } from '../../domain/identity/roles';
import type { DomainError } from '../../domain/errors';
import type { Money } from '../../domain/money';
import { err, ok, type Result } from '../../domain/result';
import { appendToChain, GENESIS } from '../audit/audit-chain';
import type { CommandContext } from '../ledger/accounts';
import type { Page, PageRequest } from '../ledger/ledger-store';
import { runCommand, storedReplay, type CommandOutcome } from '../ledger/run-command';
import type { Dependencies } from '../ports';

type Deps = Pick<Dependencies, 'ledger' | 'retry' | 'clock' | 'ids' | 'logger' | 'locks'>;

/** What a custom role grants; limits are per currency (at most one each, checked at the edge). */
export interface RoleGrants {
  readonly description?: string | undefined;
  readonly permissions?: readonly Grantable[] | undefined;
  readonly transactionLimits?: readonly Money[] | undefined;
  readonly approvalLimits?: readonly Money[] | undefined;
}

/**
 * Creates a custom role under a unique name (the name claim is create-once in the same commit,
 * so two concurrent creations cannot share a name); audited on the role's own chain.
 */
export async function createRole(
  deps: Deps,
  command: RoleGrants & { readonly name: string; readonly permissions: readonly Grantable[] },
  context: CommandContext<Role> & { readonly actorPermissions: ReadonlySet<string> },
): Promise<Result<CommandOutcome<Role>, DomainError>> {
  return runCommand(deps, context, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const beyond = permissionsBeyond(command.permissions, context.actorPermissions);
    if (beyond.length > 0) return err({ code: 'ROLE_EXCEEDS_CALLER', permissions: beyond });
    if ((await deps.ledger.roleIdByName(command.name)) !== undefined) {
      return err({ code: 'ROLE_NAME_TAKEN', name: command.name });
    }
    const now = deps.clock.now().toISOString();
    const id = deps.ids.next();
    const draft: Role = {
      id,
      name: command.name,
      description: command.description ?? '',
      system: false,
      permissions: [...command.permissions],
      transactionLimits: [...(command.transactionLimits ?? [])],
      approvalLimits: [...(command.approvalLimits ?? [])],
      memberCount: 0,
      activeMemberCount: 0,
      version: 1,
      audit: GENESIS,
      createdAt: now,
      updatedAt: now,
    };
    const appended = appendToChain(GENESIS, roleAudit(draft, 'ROLE_CREATED', context.actor, now));
    const role = { ...draft, audit: appended.head };
    return ok({
      ops: [
        { kind: 'createRole', role },
        { kind: 'claimRoleName', name: role.name, roleId: id },
        { kind: 'registerChain', chainId: `ROLE#${id}`, entityType: 'ROLE', entityId: id },
        { kind: 'appendAudit', record: appended.record },
      ],
      value: role,
    });
  });
}

/** A live role. */
export async function getRole(
  deps: Pick<Dependencies, 'ledger'>,
  roleId: string,
): Promise<Result<Role, DomainError>> {
  const role = await deps.ledger.getRole(roleId);
  return role === undefined ? err({ code: 'ROLE_NOT_FOUND', roleId }) : ok(role);
}

/** Live roles in name order. */
export const listRoles = (
  deps: Pick<Dependencies, 'ledger'>,
  page: PageRequest,
): Promise<Page<Role>> => deps.ledger.listRoles(page);

/**
 * Changes a custom role's description, permissions or limits (given fields replace, absent keep).
 * System roles are immutable. Holders see the change once their cached principal expires.
 */
export async function updateRole(
  deps: Deps,
  roleId: string,
  change: RoleGrants,
  context: CommandContext<Role> & { readonly actorPermissions: ReadonlySet<string> },
): Promise<Result<CommandOutcome<Role>, DomainError>> {
  return runCommand(deps, { ...context, lockKeys: [`ROLE#${roleId}`] }, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const beyond = permissionsBeyond(change.permissions ?? [], context.actorPermissions);
    if (beyond.length > 0) return err({ code: 'ROLE_EXCEEDS_CALLER', permissions: beyond });
    const role = await mutableRole(deps, roleId);
    if (!role.ok) return role;
    const before = role.value;
    const now = deps.clock.now().toISOString();
    const changed: Role = {
      ...before,
      description: change.description ?? before.description,
      permissions: [...(change.permissions ?? before.permissions)],
      transactionLimits: [...(change.transactionLimits ?? before.transactionLimits)],
      approvalLimits: [...(change.approvalLimits ?? before.approvalLimits)],
      version: before.version + 1,
      updatedAt: now,
    };
    const appended = appendToChain(
      before.audit,
      roleAudit(changed, 'ROLE_UPDATED', context.actor, now),
    );
    const after = { ...changed, audit: appended.head };
    return ok({
      ops: [
        { kind: 'updateRole', before, after },
        { kind: 'appendAudit', record: appended.record },
      ],
      value: after,
    });
  });
}

/**
 * Deletes a custom role nobody holds. The table is append-only, so the role is marked deleted
 * (its audit chain stays verifiable) and its name is released for reuse; the commit's condition
 * on the member counter refuses a deletion that races an assignment.
 */
export async function deleteRole(
  deps: Deps,
  roleId: string,
  context: CommandContext<Role>,
): Promise<Result<CommandOutcome<Role>, DomainError>> {
  return runCommand(deps, { ...context, lockKeys: [`ROLE#${roleId}`] }, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const role = await mutableRole(deps, roleId);
    if (!role.ok) return role;
    const before = role.value;
    if (before.memberCount > 0) {
      return err({ code: 'ROLE_IN_USE', roleId, members: before.memberCount });
    }
    const now = deps.clock.now().toISOString();
    const appended = appendToChain(
      before.audit,
      roleAudit(before, 'ROLE_DELETED', context.actor, now),
    );
    const after: Role = {
      ...before,
      version: before.version + 1,
      audit: appended.head,
      updatedAt: now,
    };
    return ok({
      ops: [
        { kind: 'deleteRole', before, after },
        { kind: 'appendAudit', record: appended.record },
        { kind: 'releaseRoleName', name: before.name, roleId },
      ],
      value: after,
    });
  });
}

async function mutableRole(
  deps: Pick<Dependencies, 'ledger'>,
  roleId: string,
): Promise<Result<Role, DomainError>> {
  const role = await deps.ledger.getRole(roleId);
  if (role === undefined) return err({ code: 'ROLE_NOT_FOUND', roleId });
  if (role.system) return err({ code: 'ROLE_IS_SYSTEM', roleId });
  return ok(role);
}

const limitsText = (limits: readonly Money[]): string =>
  limits.map((limit) => `${limit.toString()} ${limit.currency}`).join(',');

/** The audit input of a role change: what the role grants after it (no personal data). */
function roleAudit(role: Role, action: string, actor: string, at: string) {
  return {
    chainId: `ROLE#${role.id}`,
    at,
    entityType: 'ROLE',
    entityId: role.id,
    action,
    actor,
    data: {
      name: role.name,
      permissions: role.permissions.join(','),
      transactionLimits: limitsText(role.transactionLimits),
      approvalLimits: limitsText(role.approvalLimits),
    },
  };
}
