import type { z } from 'zod';
import type { EndpointGroup } from './groups';
import type { Permission } from './permissions';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A non-JSON response (HTML, JavaScript, CSS) served by a route, e.g. the Swagger UI. */
export interface RawResponseSpec {
  readonly contentType: string;
  readonly description: string;
}

/**
 * The HTTP contract of one route: everything CDK, the local server, OpenAPI and the permission
 * checks need, and nothing that pulls in a use case. The implementation is bound per group in
 * `functions/<group>/handler.ts`, so each Lambda bundles only its own code (ADR 0001).
 */
export interface RouteContract<
  TGroup extends EndpointGroup = EndpointGroup,
  TParams extends z.ZodType = z.ZodType,
  TQuery extends z.ZodType = z.ZodType,
  TBody extends z.ZodType = z.ZodType,
  TResponse extends z.ZodType = z.ZodType,
> {
  readonly method: HttpMethod;
  /** API Gateway resource template, e.g. `/accounts/{accountId}`. */
  readonly path: string;
  readonly group: TGroup;
  readonly permission: Permission;
  readonly summary: string;
  readonly description?: string;
  readonly params?: TParams;
  readonly query?: TQuery;
  readonly body?: TBody;
  /** Whether the route accepts `Idempotency-Key` (every POST that creates or moves something). */
  readonly idempotent?: boolean;
  readonly success: {
    readonly status: 200 | 201 | 202 | 204;
    readonly description: string;
    readonly schema?: TResponse;
    readonly raw?: RawResponseSpec;
  };
  /** Business error codes this route can answer with, for the OpenAPI document. */
  readonly errorCodes?: readonly string[];
}

/** Declares a route contract with its types inferred. */
export const defineRoute = <
  TGroup extends EndpointGroup,
  TParams extends z.ZodType = z.ZodNever,
  TQuery extends z.ZodType = z.ZodNever,
  TBody extends z.ZodType = z.ZodNever,
  TResponse extends z.ZodType = z.ZodNever,
>(
  route: RouteContract<TGroup, TParams, TQuery, TBody, TResponse>,
): RouteContract<TGroup, TParams, TQuery, TBody, TResponse> => route;

/** The parsed input a route implementation receives. */
export type RouteInput<R> =
  R extends RouteContract<EndpointGroup, infer P, infer Q, infer B>
    ? { readonly params: z.output<P>; readonly query: z.output<Q>; readonly body: z.output<B> }
    : never;

/** The body a route implementation returns on success. */
export type RouteOutput<R> =
  R extends RouteContract<EndpointGroup, z.ZodType, z.ZodType, z.ZodType, infer S>
    ? [S] extends [z.ZodNever]
      ? string | Uint8Array
      : z.input<S>
    : never;
