import { canonicalJson, sha256Hex } from '../application/audit/audit-chain';
import type { Principal } from '../application/identity/ports';
import type { CommandContext } from '../application/ledger/accounts';
import type {
  CommandOutcome,
  IdempotencyRequest,
  StoredResponse,
} from '../application/ledger/run-command';
import type { DomainError } from '../domain/errors';
import type { Result } from '../domain/result';
import { ApiError, apiErrorFrom } from './error-responses';
import type { Reply } from './http-handler';

/** API.md: 1–255 characters; we also refuse control characters and spaces at the ends. */
export const acceptableIdempotencyKey = /^[\x21-\x7E](?:[\x20-\x7E]{0,253}[\x21-\x7E])?$/;

/**
 * The idempotency binding of a request: its `Idempotency-Key` header (absent: none), the
 * operation, and a SHA-256 over the canonical form of the validated input, so the same key with
 * a different body is told apart from a retry.
 */
export function idempotencyOf(
  request: {
    readonly headers: Readonly<Record<string, string>>;
    readonly params?: unknown;
    readonly body?: unknown;
  },
  operation: string,
): IdempotencyRequest | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!acceptableIdempotencyKey.test(key)) {
    throw new ApiError('VALIDATION_FAILED', 'Idempotency-Key must be 1-255 printable characters', {
      errors: [
        { path: 'header.Idempotency-Key', message: 'Must be 1-255 printable ASCII characters' },
      ],
    });
  }
  return {
    key,
    operation,
    requestHash: sha256Hex(
      canonicalJson({ operation, params: request.params ?? null, body: request.body ?? null }),
    ),
  };
}

/**
 * The context of a command from its request: the caller as actor (for the audit trail), the
 * idempotency binding, how to render the stored response, and the invocation's deadline.
 */
export function commandContext<T>(
  request: {
    readonly headers: Readonly<Record<string, string>>;
    readonly params?: unknown;
    readonly body?: unknown;
    readonly principal: Principal | undefined;
    readonly deadlineAt: number;
  },
  operation: string,
  render: (value: T) => StoredResponse,
): CommandContext<T> {
  return {
    actor: request.principal?.userId ?? 'anonymous',
    idempotency: idempotencyOf(request, operation),
    render,
    deadlineAt: request.deadlineAt,
  };
}

/** A JSON response to store and send. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): StoredResponse {
  return { status, body: JSON.stringify(body), headers };
}

/** The HTTP reply of a command: its first response, or the stored one marked as a replay. */
export function commandReply<T>(
  outcome: Result<CommandOutcome<T>, DomainError>,
  render: (value: T) => StoredResponse,
): Reply<never> {
  if (!outcome.ok) throw apiErrorFrom(outcome.error);
  if (outcome.value.replayed) {
    const { response } = outcome.value;
    return {
      status: response.status,
      serialized: response.body,
      headers: { ...response.headers, 'Idempotent-Replayed': 'true' },
    };
  }
  const response = render(outcome.value.value);
  return { status: response.status, serialized: response.body, headers: response.headers };
}

/** The value of a query result, or the domain error as an HTTP error. */
export function valueOrThrow<T>(result: Result<T, DomainError>): T {
  if (!result.ok) throw apiErrorFrom(result.error);
  return result.value;
}
