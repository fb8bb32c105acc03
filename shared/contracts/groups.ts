/**
 * Endpoint groups. Each group is one Lambda function behind API Gateway (functions/<group>/) and
 * one tag in the OpenAPI document. Adding a group here makes CDK, the local server and the
 * cold-start benchmark expect `functions/<group>/handler.ts`.
 */
export const endpointGroups = [
  'system',
  'auth',
  'customers',
  'accounts',
  'transactions',
  'ledger',
  'rbac',
  'loans',
  'admin',
  'events',
  'notifications',
  'products',
] as const;

export type EndpointGroup = (typeof endpointGroups)[number];
