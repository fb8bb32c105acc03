import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SystemMarker, SystemStore } from '../../application/ports';
import { systemMarkerKey } from '../../contracts/tables';
import { normalSideOf, type GlAccount } from '../../domain/ledger/chart-of-accounts';
import type { Role } from '../../domain/identity/roles';
import { identityKeys, roleItem } from './identity-items';

/** The system marker item in the tenant's main table. */
export class DynamoDbSystemStore implements SystemStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async readMarker(signal?: AbortSignal): Promise<SystemMarker | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: systemMarkerKey, ConsistentRead: true }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    if (Item === undefined) return undefined;
    return {
      tenant: String(Item.tenant),
      schemaVersion: Number(String(Item.schemaVersion)),
      initializedAt: String(Item.initializedAt),
    };
  }

  async seedChartOfAccounts(accounts: readonly GlAccount[]): Promise<number> {
    const created = await Promise.all(
      accounts.map(async (account) => {
        try {
          await this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                pk: `GL#${account.code}`,
                sk: 'GL',
                ...account,
                glType: account.type,
                type: 'GlAccount',
                normalSide: normalSideOf(account.type),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
          return 1;
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) return 0;
          throw new Error(`Seeding GL account ${account.code} failed`, { cause: error });
        }
      }),
    );
    return created.reduce<number>((sum, one) => sum + one, 0);
  }

  async seedRoles(roles: readonly Role[]): Promise<number> {
    const created = await Promise.all(
      roles.map(async (role) => {
        // The name claim first: a crash between the two leaves a claim a rerun completes.
        await this.putOnce({
          ...identityKeys.roleName(role.name),
          type: 'RoleName',
          roleId: role.id,
        });
        return this.putOnce(roleItem(role));
      }),
    );
    return created.reduce<number>((sum, one) => sum + one, 0);
  }

  private async putOnce(item: Record<string, unknown>): Promise<number> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 1;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 0;
      throw new Error(`Seeding ${String(item.pk)} failed`, { cause: error });
    }
  }

  async writeMarkerOnce(marker: SystemMarker): Promise<{ created: boolean; marker: SystemMarker }> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...systemMarkerKey, type: 'SystemMarker', ...marker },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true, marker };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) {
        throw new Error('Writing the system marker failed', { cause: error });
      }
      const existing = await this.readMarker();
      if (existing === undefined)
        throw new Error('System marker vanished after a conflicting write');
      return { created: false, marker: existing };
    }
  }
}
