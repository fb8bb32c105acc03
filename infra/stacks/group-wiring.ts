import { systemMarkerKey } from '../../shared/contracts/tables';
import type { BankingFunction } from '../constructs/banking-function';
import type { DataKeys } from '../constructs/data-keys';
import type { LedgerTable } from '../constructs/ledger-table';

/** What a group's function needs from the tenant's data stack. */
export interface GroupResources {
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
 * adapters' needs: the ledger store's reads and append-only writes, and the PII key for envelope
 * encryption. A group that needs less gets its own entry in `wiringByGroup`.
 */
const businessWiring = (group: string): GroupWiring => ({
  description: `Nexum ${group} group`,
  environment: ({ keys }) => ({ NEXUM_PII_KMS_KEY_ID: keys.piiKey.keyArn }),
  grant: (fn, { ledger, keys }) => {
    ledger.grantLedgerReads(fn);
    ledger.grantLedgerWrites(fn);
    keys.grantPiiEncrypt(fn);
    keys.grantPiiDecrypt(fn);
  },
});

// Keyed by name rather than by EndpointGroup so that adding a group to shared/contracts needs no
// change here: it gets the business wiring until it declares something narrower.
const wiringByGroup: Readonly<Record<string, GroupWiring>> = { system: systemWiring };

/** The wiring of an endpoint group's function. */
export function wiringOf(group: string): GroupWiring {
  return wiringByGroup[group] ?? businessWiring(group);
}
