import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { z } from 'zod';
import { ApiError, type FieldProblem } from '../error-responses';
import { acceptableIdempotencyKey } from '../commands';
import { edgeState } from './edge-response';

/**
 * Validates path parameters, query and body against the route's strict zod schemas. Every
 * problem is reported at once as `VALIDATION_FAILED` with `{path, message}` per field; body
 * fields are named by their path in the body, the others are prefixed `path.` / `query.`.
 */
export function validateRequest(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const { event } = request;
      const state = edgeState(event);
      const route = state.route;
      if (route === undefined) return;
      const { contract } = route;
      const problems: FieldProblem[] = [];
      const params = parsePart(contract.params, route.pathParameters, 'path', problems);
      const query = parsePart(contract.query, event.queryStringParameters ?? {}, 'query', problems);
      const body = parsePart(contract.body, event.body ?? undefined, '', problems);
      // Reported with the other field problems, so a bad key is named even when the body is bad.
      const key = state.headers['idempotency-key'];
      if (
        contract.idempotent === true &&
        key !== undefined &&
        !acceptableIdempotencyKey.test(key)
      ) {
        problems.push({
          path: 'header.Idempotency-Key',
          message: 'Must be 1-255 printable ASCII characters',
        });
      }
      if (problems.length > 0) {
        throw new ApiError('VALIDATION_FAILED', describe(problems), { errors: problems });
      }
      state.input = { params, query, body };
    },
  };
}

function parsePart(
  schema: z.ZodType | undefined,
  value: unknown,
  prefix: string,
  problems: FieldProblem[],
): unknown {
  if (schema === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const base = [prefix, ...issue.path.map(String)].filter((part) => part !== '');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ path: [...base, key].join('.'), message: 'Unknown field' });
      }
    } else {
      problems.push({ path: base.join('.'), message: issue.message });
    }
  }
  return undefined;
}

function describe(problems: readonly FieldProblem[]): string {
  const first = problems[0];
  if (first === undefined) return 'The request is not valid';
  const where = first.path === '' ? 'body' : first.path;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `${where}: ${first.message}${more}`;
}
