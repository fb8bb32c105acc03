import { allowedOrigin, corsPolicy } from '../contracts/cors';

/**
 * Headers every API response carries. JSON answers are never cached and never framed; routes that
 * serve pages (the Swagger UI) replace the CSP and caching with their own.
 */
export const securityHeaders: Readonly<Record<string, string>> = {
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** CORS headers for an actual (non-preflight) request from `origin`. */
export function corsHeaders(
  origin: string | undefined,
  allowed: readonly string[],
): Record<string, string> {
  return withAllowedOrigin(origin, allowed, {
    'Access-Control-Expose-Headers': corsPolicy.exposeHeaders.join(', '),
  });
}

/** The answer to a CORS preflight, as API Gateway's OPTIONS methods give it. */
export function preflightHeaders(
  origin: string | undefined,
  allowed: readonly string[],
): Record<string, string> {
  return withAllowedOrigin(origin, allowed, {
    'Access-Control-Allow-Methods': corsPolicy.allowMethods.join(', '),
    'Access-Control-Allow-Headers': corsPolicy.allowHeaders.join(', '),
    'Access-Control-Max-Age': String(corsPolicy.maxAgeSeconds),
  });
}

/** `headers` plus the allowed origin, or nothing for an origin the tenant does not allow. */
function withAllowedOrigin(
  origin: string | undefined,
  allowed: readonly string[],
  headers: Record<string, string>,
): Record<string, string> {
  const allowOrigin = allowedOrigin(origin, allowed);
  if (allowOrigin === undefined) return {};
  return {
    'Access-Control-Allow-Origin': allowOrigin,
    ...headers,
    // A specific origin makes the response vary by Origin for caches.
    ...(allowOrigin === '*' ? {} : { Vary: 'Origin' }),
  };
}
