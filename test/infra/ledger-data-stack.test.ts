import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { mainTable } from '../../shared/contracts/tables';
import { logicalIdOf, synthesizeTenant, type SynthesizedTenant } from './tenant-fixtures';

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

    it('rotates and retains every key of the stack', () => {
      const keys = Object.values(tenant.dataTemplate.findResources('AWS::KMS::Key'));

      expect(keys).toHaveLength(2);
      for (const key of keys) {
        expect(key).toMatchObject({
          DeletionPolicy: 'Retain',
          Properties: { EnableKeyRotation: true, PendingWindowInDays: 30 },
        });
      }
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

  it('exposes exactly the table, key and bus the API stack uses, as stack exports', () => {
    const exports = Object.values(tenant.dataTemplate.findOutputs('*')).map(
      (output) => (output as { Value: unknown }).Value,
    );

    expect(exports).toEqual(
      expect.arrayContaining([
        { Ref: logicalIdOf(tenant.data.ledger.table) },
        { 'Fn::GetAtt': [logicalIdOf(tenant.data.ledger.table), 'Arn'] },
        { 'Fn::GetAtt': [logicalIdOf(tenant.data.keys.ledgerKey), 'Arn'] },
      ]),
    );
  });
});
