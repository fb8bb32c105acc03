import { eventStatus, listEvents } from '@shared/application/events/queries';
import type { Dependencies } from '@shared/application/ports';
import { catalogueJsonSchemas } from '@shared/contracts/events/catalogue';
import type { GroupImplementations } from '@shared/http/http-handler';

/** The events group's routes. */
export function eventRoutes(deps: Dependencies): GroupImplementations<'events'> {
  const list: GroupImplementations<'events'>['listEvents'] = async ({ query }) => ({
    body: await listEvents(deps, query),
  });
  return {
    listEvents: list,
    listKafkaEvents: list,
    getEventStatus: async () => ({ body: await eventStatus(deps) }),
    getEventCatalogue: async () => ({ body: { items: catalogueJsonSchemas() } }),
  };
}
