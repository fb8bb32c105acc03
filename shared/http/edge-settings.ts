import type { Principal } from '../application/identity/ports';
import type { Logger } from '../observability/logger';

/** What the HTTP edge needs to know about its deployment. */
export interface EdgeSettings {
  readonly corsOrigins: readonly string[];
  readonly maxBodyBytes: number;
  /** Validate each success body against its schema before sending (on in tests and locally). */
  readonly validateResponses: boolean;
  readonly logger: Logger;
  /** The caller a bearer token proves; throws for any token that is not valid. */
  readonly authenticate: (token: string) => Promise<Principal>;
}
