import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { systemMarkerKey } from '../../shared/contracts/tables';
import type { BankingFunction } from '../constructs/banking-function';
import type { DataKeys } from '../constructs/data-keys';
import { endOfDayStateMachineName } from '../constructs/end-of-day';
import type { LedgerTable } from '../constructs/ledger-table';
import type { TenantSettings } from '../tenant-settings';

/** What a group's function needs: the tenant's settings and its data stack. */
export interface GroupResources {
  readonly settings: TenantSettings;
  readonly ledger: LedgerTable;
  readonly keys: DataKeys;
}

/** What is particular about one endpoint group's function. */
export interface GroupWiring {
  readonly description: string;
  readonly environment: (resources: GroupResources) => Readonly<Record<string, string>>;
  readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
  /** The group's grants, made where its function meets the data (STYLE 24). */
  readonly grant: (fn: BankingFunction, resources: GroupResources) => void;
}

/** Swagger UI is served from files beside the bundle (functions/system/docs-assets.ts). */
const docsAssetsDirectory = '/var/task/swagger-ui';

/**
 * The system group serves public routes only (health, OpenAPI, Swagger UI, and the 404/405
 * fallback), so it verifies no token and gets neither the token key nor the security settings.
 */
const systemWiring: GroupWiring = {
  description: 'Nexum system group: health, OpenAPI document, Swagger UI',
  environment: () => ({ NEXUM_DOCS_ASSETS_DIR: docsAssetsDirectory }),
  afterBundling: (inputDir, outputDir) => [
    `mkdir -p "${outputDir}/swagger-ui"`,
    `cp "${inputDir}/node_modules/swagger-ui-dist/swagger-ui.css" ` +
      `"${inputDir}/node_modules/swagger-ui-dist/swagger-ui-bundle.js" "${outputDir}/swagger-ui/"`,
  ],
  // /health reads the system marker and nothing else.
  grant: (fn, { ledger }) => ledger.grantPointReads(fn, { partitionKeys: [systemMarkerKey.pk] }),
};

/**
 * A business group (customers, accounts, transactions, ledger…). Every function is composed from
 * the same adapters (shared/infrastructure/production-dependencies.ts), so its grants are those
 * adapters' needs: the ledger store's reads and append-only writes, the PII key for envelope
 * encryption, and the public half of the token key, because the shared edge middleware verifies
 * the bearer token of every protected route in the function itself
 * (shared/http/middleware/edge-response.ts). A group that needs less, or more, gets its own entry
 * in `wiringByGroup`.
 */
const businessWiring = (group: string): GroupWiring => ({
  description: `Nexum ${group} group`,
  environment: ({ keys, settings }) => ({
    NEXUM_PII_KMS_KEY_ID: keys.piiKey.keyArn,
    // The key id rather than its ARN: KmsTokenService writes it into every token header as
    // `kid`, and the ARN would publish the account id to every client. Sign and GetPublicKey
    // accept the bare id for a key of the same account.
    NEXUM_JWT_KMS_KEY_ID: keys.jwtSigningKey.keyId,
    NEXUM_BLIND_INDEX_KMS_KEY_ID: keys.blindIndexKey.keyArn,
    NEXUM_ACCESS_TOKEN_TTL_SECONDS: String(settings.security.accessTokenTtlSeconds),
    NEXUM_LOCKOUT_MAX_ATTEMPTS: String(settings.security.lockoutMaxAttempts),
    NEXUM_LOCKOUT_MINUTES: String(settings.security.lockoutMinutes),
  }),
  grant: (fn, { ledger, keys }) => {
    ledger.grantLedgerReads(fn);
    ledger.grantLedgerWrites(fn);
    keys.grantPiiEncrypt(fn);
    keys.grantPiiDecrypt(fn);
    keys.grantTokenVerification(fn);
    keys.grantBlindIndex(fn);
  },
});

/** The auth group issues the tokens (login, refresh): the only function that may sign. */
const authWiring = (): GroupWiring => {
  const business = businessWiring('auth');
  return {
    ...business,
    description: 'Nexum auth group: sign-in, token refresh, sign-out, password change',
    grant: (fn, resources) => {
      business.grant(fn, resources);
      resources.keys.grantTokenSigning(fn);
    },
  };
};

/**
 * The customers group also moves and removes lookup entries (DeleteItem on `CUSTOMERINDEX#…`
 * only), rotates the PII key on demand, and runs the re-encryption job, whose one-off migration of
 * customers sealed before subject keys needs a filtered Scan.
 */
const customersWiring = (): GroupWiring => {
  const business = businessWiring('customers');
  return {
    ...business,
    grant: (fn, resources) => {
      business.grant(fn, resources);
      resources.ledger.grantCustomerLookupDeletes(fn);
      resources.ledger.grantLegacyCustomerScan(fn);
      resources.keys.grantPiiRotation(fn);
      // The re-wrap job after a rotation starts in the request's container, which may freeze
      // after the 202; this tick finishes whatever rotation is incomplete (a no-op otherwise).
      new events.Rule(fn, 'PiiRewrapSchedule', {
        description: 'Nexum: finish an incomplete PII key rotation (re-wrap subject keys)',
        schedule: events.Schedule.rate(Duration.minutes(5)),
        targets: [new targets.LambdaFunction(fn.function, { retryAttempts: 0 })],
      });
    },
  };
};

/** The tenant's EndOfDay state machine, by its fixed name (built in the EndOfDay stack). */
export const endOfDayStateMachineArn = (tenant: string): string =>
  `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:stateMachine:${endOfDayStateMachineName(tenant)}`;

/**
 * The admin group starts the end of day in AWS (POST /admin/eod): the EndOfDay state machine's
 * ARN in its environment, and StartExecution on that state machine only.
 */
const adminWiring = (): GroupWiring => {
  const business = businessWiring('admin');
  return {
    ...business,
    environment: (resources) => ({
      ...business.environment(resources),
      NEXUM_EOD_STATE_MACHINE_ARN: endOfDayStateMachineArn(resources.settings.name),
    }),
    grant: (fn, resources) => {
      business.grant(fn, resources);
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'StartEndOfDay',
          actions: ['states:StartExecution'],
          resources: [endOfDayStateMachineArn(resources.settings.name)],
        }),
      );
    },
  };
};

// Keyed by name rather than by EndpointGroup so that adding a group to shared/contracts needs no
// change here: it gets the business wiring until it declares something narrower.
const wiringByGroup: Readonly<Record<string, GroupWiring>> = {
  system: systemWiring,
  auth: authWiring(),
  customers: customersWiring(),
  admin: adminWiring(),
};

/** The wiring of an endpoint group's function. */
export function wiringOf(group: string): GroupWiring {
  return wiringByGroup[group] ?? businessWiring(group);
}
