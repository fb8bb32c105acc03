import type { Dependencies } from '@shared/application/ports';
import {
  definitionOf,
  interestRateOf,
  type ProductVersion,
} from '@shared/application/products/product-records';
import {
  changeProductStatus,
  createProductCommand,
  getProduct,
  listProducts,
  listProductVersions,
  updateProduct,
  type ProductView,
} from '@shared/application/products/products';
import { effectiveRate } from '@shared/domain/interest/tiers';
import { BankDecimal, Money, type CurrencyCode } from '@shared/domain/money';
import { calculateFee } from '@shared/domain/products/fees';
import type { ProductAction } from '@shared/domain/products/product';
import { commandContext, commandReply, jsonResponse, valueOrThrow } from '@shared/http/commands';
import { ApiError } from '@shared/http/error-responses';
import type { GroupImplementations, RouteRequest } from '@shared/http/http-handler';
import type { RouteTable } from '@shared/contracts/routes';

/** The wire form of a product (the definition exactly as stored for that version). */
export function productWire(view: ProductView) {
  return {
    id: view.head.id,
    version: view.version.version,
    currentVersion: view.head.currentVersion,
    status: view.head.status,
    definition: view.version.definition,
    versionCreatedAt: view.version.createdAt,
    createdAt: view.head.createdAt,
    updatedAt: view.head.updatedAt,
  };
}

const versionWire = (version: ProductVersion) => ({
  version: version.version,
  definition: version.definition,
  createdAt: version.createdAt,
  createdBy: version.createdBy,
});

/** An amount in the product's currency, refused (400) when it has more decimals than allowed. */
function amountIn(value: string, currency: string, field: string): Money {
  try {
    return Money.of(value, currency as CurrencyCode);
  } catch (cause) {
    throw new ApiError('VALIDATION_FAILED', `${field} is not a valid ${currency} amount`, {
      errors: [{ path: field, message: `Not a valid ${currency} amount` }],
      cause,
    });
  }
}

/** The products group's routes. */
export function productRoutes(deps: Dependencies): GroupImplementations<'products'> {
  const lifecycle =
    (operation: string, action: ProductAction) =>
    async (request: RouteRequest<RouteTable['activateProduct']>) => {
      const render = (view: ProductView) => jsonResponse(200, productWire(view));
      const outcome = await changeProductStatus(
        deps,
        request.params.productId,
        action,
        commandContext(request, operation, render),
      );
      return commandReply(outcome, render);
    };
  return {
    createProduct: async (request) => {
      const render = (view: ProductView) =>
        jsonResponse(201, productWire(view), {
          Location: `${request.basePath}/products/${view.head.id}`,
        });
      const outcome = await createProductCommand(
        deps,
        request.body,
        commandContext(request, 'createProduct', render),
      );
      return commandReply(outcome, render);
    },
    listProducts: async ({ query }) => {
      const page = await listProducts(deps, { type: query.type, status: query.status }, query);
      return { body: { items: page.items.map(productWire), nextCursor: page.nextCursor } };
    },
    getProduct: async ({ params, query }) => ({
      body: productWire(valueOrThrow(await getProduct(deps, params.productId, query.version))),
    }),
    updateProduct: async (request) => {
      const render = (view: ProductView) => jsonResponse(200, productWire(view));
      const outcome = await updateProduct(
        deps,
        request.params.productId,
        request.body,
        commandContext(request, 'updateProduct', render),
      );
      return commandReply(outcome, render);
    },
    listProductVersions: async ({ params, query }) => {
      const page = valueOrThrow(await listProductVersions(deps, params.productId, query));
      return { body: { items: page.items.map(versionWire), nextCursor: page.nextCursor } };
    },
    activateProduct: lifecycle('activateProduct', 'ACTIVATE'),
    suspendProduct: lifecycle('suspendProduct', 'SUSPEND'),
    retireProduct: lifecycle('retireProduct', 'RETIRE'),
    getProductFees: async ({ params, query }) => {
      const view = valueOrThrow(await getProduct(deps, params.productId, query.version));
      const data = view.version.definition;
      const definition = definitionOf(data);
      const base =
        query.amount === undefined ? undefined : amountIn(query.amount, data.currency, 'amount');
      const rounding = definition.interest?.rounding ?? 'HALF_EVEN';
      return {
        body: {
          productId: view.head.id,
          version: view.version.version,
          currency: data.currency,
          items: data.fees.map((fee, index) => {
            const domainFee = definition.fees[index];
            return {
              ...fee,
              ...(base === undefined || domainFee === undefined
                ? {}
                : { charge: calculateFee(domainFee, base, rounding).toJSON() }),
            };
          }),
        },
      };
    },
    getProductInterestRate: async ({ params, query }) => {
      const view = valueOrThrow(await getProduct(deps, params.productId, query.version));
      const data = view.version.definition;
      const { interest } = data;
      if (interest === undefined) {
        throw new ApiError(
          'NOT_FOUND',
          `Product ${view.head.id} version ${view.version.version} bears no interest`,
        );
      }
      const rate = interestRateOf(definitionOf(data));
      const balance =
        query.balance === undefined ? undefined : amountIn(query.balance, data.currency, 'balance');
      const applied =
        balance === undefined || rate === undefined
          ? {}
          : {
              balance: balance.toJSON(),
              ...(interest.tiers.length === 0
                ? {}
                : {
                    appliedTier: Math.max(
                      0,
                      interest.tiers.findLastIndex(
                        (tier) =>
                          Money.of(tier.from.amount, balance.currency).compare(balance) <= 0,
                      ),
                    ),
                  }),
              effectiveRate: (balance.isPositive()
                ? effectiveRate(balance, rate)
                : rate.kind === 'FLAT'
                  ? rate.rate
                  : (rate.tiers[0]?.rate ?? new BankDecimal(0))
              )
                .toDecimalPlaces(10)
                .toString(),
            };
      return {
        body: {
          productId: view.head.id,
          version: view.version.version,
          currency: data.currency,
          rate: interest.rate,
          tiers: interest.tiers,
          tierMode: interest.tierMode,
          dayCount: interest.dayCount,
          compounding: interest.compounding,
          postingFrequency: interest.postingFrequency,
          rounding: interest.rounding,
          ...applied,
        },
      };
    },
  };
}
