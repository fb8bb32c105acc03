import * as z from 'zod';
import { TextSchema } from './common-fields';
import { PageQuerySchema } from './common';
import { MoneySchema } from './money';

const FraudDecisionStatusSchema = z.enum(['BLOCKED', 'PENDING_REVIEW', 'APPROVED', 'REJECTED']);

/** A decision as Bastion (or the fallback) made it. */
const DecisionFields = {
  action: z.enum(['APPROVE', 'REVIEW', 'BLOCK']),
  score: z.number().optional().describe("Bastion's risk score (0-1); absent for a fallback"),
  reasons: z.array(z.string()),
  source: z.string().describe('BASTION, FALLBACK (Bastion down, slow or confused) or CIRCUIT_OPEN'),
};

/** A movement that fraud screening stopped: blocked, or held for review and then decided. */
export const FraudCaseSchema = z
  .object({
    transactionId: z.string(),
    status: FraudDecisionStatusSchema,
    type: z.enum(['DEPOSIT', 'WITHDRAWAL', 'TRANSFER', 'FX_TRANSFER']),
    amount: MoneySchema,
    fromAccountId: z.string().optional(),
    toAccountId: z.string().optional(),
    ...DecisionFields,
    holdId: z.string().optional().describe('The hold on the paying account while in review'),
    createdAt: z.string(),
    resolvedAt: z.string().optional(),
    resolvedBy: z.string().optional(),
    journalEntryId: z.string().optional().describe('The entry booked by an approval'),
  })
  .meta({ id: 'FraudCase' });

/** GET /transactions/{id}/fraud-score: the stored decision, and its case when it stopped the movement. */
export const FraudScoreSchema = z
  .object({
    transactionId: z.string(),
    ...DecisionFields,
    case: FraudCaseSchema.optional(),
  })
  .meta({ id: 'FraudScore' });

export const FraudStatusSchema = z
  .object({
    enabled: z.boolean(),
    circuit: z.enum(['CLOSED', 'OPEN', 'HALF_OPEN']),
    consecutiveFailures: z.number().int(),
    calls: z.number().int(),
    failures: z.number().int(),
    fallbacks: z.number().int(),
    decisions: z.object({
      APPROVE: z.number().int(),
      REVIEW: z.number().int(),
      BLOCK: z.number().int(),
    }),
    scope: z.literal('container').describe('Counters and breaker are per function container'),
    pendingReviews: z
      .number()
      .int()
      .describe('Movements waiting for a reviewer (first page, at most 200)'),
  })
  .meta({ id: 'FraudStatus' });

export const FraudCasesQuerySchema = PageQuerySchema.extend({
  status: FraudDecisionStatusSchema.default('PENDING_REVIEW'),
});

export const ApproveHeldBodySchema = z
  .strictObject({ note: TextSchema(500).optional() })
  .optional()
  .meta({ id: 'ReviewApproval' });

export const RejectHeldBodySchema = z
  .strictObject({ reason: TextSchema(500) })
  .meta({ id: 'ReviewRejection' });
