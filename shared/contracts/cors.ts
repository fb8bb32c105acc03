/**
 * The CORS policy of the API. API Gateway answers preflight requests from it in AWS and the local
 * server does the same locally; the functions add the response headers to actual requests.
 * Allowed origins are per tenant (NEXUM_CORS_ORIGINS / tenant settings), the rest is fixed here.
 */
export const corsPolicy = {
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
  exposeHeaders: ['X-Request-Id', 'Idempotent-Replayed', 'Location', 'Retry-After'],
  maxAgeSeconds: 600,
} as const;

/** The value of Access-Control-Allow-Origin for a request's Origin, or undefined for none. */
export function allowedOrigin(
  origin: string | undefined,
  allowed: readonly string[],
): string | undefined {
  if (origin === undefined) return undefined;
  if (allowed.includes('*')) return '*';
  return allowed.includes(origin) ? origin : undefined;
}
