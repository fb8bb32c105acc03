import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EndOfDay } from '../constructs/end-of-day';
import type { LedgerTable } from '../constructs/ledger-table';
import type { TenantSettings } from '../tenant-settings';

export interface EndOfDayStackProps extends StackProps {
  readonly settings: TenantSettings;
  readonly version: string;
  readonly code: {
    readonly projectRoot: string;
    readonly depsLockFilePath: string;
    readonly handlerEntry: (name: string) => string;
  };
  readonly ledger: LedgerTable;
}

/**
 * The tenant's batch (stateless): the end-of-day schedule, state machine, function and alarms,
 * in a stack of its own so it deploys and changes independently of the API.
 */
export class EndOfDayStack extends Stack {
  readonly endOfDay: EndOfDay;

  constructor(scope: Construct, id: string, props: EndOfDayStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.endOfDay = new EndOfDay(this, 'EndOfDay', {
      tenant: settings.name,
      settings: {
        tenant: settings.name,
        tableName: props.ledger.tableName,
        version: props.version,
        corsOrigins: settings.corsOrigins,
        baseCurrency: settings.baseCurrency,
        logRetentionDays: settings.logRetentionDays,
      },
      code: props.code,
      ledger: props.ledger,
      endOfDay: settings.endOfDay,
      alarmEmail: settings.alarmEmail,
    });
  }
}
