import {
  createRole,
  deleteRole,
  getRole,
  listRoles,
  updateRole,
} from '@shared/application/identity/staff-roles';
import {
  assignRole,
  changeUserStatus,
  createStaffUser,
  effectivePermissions,
  getStaffUser,
  listStaffUsers,
  removeRole,
  updateStaffUser,
  type StaffUser,
  type UserStatusAction,
} from '@shared/application/identity/staff-users';
import type { Principal } from '@shared/application/identity/ports';
import type { Dependencies } from '@shared/application/ports';
import type { Role } from '@shared/domain/identity/roles';
import { Money, type CurrencyCode } from '@shared/domain/money';
import type { RouteTable } from '@shared/contracts/routes';
import { commandContext, commandReply, jsonResponse, valueOrThrow } from '@shared/http/commands';
import type { GroupImplementations, RouteRequest } from '@shared/http/http-handler';
import { effectivePermissionsWire, roleWire, userWire } from '@shared/http/rbac-wire';

type Limits = readonly { readonly amount: string; readonly currency: string }[] | undefined;

const moneyOf = (limits: Limits): Money[] | undefined =>
  limits?.map((limit) => Money.of(limit.amount, limit.currency as CurrencyCode));

const permissionsOf = (request: { readonly principal: Principal | undefined }) => {
  if (request.principal === undefined) throw new Error('The edge let an anonymous caller through');
  return request.principal.permissions;
};

/** The rbac group's routes: staff users and roles. */
export function rbacRoutes(deps: Dependencies): GroupImplementations<'rbac'> {
  const renderUser = (user: StaffUser) => jsonResponse(200, userWire(user));
  const renderRole = (role: Role) => jsonResponse(200, roleWire(role));

  const userStatus =
    (action: UserStatusAction, operation: string) =>
    async (request: RouteRequest<RouteTable['activateUser']>) => {
      const outcome = await changeUserStatus(
        deps,
        request.params.userId,
        action,
        commandContext(request, operation, renderUser),
      );
      return commandReply(outcome, renderUser);
    };

  return {
    createUser: async (request) => {
      const render = (user: StaffUser) =>
        jsonResponse(201, userWire(user), {
          Location: `${request.basePath}/rbac/users/${user.user.id}`,
        });
      const outcome = await createStaffUser(deps, request.body, {
        ...commandContext(request, 'createUser', render),
        actorPermissions: permissionsOf(request),
      });
      return commandReply(outcome, render);
    },
    listUsers: async ({ query }) => {
      const page = await listStaffUsers(
        deps,
        { role: query.role, active: query.active },
        { limit: query.limit, cursor: query.cursor },
      );
      return { body: { items: page.items.map(userWire), nextCursor: page.nextCursor } };
    },
    getUser: async ({ params }) => ({
      body: userWire(valueOrThrow(await getStaffUser(deps, params.userId))),
    }),
    updateUser: async (request) => {
      const outcome = await updateStaffUser(
        deps,
        request.params.userId,
        request.body,
        commandContext(request, 'updateUser', renderUser),
      );
      return commandReply(outcome, renderUser);
    },
    activateUser: userStatus('activate', 'activateUser'),
    deactivateUser: userStatus('deactivate', 'deactivateUser'),
    lockUser: userStatus('lock', 'lockUser'),
    unlockUser: userStatus('unlock', 'unlockUser'),
    assignRole: async (request) => {
      const outcome = await assignRole(deps, request.params.userId, request.params.roleId, {
        ...commandContext(request, 'assignRole', renderUser),
        actorPermissions: permissionsOf(request),
      });
      return commandReply(outcome, renderUser);
    },
    removeRole: async (request) => {
      const outcome = await removeRole(
        deps,
        request.params.userId,
        request.params.roleId,
        commandContext(request, 'removeRole', renderUser),
      );
      return commandReply(outcome, renderUser);
    },
    getUserPermissions: async ({ params }) => ({
      body: effectivePermissionsWire(valueOrThrow(await effectivePermissions(deps, params.userId))),
    }),
    createRole: async (request) => {
      const render = (role: Role) =>
        jsonResponse(201, roleWire(role), {
          Location: `${request.basePath}/rbac/roles/${role.id}`,
        });
      const { body } = request;
      const outcome = await createRole(
        deps,
        {
          name: body.name,
          description: body.description,
          permissions: body.permissions,
          transactionLimits: moneyOf(body.transactionLimits),
          approvalLimits: moneyOf(body.approvalLimits),
        },
        {
          ...commandContext(request, 'createRole', render),
          actorPermissions: permissionsOf(request),
        },
      );
      return commandReply(outcome, render);
    },
    listRoles: async ({ query }) => {
      const page = await listRoles(deps, query);
      return { body: { items: page.items.map(roleWire), nextCursor: page.nextCursor } };
    },
    getRole: async ({ params }) => ({
      body: roleWire(valueOrThrow(await getRole(deps, params.roleId))),
    }),
    updateRole: async (request) => {
      const { body } = request;
      const outcome = await updateRole(
        deps,
        request.params.roleId,
        {
          description: body.description,
          permissions: body.permissions,
          transactionLimits: moneyOf(body.transactionLimits),
          approvalLimits: moneyOf(body.approvalLimits),
        },
        {
          ...commandContext(request, 'updateRole', renderRole),
          actorPermissions: permissionsOf(request),
        },
      );
      return commandReply(outcome, renderRole);
    },
    deleteRole: async (request) => {
      // No body, so a retry with the same key needs no stored response to replay: it is a 204 too.
      const render = () => ({ status: 204, body: '', headers: {} });
      valueOrThrow(
        await deleteRole(
          deps,
          request.params.roleId,
          commandContext(request, 'deleteRole', render),
        ),
      );
      return { body: '', status: 204 };
    },
  };
}
