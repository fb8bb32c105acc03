import type { EndpointGroup } from '../groups';
import type { RouteContract } from '../route';
import { accountRoutes } from './accounts';
import { adminRoutes } from './admin';
import { authRoutes } from './auth';
import { customerRoutes } from './customers';
import { eventRoutes } from './events';
import { ledgerRoutes } from './ledger';
import { loanRoutes } from './loans';
import { notificationRoutes } from './notifications';
import { productRoutes } from './products';
import { rbacRoutes } from './rbac';
import { systemRoutes } from './system';
import { transactionRoutes } from './transactions';

/**
 * The route table: every route of the API, keyed by operation id. CDK builds API Gateway from it,
 * the local server routes with it, /openapi.json is generated from it and the permission tests
 * walk it. Each group's routes are declared in their own file so a Lambda bundles only its own.
 */
export const routeTable = {
  ...systemRoutes,
  ...authRoutes,
  ...customerRoutes,
  ...accountRoutes,
  ...transactionRoutes,
  ...ledgerRoutes,
  ...rbacRoutes,
  ...loanRoutes,
  ...adminRoutes,
  ...eventRoutes,
  ...notificationRoutes,
  ...productRoutes,
} as const;

export type RouteTable = typeof routeTable;
export type OperationId = keyof RouteTable;

/** The operation ids served by one endpoint group. */
export type GroupOperationId<G extends EndpointGroup> = {
  [K in OperationId]: RouteTable[K]['group'] extends G ? K : never;
}[OperationId];

/** All routes as a list, with their operation ids. */
export const routeList = (): ReadonlyArray<RouteContract & { readonly operationId: OperationId }> =>
  (Object.keys(routeTable) as OperationId[]).map((operationId) => ({
    ...(routeTable[operationId] as RouteContract),
    operationId,
  }));
