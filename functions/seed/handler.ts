import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { seedSystem } from '@shared/application/seed-system';
import { productionRuntime } from '@shared/infrastructure/production-dependencies';

const { dependencies } = productionRuntime();

/**
 * The seed as a CloudFormation custom resource (behind the CDK Provider framework): every deploy
 * seeds what an empty tenant needs, and changes nothing on a tenant that has it. Deleting the
 * stack leaves the data alone, like the table's RETAIN policy.
 */
export const handler = async (
  event: CloudFormationCustomResourceEvent,
): Promise<{ PhysicalResourceId: string; Data: Record<string, string> }> => {
  const physicalResourceId = `nexum-seed-${dependencies.settings.tenant}`;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: physicalResourceId, Data: {} };
  const seeded = await seedSystem(dependencies);
  dependencies.logger.info('seeded', {
    created: seeded.created,
    schemaVersion: seeded.marker.schemaVersion,
  });
  return {
    PhysicalResourceId: physicalResourceId,
    Data: { created: String(seeded.created), initializedAt: seeded.marker.initializedAt },
  };
};
