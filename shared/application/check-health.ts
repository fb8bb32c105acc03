import type { Dependencies } from './ports';

export type CheckStatus = 'ok' | 'failing';

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly version: string;
  readonly tenant: string;
  readonly checks: Readonly<Record<string, CheckStatus>>;
}

/** How long a dependency may take before the health check calls it failing. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;

/**
 * Checks the service's dependencies for real: a strongly consistent read of the system marker
 * proves the table exists, is reachable with our credentials and was seeded.
 */
export async function checkHealth(
  deps: Pick<Dependencies, 'system' | 'settings' | 'logger'>,
): Promise<HealthReport> {
  const dynamodb = await probe(
    deps,
    async (signal) => (await deps.system.readMarker(signal)) !== undefined,
  );
  const checks = { dynamodb };
  const healthy = Object.values(checks).every((status) => status === 'ok');
  return {
    status: healthy ? 'ok' : 'degraded',
    version: deps.settings.version,
    tenant: deps.settings.tenant,
    checks,
  };
}

async function probe(
  deps: Pick<Dependencies, 'logger'>,
  check: (signal: AbortSignal) => Promise<boolean>,
): Promise<CheckStatus> {
  try {
    const passed = await check(AbortSignal.timeout(HEALTH_CHECK_TIMEOUT_MS));
    return passed ? 'ok' : 'failing';
  } catch (error) {
    // A failing dependency is a report, not a crash: the caller gets 503 with the check named.
    deps.logger.warn('health check failed', { error });
    return 'failing';
  }
}
