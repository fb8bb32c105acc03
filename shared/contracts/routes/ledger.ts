import * as z from 'zod';
import { defineRoute } from '../route';
import { PageQuerySchema, pageOf } from '../schemas/common';
import {
  AuditRecordSchema,
  AuditCheckpointSchema,
  AuditVerificationSchema,
  FxRateSchema,
  JournalEntrySchema,
  TrialBalanceSchema,
} from '../schemas/ledger';
import { FxRateBodySchema, RefSchema } from '../schemas/requests';

/** The general ledger, FX rates and the audit trail. */
export const ledgerRoutes = {
  getTrialBalance: defineRoute({
    method: 'GET',
    path: '/ledger/trial-balance',
    group: 'ledger',
    permission: 'VIEW_REPORTS',
    summary: 'Trial balance per currency and GL account, from balances (never a scan)',
    success: {
      status: 200,
      description: 'Debits equal credits in every currency',
      schema: TrialBalanceSchema,
    },
  }),
  getJournalEntry: defineRoute({
    method: 'GET',
    path: '/ledger/journal-entries/{entryId}',
    group: 'ledger',
    permission: 'VIEW_REPORTS',
    summary: 'A balanced journal entry with its lines',
    params: z.strictObject({ entryId: RefSchema }),
    success: { status: 200, description: 'The entry', schema: JournalEntrySchema },
    errorCodes: ['JOURNAL_ENTRY_NOT_FOUND'],
  }),
  setFxRate: defineRoute({
    method: 'PUT',
    path: '/fx/rates',
    group: 'ledger',
    permission: 'SYSTEM_CONFIG',
    summary: 'Set the rate of a currency pair (1 base = rate quote)',
    body: FxRateBodySchema,
    idempotent: true,
    success: { status: 200, description: 'The stored rate', schema: FxRateSchema },
  }),
  listFxRates: defineRoute({
    method: 'GET',
    path: '/fx/rates',
    group: 'ledger',
    permission: 'VIEW_TRANSACTION',
    summary: 'All current FX rates',
    success: {
      status: 200,
      description: 'The rates',
      schema: z.object({ items: z.array(FxRateSchema) }),
    },
  }),
  listAuditEvents: defineRoute({
    method: 'GET',
    path: '/audit/events',
    group: 'ledger',
    permission: 'VIEW_AUDIT_LOG',
    summary: 'Audit records, newest first, optionally for one entity',
    query: PageQuerySchema.extend({
      entityType: z
        .enum([
          'ACCOUNT',
          'CUSTOMER',
          'FX_RATE',
          'USER',
          'ROLE',
          'ENCRYPTION_KEY',
          'PRODUCT',
          'TERM_DEPOSIT',
        ])
        .optional(),
      entityId: RefSchema.optional(),
    }),
    success: {
      status: 200,
      description: 'A page of audit records',
      schema: pageOf(AuditRecordSchema),
    },
  }),
  createAuditCheckpoint: defineRoute({
    method: 'POST',
    path: '/audit/checkpoints',
    group: 'ledger',
    permission: 'SYSTEM_CONFIG',
    summary: 'Hash every audit chain head together (chained to the previous checkpoint)',
    description: 'Publish the returned root outside Nexum: verify then detects any later rewrite.',
    idempotent: true,
    success: { status: 201, description: 'The checkpoint', schema: AuditCheckpointSchema },
  }),
  verifyAudit: defineRoute({
    method: 'GET',
    path: '/audit/verify',
    group: 'ledger',
    permission: 'VIEW_AUDIT_LOG',
    summary: 'Recompute every audit hash chain and report the first broken record',
    query: z.strictObject({ chainId: z.string().max(200).optional() }),
    success: { status: 200, description: 'The verification', schema: AuditVerificationSchema },
  }),
} as const;
