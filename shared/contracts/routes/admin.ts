import * as z from 'zod';
import { defineRoute } from '../route';
import {
  AsOfDateBodySchema,
  BusinessDateBodySchema,
  BusinessDateViewSchema,
  EodBodySchema,
  EodExecutionSchema,
  EodRunSchema,
  InterestRunResultSchema,
} from '../schemas/admin';
import { RefSchema } from '../schemas/requests';

const accrue = {
  method: 'POST',
  group: 'admin',
  permission: 'SYSTEM_CONFIG',
  summary: 'Accrue interest on every interest-bearing account up to a date (catch-up included)',
  body: AsOfDateBodySchema,
  success: { status: 200, description: 'Accounts visited', schema: InterestRunResultSchema },
  errorCodes: ['BUSINESS_DATE_NOT_ALLOWED'],
} as const;

const post = {
  method: 'POST',
  group: 'admin',
  permission: 'SYSTEM_CONFIG',
  summary: 'Post accrued interest to the accounts whose posting period ends on or before a date',
  body: AsOfDateBodySchema,
  success: { status: 200, description: 'Accounts visited', schema: InterestRunResultSchema },
  errorCodes: ['BUSINESS_DATE_NOT_ALLOWED'],
} as const;

/**
 * Batch administration: the business date, interest accrual and posting, end-of-day runs.
 * Reads need VIEW_REPORTS, changes SYSTEM_CONFIG.
 */
export const adminRoutes = {
  getBusinessDate: defineRoute({
    method: 'GET',
    path: '/admin/business-date',
    group: 'admin',
    permission: 'VIEW_REPORTS',
    summary: 'The business date batch work runs for',
    success: { status: 200, description: 'The business date', schema: BusinessDateViewSchema },
  }),
  setBusinessDate: defineRoute({
    method: 'PUT',
    path: '/admin/business-date',
    group: 'admin',
    permission: 'SYSTEM_CONFIG',
    summary: 'Initialise the business date, or move it forward by exactly one day',
    body: BusinessDateBodySchema,
    success: { status: 200, description: 'The business date', schema: BusinessDateViewSchema },
    errorCodes: ['BUSINESS_DATE_NOT_ALLOWED'],
  }),
  accrueInterest: defineRoute({ ...accrue, path: '/admin/interest/accrue' }),
  accrueInterestDaily: defineRoute({
    ...accrue,
    path: '/admin/interest/daily-accrual',
    summary: 'Alias of POST /admin/interest/accrue (original path)',
  }),
  postInterest: defineRoute({ ...post, path: '/admin/interest/post' }),
  postInterestMonthly: defineRoute({
    ...post,
    path: '/admin/interest/monthly-posting',
    summary: 'Alias of POST /admin/interest/post (original path)',
  }),
  startEndOfDay: defineRoute({
    method: 'POST',
    path: '/admin/eod',
    group: 'admin',
    permission: 'SYSTEM_CONFIG',
    summary: 'Start the end-of-day run for the business date',
    description:
      'Locally the run is carried out in the API process and the reply is the run. In AWS the ' +
      'EndOfDay state machine is started instead (one execution per business date, named after ' +
      'it) and the reply is the execution; a second request while it runs gets the same one, ' +
      'after it finished 409 CONFLICT.',
    body: EodBodySchema,
    success: {
      status: 202,
      description: 'The run (local) or the state machine execution (AWS), started',
      schema: z.union([EodRunSchema, EodExecutionSchema]),
    },
    errorCodes: ['BUSINESS_DATE_NOT_ALLOWED', 'CONFLICT'],
  }),
  getEndOfDayRun: defineRoute({
    method: 'GET',
    path: '/admin/eod/{runId}',
    group: 'admin',
    permission: 'VIEW_REPORTS',
    summary: 'An end-of-day run with its segments',
    params: z.strictObject({ runId: RefSchema }),
    success: { status: 200, description: 'The run', schema: EodRunSchema },
    errorCodes: ['NOT_FOUND'],
  }),
};
