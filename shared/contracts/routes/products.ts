import * as z from 'zod';
import { defineRoute } from '../route';
import { pageOf, PageQuerySchema } from '../schemas/common';
import {
  InterestRateQuerySchema,
  ProductDefinitionSchema,
  ProductFeesQuerySchema,
  ProductFeesSchema,
  ProductInterestRateSchema,
  ProductListQuerySchema,
  ProductResponseSchema,
  ProductVersionQuerySchema,
  ProductVersionSchema,
} from '../schemas/products';
import { RefSchema } from '../schemas/requests';

const productParams = z.strictObject({ productId: RefSchema });
const productReply = {
  status: 200,
  description: 'The product after the change',
  schema: ProductResponseSchema,
} as const;

const lifecycle = (
  action: 'activate' | 'suspend' | 'retire',
  permission: 'ACTIVATE_PRODUCT' | 'RETIRE_PRODUCT',
  summary: string,
) =>
  defineRoute({
    method: 'POST',
    path: `/products/{productId}/${action}`,
    group: 'products',
    permission,
    summary,
    params: productParams,
    idempotent: true,
    success: productReply,
    errorCodes: ['PRODUCT_NOT_FOUND', 'PRODUCT_TRANSITION_NOT_ALLOWED', 'CONFLICT'],
  });

/**
 * The products engine (docs/products.md): definitions, versions and lifecycle. Reads need
 * VIEW_ACCOUNT (everyone who serves accounts sees the catalogue); changes need the original's
 * product permissions, which only ADMIN holds among the system roles.
 */
export const productRoutes = {
  createProduct: defineRoute({
    method: 'POST',
    path: '/products',
    group: 'products',
    permission: 'CREATE_PRODUCT',
    summary: 'Define a product (version 1, DRAFT)',
    body: ProductDefinitionSchema,
    idempotent: true,
    success: { status: 201, description: 'The product', schema: ProductResponseSchema },
    errorCodes: ['PRODUCT_DEFINITION_INVALID', 'PRODUCT_CODE_TAKEN'],
  }),
  listProducts: defineRoute({
    method: 'GET',
    path: '/products',
    group: 'products',
    permission: 'VIEW_ACCOUNT',
    summary: 'Products in creation order, optionally of one type and status',
    query: ProductListQuerySchema,
    success: {
      status: 200,
      description: 'A page of products',
      schema: pageOf(ProductResponseSchema),
    },
    errorCodes: [],
  }),
  getProduct: defineRoute({
    method: 'GET',
    path: '/products/{productId}',
    group: 'products',
    permission: 'VIEW_ACCOUNT',
    summary: 'A product with its current version, or the version asked for',
    params: productParams,
    query: ProductVersionQuerySchema,
    success: { status: 200, description: 'The product', schema: ProductResponseSchema },
    errorCodes: ['PRODUCT_NOT_FOUND', 'NOT_FOUND'],
  }),
  updateProduct: defineRoute({
    method: 'PUT',
    path: '/products/{productId}',
    group: 'products',
    permission: 'MODIFY_PRODUCT',
    summary: 'Replace the definition: a new version; accounts keep the version they opened on',
    params: productParams,
    body: ProductDefinitionSchema,
    success: productReply,
    errorCodes: ['PRODUCT_NOT_FOUND', 'PRODUCT_RETIRED', 'PRODUCT_DEFINITION_INVALID', 'CONFLICT'],
  }),
  listProductVersions: defineRoute({
    method: 'GET',
    path: '/products/{productId}/versions',
    group: 'products',
    permission: 'VIEW_ACCOUNT',
    summary: "A product's versions, oldest first",
    params: productParams,
    query: PageQuerySchema,
    success: {
      status: 200,
      description: 'A page of versions',
      schema: pageOf(ProductVersionSchema),
    },
    errorCodes: ['PRODUCT_NOT_FOUND'],
  }),
  activateProduct: lifecycle(
    'activate',
    'ACTIVATE_PRODUCT',
    'DRAFT or SUSPENDED → ACTIVE: the product opens accounts and loans',
  ),
  suspendProduct: lifecycle(
    'suspend',
    'ACTIVATE_PRODUCT',
    'ACTIVE → SUSPENDED: no new accounts or loans',
  ),
  retireProduct: lifecycle('retire', 'RETIRE_PRODUCT', 'ACTIVE or SUSPENDED → RETIRED, for good'),
  getProductFees: defineRoute({
    method: 'GET',
    path: '/products/{productId}/fees',
    group: 'products',
    permission: 'VIEW_ACCOUNT',
    summary: "A product version's fees, each with its charge on `?amount=` when given",
    params: productParams,
    query: ProductFeesQuerySchema,
    success: { status: 200, description: 'The fees', schema: ProductFeesSchema },
    errorCodes: ['PRODUCT_NOT_FOUND', 'NOT_FOUND'],
  }),
  getProductInterestRate: defineRoute({
    method: 'GET',
    path: '/products/{productId}/interest-rate',
    group: 'products',
    permission: 'VIEW_ACCOUNT',
    summary: "A product version's interest terms; with `?balance=` the tier and rate that apply",
    params: productParams,
    query: InterestRateQuerySchema,
    success: { status: 200, description: 'The interest terms', schema: ProductInterestRateSchema },
    errorCodes: ['PRODUCT_NOT_FOUND', 'NOT_FOUND'],
  }),
} as const;
