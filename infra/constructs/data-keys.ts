import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface DataKeysProps {
  readonly tenant: string;
}

/**
 * The tenant's customer-managed keys. Three keys, because they protect against different readers
 * and do different jobs:
 *
 * - `ledgerKey` encrypts the main table at rest. Anyone allowed to read the table can use it, but
 *   only through DynamoDB. Being customer-managed, the bank owns its policy, sees every use in
 *   CloudTrail and can disable it to make the table unreadable.
 * - `piiKey` envelope-encrypts personal data fields before they are written. Table access does
 *   not imply it: a function that lists accounts sees ciphertext until it is granted decrypt.
 * - `jwtSigningKey` signs access tokens (ES256, shared/infrastructure/identity/
 *   kms-token-service.ts). It is asymmetric: the private half never leaves KMS, only the auth
 *   function may sign, and every other function may only fetch the public key to verify.
 *
 * Sharing one key would erase these boundaries. All three are retained when the stack is deleted
 * (ciphertext and issued tokens outlive any stack) and wait the maximum 30 days before a scheduled
 * deletion completes. The symmetric keys rotate yearly; KMS cannot rotate an asymmetric key.
 */
export class DataKeys extends Construct {
  readonly ledgerKey: kms.Key;
  readonly piiKey: kms.Key;
  readonly jwtSigningKey: kms.Key;
  readonly blindIndexKey: kms.Key;

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
    this.jwtSigningKey = new kms.Key(this, 'JwtSigningKey', {
      alias: `alias/nexum/${props.tenant}/jwt`,
      description: `Nexum ${props.tenant}: ES256 signing of access tokens`,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      enableKeyRotation: false,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Blind indexes (exact-match search over encrypted PII) are HMACs under their own key, so
    // the index key and the PII key can be granted, audited and retired separately.
    this.blindIndexKey = new kms.Key(this, 'BlindIndexKey', {
      alias: `alias/nexum/${props.tenant}/blind-index`,
      description: `Nexum ${props.tenant}: HMAC-SHA-256 blind indexes of personal data`,
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      enableKeyRotation: false,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.blindIndexKey, [
      {
        id: 'AwsSolutions-KMS5',
        reason:
          'HMAC keys cannot rotate automatically in KMS, and a rotated index key would orphan every ' +
          'stored index; re-keying is a re-indexing job (identity module).',
      },
    ]);
    // cdk-nag 2.38 already exempts asymmetric keys from KMS5; the suppression records why, should
    // a later rule version stop doing so.
    NagSuppressions.addResourceSuppressions(this.jwtSigningKey, [
      {
        id: 'AwsSolutions-KMS5',
        reason:
          'Asymmetric KMS keys (ECC_NIST_P256, SIGN_VERIFY) cannot rotate automatically. Rotating ' +
          'means a new key whose id the functions receive in NEXUM_JWT_KMS_KEY_ID: access tokens ' +
          'of the old key stop verifying and clients obtain new ones with their refresh token, ' +
          'which is a stored record independent of the signing key.',
      },
    ]);
  }

  /** Lets a function seal PII fields: a fresh data key per batch (envelope encryption). */
  grantPiiEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.piiKey.grant(grantee, 'kms:GenerateDataKey');
  }

  /** Lets a function unwrap a data key to read PII fields back. */
  grantPiiDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.piiKey.grant(grantee, 'kms:Decrypt');
  }

  /**
   * Lets a function rotate the PII key's material on demand (POST /encryption/rotate-key): KMS
   * keeps every earlier material for Decrypt and issues new data keys from the new one.
   */
  grantPiiRotation(grantee: iam.IGrantable): iam.Grant {
    return this.piiKey.grant(grantee, 'kms:RotateKeyOnDemand');
  }

  /** Lets a function verify access tokens: it fetches the public key once per container. */
  grantTokenVerification(grantee: iam.IGrantable): iam.Grant {
    return this.jwtSigningKey.grant(grantee, 'kms:GetPublicKey');
  }

  /** Lets a function compute blind indexes (customer creation and lookup). */
  grantBlindIndex(grantee: iam.IGrantable): iam.Grant {
    return this.blindIndexKey.grant(grantee, 'kms:GenerateMac');
  }

  /** Lets a function issue access tokens. Only the auth function (login, refresh) gets this. */
  grantTokenSigning(grantee: iam.IGrantable): iam.Grant {
    return this.jwtSigningKey.grant(grantee, 'kms:Sign');
  }
}
