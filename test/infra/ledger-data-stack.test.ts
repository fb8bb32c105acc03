import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { mainTable } from '../../shared/contracts/tables';
import {
  logicalIdOf,
  resourcesOfType,
  synthesizeTenant,
  type SynthesizedTenant,
} from './tenant-fixtures';

describe('LedgerDataStack (demo tenant)', () => {
  let tenant: SynthesizedTenant;

  beforeAll(() => {
    tenant = synthesizeTenant('demo');
  });

  describe('the main table', () => {
    it('uses the key design of shared/contracts/tables.ts with on-demand billing', () => {
      tenant.dataTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `nexum-demo-${mainTable.logicalName}`,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: mainTable.partitionKey, KeyType: 'HASH' },
          { AttributeName: mainTable.sortKey, KeyType: 'RANGE' },
        ],
      });
    });

    it('has every global index of the contract, projecting all attributes', () => {
      const expected = mainTable.globalIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      }));

      tenant.dataTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: expected,
      });
    });

    it('keeps the stream, TTL attribute and point-in-time recovery of the contract', () => {
      tenant.dataTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
        StreamSpecification: { StreamViewType: mainTable.stream },
        TimeToLiveSpecification: { AttributeName: mainTable.timeToLiveAttribute, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    });

    it('cannot be deleted: deletion protection, Retain on delete and on replacement', () => {
      tenant.dataTemplate.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      });
    });

    it('is encrypted with the tenant ledger key, not the PII key', () => {
      const ledgerKeyId = logicalIdOf(tenant.data.keys.ledgerKey);

      tenant.dataTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [ledgerKeyId, 'Arn'] },
        },
      });
      expect(ledgerKeyId).not.toEqual(logicalIdOf(tenant.data.keys.piiKey));
    });
  });

  describe('the keys', () => {
    it('has a rotating, retained PII key under alias/nexum/<tenant>/pii', () => {
      const piiKeyId = logicalIdOf(tenant.data.keys.piiKey);

      tenant.dataTemplate.hasResource('AWS::KMS::Key', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({ EnableKeyRotation: true }),
      });
      tenant.dataTemplate.hasResourceProperties('AWS::KMS::Alias', {
        AliasName: 'alias/nexum/demo/pii',
        TargetKeyId: { 'Fn::GetAtt': [piiKeyId, 'Arn'] },
      });
    });

    it('retains every key of the stack and rotates every symmetric one', () => {
      const keys = Object.values(resourcesOfType(tenant.dataTemplate, 'AWS::KMS::Key'));
      const symmetric = keys.filter((key) => key.Properties?.KeySpec === undefined);

      expect(keys).toHaveLength(4);
      expect(symmetric).toHaveLength(2);
      expect(keys.map((key) => key.Properties?.KeySpec).sort()).toEqual([
        'ECC_NIST_P256',
        'HMAC_256',
        undefined,
        undefined,
      ]);
      for (const key of keys) {
        expect(key).toMatchObject({
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
          Properties: { PendingWindowInDays: 30 },
        });
      }
      for (const key of symmetric) {
        expect(key.Properties?.EnableKeyRotation).toBe(true);
      }
    });

    it('has an asymmetric ES256 token-signing key under alias/nexum/<tenant>/jwt', () => {
      const jwtKeyId = logicalIdOf(tenant.data.keys.jwtSigningKey);
      const jwtKey = resourcesOfType(tenant.dataTemplate, 'AWS::KMS::Key')[jwtKeyId];

      expect(jwtKey).toMatchObject({
        Type: 'AWS::KMS::Key',
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KeySpec: 'ECC_NIST_P256',
          KeyUsage: 'SIGN_VERIFY',
          PendingWindowInDays: 30,
        },
      });
      // KMS refuses automatic rotation for asymmetric keys.
      expect(jwtKey?.Properties?.EnableKeyRotation).not.toBe(true);
      tenant.dataTemplate.hasResourceProperties('AWS::KMS::Alias', {
        AliasName: 'alias/nexum/demo/jwt',
        TargetKeyId: { 'Fn::GetAtt': [jwtKeyId, 'Arn'] },
      });
    });

    it('records why the token-signing key does not rotate (cdk-nag KMS5)', () => {
      const jwtKeyId = logicalIdOf(tenant.data.keys.jwtSigningKey);
      const metadata = resourcesOfType(tenant.dataTemplate, 'AWS::KMS::Key')[jwtKeyId]
        ?.Metadata as { cdk_nag: { rules_to_suppress: Array<{ id: string; reason: string }> } };

      expect(metadata.cdk_nag.rules_to_suppress).toEqual([
        { id: 'AwsSolutions-KMS5', reason: expect.stringMatching(/cannot rotate automatically/) },
      ]);
    });
  });

  describe('the event bus', () => {
    it('is named after the tenant and archives its events for a year', () => {
      const busId = logicalIdOf(tenant.data.events.bus);

      tenant.dataTemplate.hasResourceProperties('AWS::Events::EventBus', { Name: 'nexum-demo' });
      tenant.dataTemplate.hasResource('AWS::Events::Archive', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          SourceArn: { 'Fn::GetAtt': [busId, 'Arn'] },
          RetentionDays: 365,
        }),
      });
    });

    it('has no resource policy that would let other accounts publish', () => {
      tenant.dataTemplate.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    });
  });

  it('is the only stateful stack: termination protection on, no functions', () => {
    expect(tenant.data.terminationProtection).toBe(true);
    expect(tenant.api.terminationProtection).toBe(false);
    tenant.dataTemplate.resourceCountIs('AWS::Lambda::Function', 0);
  });

  it('exposes the table and keys the API stack uses, as stack exports', () => {
    const exports = Object.values(tenant.dataTemplate.findOutputs('*')).map(
      (output) => (output as { Value: unknown }).Value,
    );

    expect(exports).toEqual(
      expect.arrayContaining([
        { Ref: logicalIdOf(tenant.data.ledger.table) },
        { 'Fn::GetAtt': [logicalIdOf(tenant.data.ledger.table), 'Arn'] },
        { 'Fn::GetAtt': [logicalIdOf(tenant.data.keys.ledgerKey), 'Arn'] },
        { 'Fn::GetAtt': [logicalIdOf(tenant.data.keys.piiKey), 'Arn'] },
        { Ref: logicalIdOf(tenant.data.keys.jwtSigningKey) },
        { 'Fn::GetAtt': [logicalIdOf(tenant.data.keys.jwtSigningKey), 'Arn'] },
      ]),
    );
  });
});
