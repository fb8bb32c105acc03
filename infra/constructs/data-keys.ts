import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface DataKeysProps {
  readonly tenant: string;
}

/**
 * The tenant's customer-managed keys. Two keys, because they protect against different readers:
 *
 * - `ledgerKey` encrypts the main table at rest. Anyone allowed to read the table can use it, but
 *   only through DynamoDB. Being customer-managed, the bank owns its policy, sees every use in
 *   CloudTrail and can disable it to make the table unreadable.
 * - `piiKey` envelope-encrypts personal data fields before they are written. Table access does
 *   not imply it: a function that lists accounts sees ciphertext until it is granted decrypt.
 *
 * Sharing one key would erase that second boundary. Both rotate yearly, are retained when the
 * stack is deleted (their ciphertext outlives any stack) and wait the maximum 30 days before a
 * scheduled deletion completes.
 */
export class DataKeys extends Construct {
  readonly ledgerKey: kms.Key;
  readonly piiKey: kms.Key;

  constructor(scope: Construct, id: string, props: DataKeysProps) {
    super(scope, id);
    this.ledgerKey = new kms.Key(this, 'LedgerKey', {
      alias: `alias/nexum/${props.tenant}/ledger`,
      description: `Nexum ${props.tenant}: DynamoDB encryption at rest for the ledger table`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.piiKey = new kms.Key(this, 'PiiKey', {
      alias: `alias/nexum/${props.tenant}/pii`,
      description: `Nexum ${props.tenant}: envelope encryption of personal data fields`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Lets a function seal PII fields: a fresh data key per batch (envelope encryption). */
  grantPiiEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.piiKey.grant(grantee, 'kms:GenerateDataKey');
  }

  /** Lets a function unwrap a data key to read PII fields back. */
  grantPiiDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.piiKey.grant(grantee, 'kms:Decrypt');
  }
}
