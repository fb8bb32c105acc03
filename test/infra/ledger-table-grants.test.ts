import { beforeAll, describe, expect, it } from '@jest/globals';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { mainTable } from '../../shared/contracts/tables';
import { DataKeys } from '../../infra/constructs/data-keys';
import { LedgerTable } from '../../infra/constructs/ledger-table';
import { logicalIdOf } from './tenant-fixtures';

interface Statement {
  readonly Effect?: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** The statements granted to one role, by grant method. */
function grantedStatements(grant: (ledger: LedgerTable, keys: DataKeys, role: iam.Role) => void): {
  statements: Statement[];
  stack: Stack;
  ledger: LedgerTable;
  keys: DataKeys;
} {
  const stack = new Stack(new App(), 'Grants');
  const keys = new DataKeys(stack, 'Keys', { tenant: 'grants' });
  const ledger = new LedgerTable(stack, 'MainTable', {
    tenant: 'grants',
    definition: mainTable,
    encryptionKey: keys.ledgerKey,
  });
  const role = new iam.Role(stack, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  grant(ledger, keys, role);
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
  const statements = policies.flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties
        .PolicyDocument.Statement,
  );
  return { statements, stack, ledger, keys };
}

const actionsOf = (statements: readonly Statement[], prefix: string): string[] =>
  statements
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
    .filter((action) => action.startsWith(prefix))
    .sort();

describe('LedgerTable and DataKeys grants', () => {
  describe('ledger reads and writes (business groups)', () => {
    let granted: ReturnType<typeof grantedStatements>;

    beforeAll(() => {
      granted = grantedStatements((ledger, keys, role) => {
        ledger.grantLedgerReads(role);
        ledger.grantLedgerWrites(role);
        keys.grantPiiEncrypt(role);
        keys.grantPiiDecrypt(role);
      });
    });

    it('allows what the ledger store does, and never DeleteItem, Scan or a wildcard action', () => {
      expect(actionsOf(granted.statements, 'dynamodb:')).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:ConditionCheckItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]);
    });

    it('names every index of the contract instead of index/*', () => {
      const tableId = logicalIdOf(granted.ledger.table);
      const reads = granted.statements.find((s) =>
        actionsOf([s], 'dynamodb:').includes('dynamodb:Query'),
      );

      expect(reads?.Resource).toEqual([
        { 'Fn::GetAtt': [tableId, 'Arn'] },
        ...mainTable.globalIndexes.map((index) => ({
          'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, `/index/${index.indexName}`]],
        })),
      ]);
    });

    it('uses the PII key directly for envelope encryption, and the table key only via DynamoDB', () => {
      const piiKeyArn = { 'Fn::GetAtt': [logicalIdOf(granted.keys.piiKey), 'Arn'] };
      const pii = granted.statements.filter(
        (s) => JSON.stringify(s.Resource) === JSON.stringify(piiKeyArn),
      );
      const tableKey = granted.statements.filter(
        (s) =>
          actionsOf([s], 'kms:').length > 0 &&
          JSON.stringify(s.Resource) !== JSON.stringify(piiKeyArn),
      );

      expect(actionsOf(pii, 'kms:')).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(tableKey.length).toBeGreaterThan(0);
      for (const statement of tableKey) {
        expect(statement.Condition).toEqual({
          StringEquals: {
            'kms:ViaService': {
              'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
            },
          },
        });
      }
    });
  });

  it('grants token verification as GetPublicKey and signing as Sign, on the token key only', () => {
    const verify = grantedStatements((_ledger, keys, role) => keys.grantTokenVerification(role));
    const sign = grantedStatements((_ledger, keys, role) => keys.grantTokenSigning(role));

    for (const [granted, action] of [
      [verify, 'kms:GetPublicKey'],
      [sign, 'kms:Sign'],
    ] as const) {
      const jwtKeyArn = { 'Fn::GetAtt': [logicalIdOf(granted.keys.jwtSigningKey), 'Arn'] };
      expect(granted.statements).toEqual([
        expect.objectContaining({ Action: action, Effect: 'Allow', Resource: jwtKeyArn }),
      ]);
    }
  });

  it('limits point reads to the partition keys given', () => {
    const { statements } = grantedStatements((ledger, _keys, role) =>
      ledger.grantPointReads(role, { partitionKeys: ['SYSTEM'] }),
    );

    const dynamodb = statements.filter((s) => actionsOf([s], 'dynamodb:').length > 0);
    expect(dynamodb).toHaveLength(1);
    expect(dynamodb[0]?.Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SYSTEM'] },
    });
  });
});
