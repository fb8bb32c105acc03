import * as z from 'zod';
import { grantablePermissions, type Grantable } from '../../domain/identity/roles';
import { PASSWORD_MAX_LENGTH } from '../../domain/identity/password-policy';
import { TextSchema } from './common-fields';
import { PageQuerySchema } from './common';
import { AmountSchema, CurrencySchema, MoneySchema, refineMoney } from './money';
import { RefSchema } from './requests';

/** One of the 36 permissions a role can grant (the original's names). */
export const PermissionSchema = z
  .enum(grantablePermissions as [Grantable, ...Grantable[]])
  .meta({ id: 'Permission' });

/** Role names are UPPER_SNAKE, like the system roles' (ADMIN, LOAN_OFFICER). */
export const RoleNameSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/, 'UPPER_SNAKE_CASE, e.g. SENIOR_TELLER')
  .max(64);

export const UsernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$/, '3-64 letters, digits, dots, dashes, @ or _');

const LimitSchema = z
  .strictObject({ amount: AmountSchema, currency: CurrencySchema })
  .superRefine((value, context) => refineMoney(value, context));

/** Per-currency caps: at most one per currency; a currency not listed is unlimited. */
const LimitsSchema = z
  .array(LimitSchema)
  .max(50)
  .superRefine((limits, context) => {
    const seen = new Set<string>();
    limits.forEach((limit, index) => {
      if (seen.has(limit.currency)) {
        context.addIssue({
          code: 'custom',
          path: [index, 'currency'],
          message: 'At most one limit per currency',
        });
      }
      seen.add(limit.currency);
    });
  });

const PermissionsSchema = z
  .array(PermissionSchema)
  .max(grantablePermissions.length)
  .refine((list) => new Set(list).size === list.length, 'Each permission at most once');

export const CreateRoleBodySchema = z
  .strictObject({
    name: RoleNameSchema,
    description: TextSchema(500).optional(),
    permissions: PermissionsSchema,
    transactionLimits: LimitsSchema.optional(),
    approvalLimits: LimitsSchema.optional(),
  })
  .meta({ id: 'CreateRoleRequest' });

export const UpdateRoleBodySchema = z
  .strictObject({
    description: TextSchema(500).optional(),
    permissions: PermissionsSchema.optional(),
    transactionLimits: LimitsSchema.optional(),
    approvalLimits: LimitsSchema.optional(),
  })
  .meta({
    id: 'UpdateRoleRequest',
    description: 'Fields given replace the current ones; fields left out stay as they are.',
  });

export const RoleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    system: z.boolean(),
    permissions: z.array(z.string()),
    transactionLimits: z.array(MoneySchema),
    approvalLimits: z.array(MoneySchema),
    memberCount: z.number().int(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Role' });

const EmailSchema = z.email().max(254);
const FullNameSchema = TextSchema(200);

export const CreateUserBodySchema = z
  .strictObject({
    username: UsernameSchema,
    password: z
      .string()
      .min(1)
      .max(PASSWORD_MAX_LENGTH * 2),
    roles: z.array(RefSchema).max(20),
    email: EmailSchema.optional(),
    fullName: FullNameSchema.optional(),
    branchId: RefSchema.optional(),
  })
  .meta({ id: 'CreateUserRequest' });

export const UpdateUserBodySchema = z
  .strictObject({
    email: EmailSchema.nullable().optional(),
    fullName: FullNameSchema.nullable().optional(),
    branchId: RefSchema.nullable().optional(),
  })
  .meta({
    id: 'UpdateUserRequest',
    description: 'A field given replaces the current value, null clears it, absent keeps it.',
  });

export const UserSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    roles: z.array(z.string()),
    active: z.boolean(),
    locked: z.boolean().meta({ description: 'Locked by an administrator (only unlock opens it)' }),
    lockedUntil: z
      .string()
      .nullable()
      .meta({ description: 'Locked after failed sign-ins until then' }),
    email: z.string().nullable(),
    fullName: z.string().nullable(),
    branchId: z.string().nullable(),
    lastLoginAt: z.string().nullable(),
    passwordChangedAt: z.string(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'User', description: 'A staff user; the password hash is never returned.' });

export const ListUsersQuerySchema = PageQuerySchema.extend({
  role: RefSchema.optional(),
  active: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
});

export const EffectivePermissionsSchema = z
  .object({
    userId: z.string(),
    username: z.string(),
    roles: z.array(z.string()),
    permissions: z.array(z.string()),
    transactionLimits: z.array(MoneySchema),
    approvalLimits: z.array(MoneySchema),
  })
  .meta({
    id: 'EffectivePermissions',
    description:
      "The union of the roles' permissions and, per currency, the most generous limit among " +
      'the roles granting CREATE_TRANSACTION (transaction) or an APPROVE_* permission ' +
      '(approval). A currency not listed is unlimited for a user who holds the permission.',
  });
