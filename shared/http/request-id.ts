import { ulid } from 'ulid';

/** What we accept as a caller's correlation id: short, printable, no separators of log syntax. */
const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The correlation id of a request: the caller's `X-Request-Id` when it is acceptable, else API
 * Gateway's own request id, else a fresh ULID. A hostile header is replaced, never echoed.
 */
export function resolveRequestId(
  header: string | undefined,
  gatewayRequestId: string | undefined,
): string {
  if (header !== undefined && acceptableRequestId.test(header)) return header;
  if (gatewayRequestId !== undefined && acceptableRequestId.test(gatewayRequestId)) {
    return gatewayRequestId;
  }
  return ulid();
}
