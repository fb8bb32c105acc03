import * as z from 'zod';

/** RFC 9457 problem details, with Nexum's stable machine `code`. */
export const ProblemSchema = z
  .object({
    type: z.string().meta({ example: 'https://nexum.dev/problems/validation-failed' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().meta({ example: 'VALIDATION_FAILED' }),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' });

/** Query parameters shared by every list endpoint (API.md, pagination). */
export const PageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(1024).optional(),
});

/** A page of items with an opaque cursor for the next one. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
