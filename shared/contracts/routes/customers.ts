import * as z from 'zod';
import { defineRoute } from '../route';
import { PageQuerySchema, pageOf } from '../schemas/common';
import {
  AccountSchema,
  BeneficiarySchema,
  CustomerSchema,
  EncryptionStatusSchema,
  RotationStartedSchema,
} from '../schemas/ledger';
import {
  AddBeneficiaryBodySchema,
  CreateCustomerBodySchema,
  FindCustomersQuerySchema,
  KycDecisionBodySchema,
  RefSchema,
  ReplaceCustomerBodySchema,
} from '../schemas/requests';

const customerParams = z.strictObject({ customerId: RefSchema });

/**
 * Customers: personal data sealed at rest under a key per customer (crypto-shredding), exact
 * lookups through blind indexes, KYC, beneficiaries, and the PII key's rotation.
 */
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
    summary:
      'Find customers by exactly one of email, phone, nationalId (blind-index lookups: nothing is ' +
      'decrypted to search) or externalId; without a filter, list every customer newest first',
    query: FindCustomersQuerySchema,
    success: { status: 200, description: 'The matching customers', schema: pageOf(CustomerSchema) },
  }),
  getCustomer: defineRoute({
    method: 'GET',
    path: '/customers/{customerId}',
    group: 'customers',
    permission: 'VIEW_CUSTOMER',
    summary: 'Get a customer (personal fields are null once the customer is erased)',
    params: customerParams,
    success: { status: 200, description: 'The customer', schema: CustomerSchema },
    errorCodes: ['CUSTOMER_NOT_FOUND'],
  }),
  replaceCustomer: defineRoute({
    method: 'PUT',
    path: '/customers/{customerId}',
    group: 'customers',
    permission: 'MODIFY_CUSTOMER',
    summary: "Replace a customer's personal fields (the create body; externalId kept when absent)",
    params: customerParams,
    body: ReplaceCustomerBodySchema,
    idempotent: true,
    success: { status: 200, description: 'The customer after the change', schema: CustomerSchema },
    errorCodes: ['CUSTOMER_NOT_FOUND', 'CUSTOMER_ERASED', 'CONFLICT'],
  }),
  eraseCustomerData: defineRoute({
    method: 'DELETE',
    path: '/customers/{customerId}/personal-data',
    group: 'customers',
    permission: 'DELETE_CUSTOMER',
    summary:
      "Erase a customer's personal data (crypto-shredding; idempotent): accounts and ledger stay",
    params: customerParams,
    success: { status: 200, description: 'The erased customer', schema: CustomerSchema },
    errorCodes: ['CUSTOMER_NOT_FOUND', 'CONFLICT'],
  }),
  updateCustomerKyc: defineRoute({
    method: 'PUT',
    path: '/customers/{customerId}/kyc',
    group: 'customers',
    permission: 'MODIFY_CUSTOMER',
    summary: "Record a customer's KYC status and tier",
    params: customerParams,
    body: KycDecisionBodySchema,
    idempotent: true,
    success: {
      status: 200,
      description: 'The customer after the decision',
      schema: CustomerSchema,
    },
    errorCodes: ['CUSTOMER_NOT_FOUND', 'CONFLICT'],
  }),
  addBeneficiary: defineRoute({
    method: 'POST',
    path: '/customers/{customerId}/beneficiaries',
    group: 'customers',
    permission: 'MODIFY_CUSTOMER',
    summary: 'Add a beneficiary (shares of one customer total at most 100)',
    params: customerParams,
    body: AddBeneficiaryBodySchema,
    idempotent: true,
    success: { status: 201, description: 'The beneficiary', schema: BeneficiarySchema },
    errorCodes: [
      'CUSTOMER_NOT_FOUND',
      'CUSTOMER_ERASED',
      'BENEFICIARY_SHARES_EXCEEDED',
      'BENEFICIARY_LIMIT_REACHED',
      'CONFLICT',
    ],
  }),
  listBeneficiaries: defineRoute({
    method: 'GET',
    path: '/customers/{customerId}/beneficiaries',
    group: 'customers',
    permission: 'VIEW_CUSTOMER',
    summary: "List a customer's beneficiaries",
    params: customerParams,
    success: {
      status: 200,
      description: 'Every beneficiary (at most 20)',
      schema: pageOf(BeneficiarySchema),
    },
    errorCodes: ['CUSTOMER_NOT_FOUND'],
  }),
  removeBeneficiary: defineRoute({
    method: 'DELETE',
    path: '/customers/{customerId}/beneficiaries/{beneficiaryId}',
    group: 'customers',
    permission: 'MODIFY_CUSTOMER',
    summary: 'Remove a beneficiary',
    params: z.strictObject({ customerId: RefSchema, beneficiaryId: RefSchema }),
    success: {
      status: 200,
      description: 'The id of the removed beneficiary',
      schema: z.object({ id: z.string() }).meta({ id: 'RemovedBeneficiary' }),
    },
    errorCodes: ['CUSTOMER_NOT_FOUND', 'CUSTOMER_ERASED', 'BENEFICIARY_NOT_FOUND', 'CONFLICT'],
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
  rotatePiiKey: defineRoute({
    method: 'POST',
    path: '/encryption/rotate-key',
    group: 'customers',
    permission: 'SYSTEM_CONFIG',
    summary: 'Make a new PII key version current and re-wrap every customer key in the background',
    idempotent: true,
    success: {
      status: 202,
      description: 'The rotation, started (progress at /encryption/status)',
      schema: RotationStartedSchema,
    },
    errorCodes: ['CONFLICT'],
  }),
  encryptionStatus: defineRoute({
    method: 'GET',
    path: '/encryption/status',
    group: 'customers',
    permission: 'SYSTEM_CONFIG',
    summary: 'PII key versions, customers per version, and the last rotation',
    success: { status: 200, description: 'The status', schema: EncryptionStatusSchema },
  }),
} as const;
