import {
  addBeneficiary,
  listBeneficiaries,
  removeBeneficiary,
} from '@shared/application/beneficiaries';
import {
  createCustomer,
  eraseCustomer,
  findCustomers,
  getCustomer,
  listCustomers,
  updateCustomer,
  updateKyc,
} from '@shared/application/customers';
import {
  encryptionStatus,
  rotatePiiKey,
  type RotationStarted,
} from '@shared/application/encryption';
import type { Dependencies } from '@shared/application/ports';
import { tierNumber, type Beneficiary, type Customer } from '@shared/domain/customer';
import { commandContext, commandReply, jsonResponse, valueOrThrow } from '@shared/http/commands';
import type { GroupImplementations } from '@shared/http/http-handler';
import { accountWire, beneficiaryWire, customerWire } from '@shared/http/ledger-wire';

const lookupFields = ['email', 'phone', 'nationalId', 'externalId'] as const;

/** The customers group's routes. */
export function customerRoutes(deps: Dependencies): GroupImplementations<'customers'> {
  const customerReply = (customer: Customer) => jsonResponse(200, customerWire(customer));
  return {
    createCustomer: async (request) => {
      const render = (customer: Customer) =>
        jsonResponse(201, customerWire(customer), {
          Location: `${request.basePath}/customers/${customer.id}`,
        });
      const outcome = await createCustomer(
        deps,
        request.body,
        commandContext(request, 'createCustomer', render),
      );
      return commandReply(outcome, render);
    },
    findCustomers: async ({ query }) => {
      const field = lookupFields.find((name) => query[name] !== undefined);
      const value = field === undefined ? undefined : query[field];
      if (field === undefined || value === undefined) {
        const page = await listCustomers(deps, { limit: query.limit, cursor: query.cursor });
        return { body: { items: page.items.map(customerWire), nextCursor: page.nextCursor } };
      }
      const found = await findCustomers(deps, field, value);
      return { body: { items: found.map(customerWire), nextCursor: null } };
    },
    getCustomer: async ({ params }) => ({
      body: customerWire(valueOrThrow(await getCustomer(deps, params.customerId))),
    }),
    replaceCustomer: async (request) => {
      const outcome = await updateCustomer(
        deps,
        request.params.customerId,
        request.body,
        commandContext(request, 'replaceCustomer', customerReply),
      );
      return commandReply(outcome, customerReply);
    },
    eraseCustomerData: async (request) => {
      const outcome = await eraseCustomer(
        deps,
        request.params.customerId,
        commandContext(request, 'eraseCustomerData', customerReply),
      );
      return commandReply(outcome, customerReply);
    },
    updateCustomerKyc: async (request) => {
      const { tier, ...decision } = request.body;
      const outcome = await updateKyc(
        deps,
        request.params.customerId,
        { ...decision, tier: tier === undefined ? undefined : tierNumber(tier) },
        commandContext(request, 'updateCustomerKyc', customerReply),
      );
      return commandReply(outcome, customerReply);
    },
    addBeneficiary: async (request) => {
      const render = (beneficiary: Beneficiary) =>
        jsonResponse(201, beneficiaryWire(beneficiary), {
          Location: `${request.basePath}/customers/${request.params.customerId}/beneficiaries/${beneficiary.id}`,
        });
      const outcome = await addBeneficiary(
        deps,
        request.params.customerId,
        request.body,
        commandContext(request, 'addBeneficiary', render),
      );
      return commandReply(outcome, render);
    },
    listBeneficiaries: async ({ params }) => ({
      body: {
        items: valueOrThrow(await listBeneficiaries(deps, params.customerId)).map(beneficiaryWire),
        nextCursor: null,
      },
    }),
    removeBeneficiary: async (request) => {
      const render = (removed: { readonly id: string }) => jsonResponse(200, { id: removed.id });
      const outcome = await removeBeneficiary(
        deps,
        request.params.customerId,
        request.params.beneficiaryId,
        commandContext(request, 'removeBeneficiary', render),
      );
      return commandReply(outcome, render);
    },
    listCustomerAccounts: async ({ params, query }) => {
      valueOrThrow(await getCustomer(deps, params.customerId));
      const page = await deps.ledger.listCustomerAccounts(params.customerId, query);
      return { body: { items: page.items.map(accountWire), nextCursor: page.nextCursor } };
    },
    rotatePiiKey: async (request) => {
      const render = (started: RotationStarted) =>
        jsonResponse(202, started, { Location: `${request.basePath}/encryption/status` });
      const outcome = await rotatePiiKey(deps, commandContext(request, 'rotatePiiKey', render));
      return commandReply(outcome, render);
    },
    encryptionStatus: async () => {
      const status = await encryptionStatus(deps);
      const last = status.lastRotation;
      return {
        body: {
          ...status,
          keyVersions: [...status.keyVersions],
          customersByKeyVersion: { ...status.customersByKeyVersion },
          lastRotation:
            last === undefined
              ? null
              : {
                  id: last.id,
                  keyVersion: last.keyVersion,
                  startedAt: last.startedAt,
                  ...(last.completedAt === undefined ? {} : { completedAt: last.completedAt }),
                  rewrapped: last.rewrapped,
                  failed: last.failed,
                },
        },
      };
    },
  };
}
