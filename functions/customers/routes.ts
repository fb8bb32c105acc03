import {
  createCustomer,
  findCustomersByEmail,
  getCustomer,
  updateKyc,
} from '@shared/application/customers';
import type { Dependencies } from '@shared/application/ports';
import type { Customer } from '@shared/domain/customer';
import { commandContext, commandReply, jsonResponse, valueOrThrow } from '@shared/http/commands';
import type { GroupImplementations } from '@shared/http/http-handler';
import { accountWire, customerWire } from '@shared/http/ledger-wire';

/** The customers group's routes. */
export function customerRoutes(deps: Dependencies): GroupImplementations<'customers'> {
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
    findCustomers: async ({ query }) => ({
      body: {
        items: (await findCustomersByEmail(deps, query.email)).map(customerWire),
        nextCursor: null,
      },
    }),
    getCustomer: async ({ params }) => ({
      body: customerWire(valueOrThrow(await getCustomer(deps, params.customerId))),
    }),
    updateCustomerKyc: async (request) => {
      const render = (customer: Customer) => jsonResponse(200, customerWire(customer));
      const outcome = await updateKyc(
        deps,
        request.params.customerId,
        request.body,
        commandContext(request, 'updateCustomerKyc', render),
      );
      return commandReply(outcome, render);
    },
    listCustomerAccounts: async ({ params, query }) => {
      valueOrThrow(await getCustomer(deps, params.customerId));
      const page = await deps.ledger.listCustomerAccounts(params.customerId, query);
      return { body: { items: page.items.map(accountWire), nextCursor: page.nextCursor } };
    },
  };
}
