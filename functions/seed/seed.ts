import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ensureAdministrator } from '@shared/application/identity/auth';
import type { Dependencies } from '@shared/application/ports';
import { seedSystem } from '@shared/application/seed-system';

type SeedDependencies = Parameters<typeof seedSystem>[0] &
  Parameters<typeof ensureAdministrator>[0] &
  Pick<Dependencies, 'logger' | 'settings'>;

/**
 * The seed as a CloudFormation custom resource (behind the CDK Provider framework): every deploy
 * seeds what an empty tenant needs, and changes nothing on a tenant that has it. On an empty
 * tenant it also creates user `admin` (ADMIN) with the password CDK generated into the tenant's
 * Secrets Manager secret, which only the tenant's operators can read; the password never passes
 * through CloudFormation, the function's configuration or its logs. Deleting the stack leaves the
 * data alone, like the table's RETAIN policy.
 */
export function seedHandler(
  dependencies: SeedDependencies,
  adminPassword: () => Promise<string | undefined>,
) {
  return async (
    event: CloudFormationCustomResourceEvent,
  ): Promise<{ PhysicalResourceId: string; Data: Record<string, string> }> => {
    const physicalResourceId = `nexum-seed-${dependencies.settings.tenant}`;
    if (event.RequestType === 'Delete') return { PhysicalResourceId: physicalResourceId, Data: {} };
    const seeded = await seedSystem(dependencies);
    const password = await adminPassword();
    const admin =
      password === undefined
        ? { created: false }
        : await ensureAdministrator(dependencies, password);
    dependencies.logger.info('seeded', {
      created: seeded.created,
      schemaVersion: seeded.marker.schemaVersion,
      adminCreated: admin.created,
    });
    return {
      PhysicalResourceId: physicalResourceId,
      Data: {
        created: String(seeded.created),
        initializedAt: seeded.marker.initializedAt,
        adminCreated: String(admin.created),
      },
    };
  };
}
