import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface DomainEventBusProps {
  readonly tenant: string;
  /** How long published events stay replayable. */
  readonly archiveRetention?: Duration;
}

/**
 * The tenant's EventBridge bus for domain events (published by the ledger outbox after commit,
 * STYLE 11). Everything published is archived, so a new or repaired consumer can replay history
 * instead of asking the ledger to re-emit it.
 */
export class DomainEventBus extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;

  constructor(scope: Construct, id: string, props: DomainEventBusProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: `nexum-${props.tenant}`,
      description: `Nexum ${props.tenant}: domain events`,
    });
    this.archive = this.bus.archive('Archive', {
      archiveName: `nexum-${props.tenant}-events`,
      description: `Every domain event of Nexum ${props.tenant}, for replay`,
      // An archive needs a pattern; every event on this bus comes from this account.
      eventPattern: { account: [Stack.of(this).account] },
      retention: props.archiveRetention ?? Duration.days(365),
    });
    // The archive is the event history; like the ledger it must survive a deleted stack.
    this.archive.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.bus.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }

  /** Lets a function publish (the outbox publisher, nothing on the request path). */
  grantPublish(grantee: iam.IGrantable): iam.Grant {
    return this.bus.grantPutEventsTo(grantee);
  }
}
