import type { DomainError } from '../../domain/errors';
import {
  createProduct,
  editProduct,
  transitionProduct,
  type ProductAction,
  type ProductRefused,
  type ProductStatus,
  type ProductType,
} from '../../domain/products/product';
import { err, ok, type Result } from '../../domain/result';
import { appendToChain, GENESIS } from '../audit/audit-chain';
import type { CommandContext } from '../ledger/accounts';
import type { Page, PageRequest } from '../ledger/ledger-store';
import type { WriteOp } from '../ledger/records';
import { runCommand, storedReplay, type CommandOutcome, type Plan } from '../ledger/run-command';
import type { Dependencies } from '../ports';
import {
  definitionOf,
  headDocument,
  headOf,
  PRODUCT_CODE_COLLECTION,
  PRODUCT_COLLECTION,
  PRODUCT_DEFAULT_COLLECTION,
  PRODUCT_VERSION_COLLECTION,
  productChainOf,
  PRODUCTS_INDEX,
  productVersionsIndex,
  versionDocument,
  versionKey,
  versionOf,
  type ProductDefinitionData,
  type ProductHead,
  type ProductVersion,
} from './product-records';

type Deps = Pick<Dependencies, 'ledger' | 'retry' | 'clock' | 'ids' | 'logger' | 'locks'>;
type Outcome<T> = Promise<Result<CommandOutcome<T>, DomainError>>;

/** A product as the API shows it: the head with one version's definition. */
export interface ProductView {
  readonly head: ProductHead;
  readonly version: ProductVersion;
}

function refusal(productId: string, refused: ProductRefused): DomainError {
  switch (refused.code) {
    case 'PRODUCT_TRANSITION_NOT_ALLOWED':
      return { ...refused, productId };
    case 'PRODUCT_RETIRED':
      return refused;
    case 'PRODUCT_DEFINITION_INVALID':
      return refused;
  }
}

export async function getProductHead(
  deps: Pick<Deps, 'ledger'>,
  productId: string,
): Promise<ProductHead | undefined> {
  const document = await deps.ledger.getDocument(PRODUCT_COLLECTION, productId);
  return document === undefined ? undefined : headOf(document);
}

/**
 * Versions never change once written, so a process keeps the ones it read: accounts and loans
 * opened on a version, withdrawals charging its fees and the end of day reading its rates all
 * cost one read per version per container, not one per posting.
 */
const versionCache = new Map<string, ProductVersion>();
const VERSION_CACHE_LIMIT = 5_000;

export async function getProductVersion(
  deps: Pick<Deps, 'ledger'>,
  productId: string,
  version: number,
): Promise<ProductVersion | undefined> {
  const key = versionKey(productId, version);
  const cached = versionCache.get(key);
  if (cached !== undefined) return cached;
  const document = await deps.ledger.getDocument(PRODUCT_VERSION_COLLECTION, key);
  if (document === undefined) return undefined;
  const found = versionOf(document);
  if (versionCache.size >= VERSION_CACHE_LIMIT) versionCache.clear();
  versionCache.set(key, found);
  return found;
}

/** The product with its current version, or the version asked for. */
export async function getProduct(
  deps: Pick<Deps, 'ledger'>,
  productId: string,
  version?: number,
): Promise<Result<ProductView, DomainError>> {
  const head = await getProductHead(deps, productId);
  if (head === undefined) return err({ code: 'PRODUCT_NOT_FOUND', productId });
  const wanted = version ?? head.currentVersion;
  const found =
    wanted > head.currentVersion ? undefined : await getProductVersion(deps, productId, wanted);
  if (found === undefined) {
    return err({ code: 'NOT_FOUND', entity: 'product version', id: `${productId}/${wanted}` });
  }
  return ok({ head, version: found });
}

export interface ProductFilter {
  readonly type?: ProductType | undefined;
  readonly status?: ProductStatus | undefined;
}

/**
 * Products in creation order, filtered by type and status. A bank has tens of products, so the
 * filter runs over index pages; each page read is consumed whole, so the cursor stays exact.
 */
export async function listProducts(
  deps: Pick<Deps, 'ledger'>,
  filter: ProductFilter,
  page: PageRequest,
): Promise<Page<ProductView>> {
  const heads: ProductHead[] = [];
  let cursor = page.cursor;
  for (let round = 0; round < 20 && heads.length < page.limit; round += 1) {
    const found = await deps.ledger.listDocuments(PRODUCTS_INDEX, {
      limit: page.limit - heads.length,
      cursor,
    });
    heads.push(
      ...found.items
        .map(headOf)
        .filter(
          (head) =>
            (filter.type === undefined || head.type === filter.type) &&
            (filter.status === undefined || head.status === filter.status),
        ),
    );
    cursor = found.nextCursor ?? undefined;
    if (cursor === undefined) break;
  }
  const items: ProductView[] = [];
  for (const head of heads) {
    const version = await getProductVersion(deps, head.id, head.currentVersion);
    if (version !== undefined) items.push({ head, version });
  }
  return { items, nextCursor: cursor ?? null };
}

/** Every version of a product, oldest first. */
export async function listProductVersions(
  deps: Pick<Deps, 'ledger'>,
  productId: string,
  page: PageRequest,
): Promise<Result<Page<ProductVersion>, DomainError>> {
  if ((await getProductHead(deps, productId)) === undefined) {
    return err({ code: 'PRODUCT_NOT_FOUND', productId });
  }
  const found = await deps.ledger.listDocuments(productVersionsIndex(productId), page);
  return ok({ items: found.items.map(versionOf), nextCursor: found.nextCursor });
}

function productEvent(
  deps: Pick<Deps, 'ids'>,
  head: ProductHead,
  type: string,
  now: string,
): WriteOp {
  return {
    kind: 'putEvent',
    event: {
      id: deps.ids.next(),
      type,
      aggregateType: 'product',
      aggregateId: head.id,
      sequence: head.revision,
      occurredAt: now,
      data: {
        productId: head.id,
        code: head.code,
        productType: head.type,
        status: head.status,
        version: head.currentVersion,
      },
    },
  };
}

/** The writes that create a product (version 1) with its code claimed, audited and announced. */
function creationOps(
  deps: Pick<Deps, 'ids'>,
  id: string,
  definition: ProductDefinitionData,
  status: ProductStatus,
  actor: string,
  now: string,
): { ops: WriteOp[]; view: ProductView } {
  const chainId = productChainOf(id);
  const audited = appendToChain(GENESIS, {
    chainId,
    at: now,
    entityType: 'PRODUCT',
    entityId: id,
    action: 'PRODUCT_CREATED',
    actor,
    data: {
      code: definition.code,
      type: definition.type,
      currency: definition.currency,
      version: '1',
      status,
    },
  });
  const head: ProductHead = {
    id,
    code: definition.code,
    type: definition.type,
    status,
    currentVersion: 1,
    revision: 1,
    audit: audited.head,
    createdAt: now,
    updatedAt: now,
  };
  const version: ProductVersion = {
    productId: id,
    version: 1,
    definition,
    createdAt: now,
    createdBy: actor,
  };
  const ops: WriteOp[] = [
    { kind: 'putDocument', document: headDocument(head) },
    { kind: 'putDocument', document: versionDocument(version) },
    {
      kind: 'putDocument',
      document: {
        collection: PRODUCT_CODE_COLLECTION,
        id: definition.code,
        version: 1,
        data: { productId: id },
      },
    },
    { kind: 'registerChain', chainId, entityType: 'PRODUCT', entityId: id },
    { kind: 'appendAudit', record: audited.record },
    productEvent(deps, head, 'nexum.product.created', now),
  ];
  return { ops, view: { head, version } };
}

/** POST /products: a new product, DRAFT at version 1; its code is unique for good. */
export async function createProductCommand(
  deps: Deps,
  definition: ProductDefinitionData,
  context: CommandContext<ProductView>,
): Outcome<ProductView> {
  return runCommand(deps, context, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const id = deps.ids.next();
    const checked = createProduct(id, definitionOf(definition));
    if (!checked.ok) return err(refusal(id, checked.error));
    if ((await deps.ledger.getDocument(PRODUCT_CODE_COLLECTION, definition.code)) !== undefined) {
      return err({ code: 'PRODUCT_CODE_TAKEN', productCode: definition.code });
    }
    const { ops, view } = creationOps(
      deps,
      id,
      definition,
      'DRAFT',
      context.actor,
      deps.clock.now().toISOString(),
    );
    return ok({ ops, value: view });
  });
}

/** A change to an existing product: one at a time per product, replayed under its key. */
async function changeProduct(
  deps: Deps,
  productId: string,
  context: CommandContext<ProductView>,
  change: (current: ProductView) => Promise<Plan<ProductView>>,
): Outcome<ProductView> {
  return runCommand(deps, { ...context, lockKeys: [`PRODUCT#${productId}`] }, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const current = await getProduct(deps, productId);
    return current.ok ? change(current.value) : current;
  });
}

/**
 * PUT /products/{id}: the definition becomes version n + 1 and the current one; earlier versions
 * stay as they were for the accounts and loans opened on them. Type and code are fixed for life.
 */
export async function updateProduct(
  deps: Deps,
  productId: string,
  definition: ProductDefinitionData,
  context: CommandContext<ProductView>,
): Outcome<ProductView> {
  return changeProduct(deps, productId, context, async (current) => {
    const { head } = current;
    const edited = editProduct(
      {
        id: head.id,
        version: head.currentVersion,
        status: head.status,
        definition: definitionOf(current.version.definition),
      },
      definitionOf(definition),
    );
    if (!edited.ok) return err(refusal(productId, edited.error));
    if (definition.code !== head.code) {
      return err({ code: 'PRODUCT_DEFINITION_INVALID', problems: ['code cannot change'] });
    }
    const now = deps.clock.now().toISOString();
    const nextVersion = head.currentVersion + 1;
    const audited = appendToChain(head.audit, {
      chainId: productChainOf(productId),
      at: now,
      entityType: 'PRODUCT',
      entityId: productId,
      action: 'PRODUCT_UPDATED',
      actor: context.actor,
      data: { fromVersion: String(head.currentVersion), version: String(nextVersion) },
    });
    const after: ProductHead = {
      ...head,
      currentVersion: nextVersion,
      revision: head.revision + 1,
      audit: audited.head,
      updatedAt: now,
    };
    const version: ProductVersion = {
      productId,
      version: nextVersion,
      definition,
      createdAt: now,
      createdBy: context.actor,
    };
    return ok({
      ops: [
        { kind: 'putDocument', document: headDocument(after), expectedVersion: head.revision },
        { kind: 'putDocument', document: versionDocument(version) },
        { kind: 'appendAudit', record: audited.record },
        productEvent(deps, after, 'nexum.product.updated', now),
      ],
      value: { head: after, version },
    });
  });
}

const actionEvents: Record<ProductAction, string> = {
  ACTIVATE: 'nexum.product.activated',
  SUSPEND: 'nexum.product.suspended',
  RETIRE: 'nexum.product.retired',
};

/** activate | suspend | retire, as the lifecycle allows (409 otherwise). */
export async function changeProductStatus(
  deps: Deps,
  productId: string,
  action: ProductAction,
  context: CommandContext<ProductView>,
): Outcome<ProductView> {
  return changeProduct(deps, productId, context, async ({ head, version }) => {
    const to = transitionProduct(head.status, action);
    if (!to.ok) return err(refusal(productId, to.error));
    const now = deps.clock.now().toISOString();
    const audited = appendToChain(head.audit, {
      chainId: productChainOf(productId),
      at: now,
      entityType: 'PRODUCT',
      entityId: productId,
      action: `PRODUCT_${to.value === 'ACTIVE' ? 'ACTIVATED' : to.value}`,
      actor: context.actor,
      data: { from: head.status, to: to.value, version: String(head.currentVersion) },
    });
    const after: ProductHead = {
      ...head,
      status: to.value,
      revision: head.revision + 1,
      audit: audited.head,
      updatedAt: now,
    };
    return ok({
      ops: [
        { kind: 'putDocument', document: headDocument(after), expectedVersion: head.revision },
        { kind: 'appendAudit', record: audited.record },
        productEvent(deps, after, actionEvents[action], now),
      ],
      value: { head: after, version },
    });
  });
}

/** The default product of an account type: what the `productType` shortcut opens on. */
export async function defaultProductId(
  deps: Pick<Deps, 'ledger'>,
  type: ProductType,
): Promise<string | undefined> {
  const known = defaultIds.get(deps.ledger)?.get(type);
  if (known !== undefined) return known;
  const document = await deps.ledger.getDocument(PRODUCT_DEFAULT_COLLECTION, type);
  const productId = document?.data.productId;
  if (typeof productId !== 'string') return undefined;
  const ofStore = defaultIds.get(deps.ledger) ?? new Map<ProductType, string>();
  ofStore.set(type, productId);
  defaultIds.set(deps.ledger, ofStore);
  return productId;
}

/**
 * The default pointers are written once and never change: a container reads each once (per
 * store, so processes holding several tables, like the test suite, never mix them up).
 */
const defaultIds = new WeakMap<object, Map<ProductType, string>>();

/** The products an empty system starts with: plain SAVINGS and CHECKING, ACTIVE, no interest or fees. */
export function defaultProductDefinitions(currency: string): ProductDefinitionData[] {
  return (['SAVINGS', 'CHECKING'] as const).map((type) => ({
    code: `DEFAULT_${type}`,
    name: `Default ${type.toLowerCase()} account`,
    description: `What POST /accounts with productType ${type} opens when no productId is given`,
    type,
    currency,
    fees: [],
    limits: {},
    minimumKycTier: 0,
  }));
}

/**
 * Seeds the default product of each account type once (create-once by type): a restart or a
 * second seeder finds them and writes nothing. Their currency is the tenant's base currency; the
 * shortcut opens accounts in any currency on them (they carry no amounts).
 */
export async function seedDefaultProducts(
  deps: Pick<Dependencies, 'ledger' | 'clock' | 'ids'>,
  currency: string,
): Promise<number> {
  let created = 0;
  for (const definition of defaultProductDefinitions(currency)) {
    if ((await defaultProductId(deps, definition.type)) !== undefined) continue;
    const id = deps.ids.next();
    const now = deps.clock.now().toISOString();
    const { ops } = creationOps(deps, id, definition, 'ACTIVE', 'system:seed', now);
    const result = await deps.ledger.commit([
      ...ops,
      {
        kind: 'putDocument',
        document: {
          collection: PRODUCT_DEFAULT_COLLECTION,
          id: definition.type,
          version: 1,
          data: { productId: id },
        },
      },
    ]);
    if (result.committed) created += 1;
  }
  return created;
}
