import type { HttpMethod, RouteContract } from '../contracts/route';

export type MatchedRoute<R extends Pick<RouteContract, 'method' | 'path'>> =
  | { readonly kind: 'matched'; readonly route: R; readonly pathParameters: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly HttpMethod[] }
  | { readonly kind: 'not-found' };

export type RouteMatcher<R extends Pick<RouteContract, 'method' | 'path'>> = (
  method: string,
  path: string,
) => MatchedRoute<R>;

interface CompiledTemplate<R> {
  readonly segments: readonly { readonly literal?: string; readonly param?: string }[];
  readonly routes: R[];
}

/**
 * Matches concrete request paths against the route table's resource templates the way API
 * Gateway does: literal segments win over `{param}` segments, and a path that exists under
 * another method is a 405, not a 404. Used by the local server and by the catch-all route.
 */
export function createRouteMatcher<R extends Pick<RouteContract, 'method' | 'path'>>(
  routes: readonly R[],
): RouteMatcher<R> {
  const templates = new Map<string, CompiledTemplate<R>>();
  for (const route of routes) {
    const existing = templates.get(route.path);
    if (existing !== undefined) {
      existing.routes.push(route);
      continue;
    }
    const segments = splitPath(route.path).map((segment) => {
      const param = /^\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(segment)?.[1];
      return param === undefined ? { literal: segment } : { param };
    });
    templates.set(route.path, { segments, routes: [route] });
  }
  // More literal segments first, so `/accounts/search` beats `/accounts/{accountId}`.
  const ordered = [...templates.values()].sort(
    (a, b) => literalCount(b) - literalCount(a) || b.segments.length - a.segments.length,
  );

  return (method, path) => {
    const requestSegments = splitPath(path);
    const allowed = new Set<HttpMethod>();
    for (const template of ordered) {
      const pathParameters = matchSegments(template.segments, requestSegments);
      if (pathParameters === undefined) continue;
      const route = template.routes.find((candidate) => candidate.method === method);
      if (route !== undefined) return { kind: 'matched', route, pathParameters };
      for (const candidate of template.routes) allowed.add(candidate.method);
    }
    return allowed.size > 0
      ? { kind: 'method-not-allowed', allowed: [...allowed] }
      : { kind: 'not-found' };
  };
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function literalCount(template: CompiledTemplate<unknown>): number {
  return template.segments.filter((segment) => segment.literal !== undefined).length;
}

function matchSegments(
  template: CompiledTemplate<unknown>['segments'],
  request: readonly string[],
): Record<string, string> | undefined {
  if (template.length !== request.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, segment] of template.entries()) {
    const value = request[index] ?? '';
    if (segment.literal !== undefined) {
      if (segment.literal !== value) return undefined;
    } else if (segment.param !== undefined) {
      const decoded = safeDecode(value);
      if (decoded === undefined) return undefined;
      parameters[segment.param] = decoded;
    }
  }
  return parameters;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined; // A malformed escape is simply a path that matches nothing.
  }
}
