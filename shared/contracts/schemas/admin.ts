import * as z from 'zod';
import { isBusinessDate } from '../../domain/interest/business-date';

/** A business date: a real calendar day written YYYY-MM-DD. */
export const BusinessDateSchema = z
  .string()
  .refine((text) => isBusinessDate(text), 'A calendar date written YYYY-MM-DD')
  .meta({ id: 'BusinessDateValue', example: '2026-03-31' });

export const BusinessDateBodySchema = z
  .strictObject({ date: BusinessDateSchema })
  .meta({ id: 'BusinessDateRequest' });

export const BusinessDateViewSchema = z
  .object({
    date: BusinessDateSchema,
    initialized: z.boolean(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'BusinessDate' });

export const AsOfDateBodySchema = z
  .strictObject({ asOfDate: BusinessDateSchema })
  .meta({ id: 'InterestRunRequest' });

export const InterestRunResultSchema = z
  .object({ asOfDate: BusinessDateSchema, step: z.string(), accounts: z.number().int() })
  .meta({ id: 'InterestRunResult' });

export const EodBodySchema = z
  .strictObject({ date: BusinessDateSchema })
  .meta({ id: 'EodRequest' });

export const EodRunSchema = z
  .object({
    id: z.string(),
    businessDate: BusinessDateSchema,
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
    steps: z.array(z.string()),
    segments: z.array(
      z.object({
        segment: z.number().int(),
        status: z.enum(['PENDING', 'DONE', 'FAILED']),
        attempts: z.number().int(),
        accounts: z.number().int(),
        error: z.string().optional(),
      }),
    ),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    advancedTo: BusinessDateSchema.nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'EodRun' });

/** POST /admin/eod in AWS: the EndOfDay state machine's execution, started (its start task opens the run). */
export const EodExecutionSchema = z
  .object({
    executionId: z.string().describe('The Step Functions execution ARN, named after the date'),
    businessDate: BusinessDateSchema,
    status: z.literal('STARTED'),
    startedAt: z.string(),
  })
  .meta({ id: 'EodExecution' });
