import type { LambdaHttpHandler } from '@shared/http/http-handler';
import type { EndpointGroup } from '@shared/contracts/groups';

/**
 * Each endpoint group's Lambda module, loaded lazily so the local server initialises a group the
 * way Lambda does: on its first request, after the environment is set. CDK bundles the same
 * `functions/<group>/handler.ts` files.
 */
export const groupHandlers: Record<EndpointGroup, () => Promise<LambdaHttpHandler>> = {
  system: async () => (await import('./system/handler')).handler,
  auth: async () => (await import('./auth/handler')).handler,
  customers: async () => (await import('./customers/handler')).handler,
  accounts: async () => (await import('./accounts/handler')).handler,
  transactions: async () => (await import('./transactions/handler')).handler,
  ledger: async () => (await import('./ledger/handler')).handler,
  rbac: async () => (await import('./rbac/handler')).handler,
  loans: async () => (await import('./loans/handler')).handler,
  admin: async () => (await import('./admin/handler')).handler,
  events: async () => (await import('./events/handler')).handler,
  notifications: async () => (await import('./notifications/handler')).handler,
  products: async () => (await import('./products/handler')).handler,
};
