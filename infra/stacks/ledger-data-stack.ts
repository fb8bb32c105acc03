import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { mainTable } from '../../shared/contracts/tables';
import { DataKeys } from '../constructs/data-keys';
import { DomainEventBus } from '../constructs/domain-event-bus';
import { LedgerTable } from '../constructs/ledger-table';

export interface LedgerDataStackProps extends StackProps {
  readonly tenant: string;
}

/**
 * The stateful half of a tenant (STYLE 24): the ledger table, the keys and the event bus with its
 * archive. Termination protection is on and every resource is retained, so deleting the stack
 * cannot delete a bank's data. Construct ids here are part of the resources' identity: renaming
 * one replaces the resource, so they never change.
 */
export class LedgerDataStack extends Stack {
  readonly keys: DataKeys;
  readonly ledger: LedgerTable;
  readonly events: DomainEventBus;

  constructor(scope: Construct, id: string, props: LedgerDataStackProps) {
    super(scope, id, { ...props, terminationProtection: true });
    this.keys = new DataKeys(this, 'Keys', { tenant: props.tenant });
    this.ledger = new LedgerTable(this, 'MainTable', {
      tenant: props.tenant,
      definition: mainTable,
      encryptionKey: this.keys.ledgerKey,
    });
    this.events = new DomainEventBus(this, 'DomainEvents', { tenant: props.tenant });
  }
}
