import * as z from 'zod';
import { defineRoute } from '../route';
import { PageQuerySchema, pageOf } from '../schemas/common';
import { AccountSchema, CustomerSchema } from '../schemas/ledger';
import { CreateCustomerBodySchema, RefSchema } from '../schemas/requests';

const customerParams = z.strictObject({ customerId: RefSchema });

/** Customers: identity data sealed at rest; KYC and search arrive with the identity module. */
export const customerRoutes = {
  createCustomer: defineRoute({
    method: 'POST',
    path: '/customers',
    group: 'customers',
    permission: 'CREATE_CUSTOMER',
    summary: 'Register a customer',
    body: CreateCustomerBodySchema,
    idempotent: true,
    success: { status: 201, description: 'The customer', schema: CustomerSchema },
  }),
  findCustomers: defineRoute({
    method: 'GET',
    path: '/customers',
    group: 'customers',
    permission: 'VIEW_CUSTOMER',
    summary: 'Find customers by exact email (a blind-index lookup; nothing is decrypted to search)',
    query: z.strictObject({ email: z.email().max(254) }),
    success: { status: 200, description: 'The matching customers', schema: pageOf(CustomerSchema) },
  }),
  getCustomer: defineRoute({
    method: 'GET',
    path: '/customers/{customerId}',
    group: 'customers',
    permission: 'VIEW_CUSTOMER',
    summary: 'Get a customer',
    params: customerParams,
    success: { status: 200, description: 'The customer', schema: CustomerSchema },
    errorCodes: ['CUSTOMER_NOT_FOUND'],
  }),
  updateCustomerKyc: defineRoute({
    method: 'PUT',
    path: '/customers/{customerId}/kyc',
    group: 'customers',
    permission: 'MODIFY_CUSTOMER',
    summary: "Record a customer's KYC status and tier",
    params: customerParams,
    body: z
      .strictObject({
        status: z.enum(['PENDING', 'VERIFIED', 'REJECTED', 'EXPIRED']),
        tier: z.number().int().min(0).max(3),
      })
      .meta({ id: 'KycDecision' }),
    idempotent: true,
    success: {
      status: 200,
      description: 'The customer after the decision',
      schema: CustomerSchema,
    },
    errorCodes: ['CUSTOMER_NOT_FOUND', 'CONFLICT'],
  }),
  listCustomerAccounts: defineRoute({
    method: 'GET',
    path: '/customers/{customerId}/accounts',
    group: 'customers',
    permission: 'VIEW_ACCOUNT',
    summary: "List a customer's accounts",
    params: customerParams,
    query: PageQuerySchema,
    success: { status: 200, description: 'A page of accounts', schema: pageOf(AccountSchema) },
    errorCodes: ['CUSTOMER_NOT_FOUND'],
  }),
} as const;
