import * as z from 'zod';
import { defineRoute } from '../route';
import { pageOf, PageQuerySchema } from '../schemas/common';
import {
  CreateRoleBodySchema,
  CreateUserBodySchema,
  EffectivePermissionsSchema,
  ListUsersQuerySchema,
  RoleSchema,
  UpdateRoleBodySchema,
  UpdateUserBodySchema,
  UserSchema,
} from '../schemas/rbac';
import { RefSchema } from '../schemas/requests';

const userParams = z.strictObject({ userId: RefSchema });
const roleParams = z.strictObject({ roleId: RefSchema });
const userRoleParams = z.strictObject({ userId: RefSchema, roleId: RefSchema });
const userResponse = { status: 200, description: 'The user', schema: UserSchema } as const;
const changeErrors = ['USER_NOT_FOUND', 'CONFLICT'];

const userStatusRoute = (
  action: 'activate' | 'deactivate' | 'lock' | 'unlock',
  summary: string,
  errorCodes: readonly string[],
) =>
  defineRoute({
    method: 'POST',
    path: `/rbac/users/{userId}/${action}`,
    group: 'rbac',
    permission: 'MANAGE_USERS',
    summary,
    params: userParams,
    success: userResponse,
    errorCodes: [...changeErrors, ...errorCodes],
  });

/** Staff users and roles (the original's /rbac admin API); every change is audited. */
export const rbacRoutes = {
  createUser: defineRoute({
    method: 'POST',
    path: '/rbac/users',
    group: 'rbac',
    permission: 'MANAGE_USERS',
    summary: 'Create a staff user with roles',
    description:
      'The password must meet the policy; the username is unique; every role must exist.',
    body: CreateUserBodySchema,
    idempotent: true,
    success: { status: 201, description: 'The user', schema: UserSchema },
    errorCodes: [
      'PASSWORD_POLICY_VIOLATION',
      'USERNAME_TAKEN',
      'ROLE_NOT_FOUND',
      'ROLE_EXCEEDS_CALLER',
    ],
  }),
  listUsers: defineRoute({
    method: 'GET',
    path: '/rbac/users',
    group: 'rbac',
    permission: 'MANAGE_USERS',
    summary: 'List staff users in username order, optionally by role and active state',
    query: ListUsersQuerySchema,
    success: { status: 200, description: 'A page of users', schema: pageOf(UserSchema) },
  }),
  getUser: defineRoute({
    method: 'GET',
    path: '/rbac/users/{userId}',
    group: 'rbac',
    permission: 'MANAGE_USERS',
    summary: 'Get a staff user',
    params: userParams,
    success: userResponse,
    errorCodes: ['USER_NOT_FOUND'],
  }),
  updateUser: defineRoute({
    method: 'PUT',
    path: '/rbac/users/{userId}',
    group: 'rbac',
    permission: 'MANAGE_USERS',
    summary: "Change a staff user's email, full name or branch",
    params: userParams,
    body: UpdateUserBodySchema,
    success: userResponse,
    errorCodes: changeErrors,
  }),
  activateUser: userStatusRoute('activate', 'Activate a user', []),
  deactivateUser: userStatusRoute('deactivate', 'Deactivate a user (its tokens stop working)', [
    'USER_CANNOT_DISABLE_SELF',
    'LAST_ACTIVE_ADMIN',
  ]),
  lockUser: userStatusRoute('lock', 'Lock a user until an administrator unlocks it', [
    'USER_CANNOT_DISABLE_SELF',
    'LAST_ACTIVE_ADMIN',
  ]),
  unlockUser: userStatusRoute(
    'unlock',
    'Unlock a user (also clears a lockout after failed sign-ins)',
    [],
  ),
  assignRole: defineRoute({
    method: 'POST',
    path: '/rbac/users/{userId}/roles/{roleId}',
    group: 'rbac',
    permission: 'MANAGE_USERS',
    summary: 'Give a user a role (no change if it holds it already)',
    params: userRoleParams,
    success: userResponse,
    errorCodes: [...changeErrors, 'ROLE_NOT_FOUND', 'ROLE_EXCEEDS_CALLER'],
  }),
  removeRole: defineRoute({
    method: 'DELETE',
    path: '/rbac/users/{userId}/roles/{roleId}',
    group: 'rbac',
    permission: 'MANAGE_USERS',
    summary: 'Take a role from a user (no change if it does not hold it)',
    params: userRoleParams,
    success: userResponse,
    errorCodes: [...changeErrors, 'LAST_ACTIVE_ADMIN'],
  }),
  getUserPermissions: defineRoute({
    method: 'GET',
    path: '/rbac/users/{userId}/permissions',
    group: 'rbac',
    permission: 'MANAGE_USERS',
    summary: "A user's effective permissions and amount limits",
    params: userParams,
    success: {
      status: 200,
      description: 'Effective permissions and limits',
      schema: EffectivePermissionsSchema,
    },
    errorCodes: ['USER_NOT_FOUND'],
  }),
  createRole: defineRoute({
    method: 'POST',
    path: '/rbac/roles',
    group: 'rbac',
    permission: 'MANAGE_ROLES',
    summary: 'Create a custom role',
    body: CreateRoleBodySchema,
    idempotent: true,
    success: { status: 201, description: 'The role', schema: RoleSchema },
    errorCodes: ['ROLE_NAME_TAKEN', 'ROLE_EXCEEDS_CALLER'],
  }),
  listRoles: defineRoute({
    method: 'GET',
    path: '/rbac/roles',
    group: 'rbac',
    permission: 'MANAGE_ROLES',
    summary: 'List roles (system and custom) in name order',
    query: PageQuerySchema,
    success: { status: 200, description: 'A page of roles', schema: pageOf(RoleSchema) },
  }),
  getRole: defineRoute({
    method: 'GET',
    path: '/rbac/roles/{roleId}',
    group: 'rbac',
    permission: 'MANAGE_ROLES',
    summary: 'Get a role',
    params: roleParams,
    success: { status: 200, description: 'The role', schema: RoleSchema },
    errorCodes: ['ROLE_NOT_FOUND'],
  }),
  updateRole: defineRoute({
    method: 'PUT',
    path: '/rbac/roles/{roleId}',
    group: 'rbac',
    permission: 'MANAGE_ROLES',
    summary: "Change a custom role's description, permissions or limits",
    description: 'Holders get the change within the principal cache TTL (30 s by default).',
    params: roleParams,
    body: UpdateRoleBodySchema,
    success: { status: 200, description: 'The role', schema: RoleSchema },
    errorCodes: ['ROLE_NOT_FOUND', 'ROLE_IS_SYSTEM', 'ROLE_EXCEEDS_CALLER', 'CONFLICT'],
  }),
  deleteRole: defineRoute({
    method: 'DELETE',
    path: '/rbac/roles/{roleId}',
    group: 'rbac',
    permission: 'MANAGE_ROLES',
    summary: 'Delete a custom role that no user holds',
    params: roleParams,
    success: { status: 204, description: 'Deleted' },
    errorCodes: ['ROLE_NOT_FOUND', 'ROLE_IS_SYSTEM', 'ROLE_IN_USE', 'CONFLICT'],
  }),
} as const;
