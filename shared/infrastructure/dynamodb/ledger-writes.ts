import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TurnQueue, WriteOp } from '../../application/ledger/records';
import { glAccount } from '../../domain/ledger/chart-of-accounts';
import {
  identityKeys,
  refreshTokenItem,
  roleAttributes,
  roleItem,
  userItem,
} from './identity-items';
import { AUDIT_SHARDS, OUTBOX_SHARDS, keys, shardOf } from './keys';
import {
  accountItem,
  accountLineItem,
  customerItem,
  auditItem,
  entryItem,
  holdItem,
  idempotencyItem,
  ownerKycItem,
  transactionItem,
} from './ledger-items';
import { businessDateItem, interestKeys, interestStateItem } from './interest-items';

type TransactRequest = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface TransactItem {
  readonly op: WriteOp;
  readonly request: TransactRequest;
}

const createOnce = 'attribute_not_exists(pk)';
const OUTBOX_TTL_SECONDS = 7 * 24 * 3600;
/** A period's running total is kept a little past the period, then left to TTL. */
const kycVolumeTtlSeconds = { DAY: 3 * 86_400, MONTH: 63 * 86_400, YEAR: 400 * 86_400 } as const;

/**
 * The DynamoDB write for one operation of a unit of work, with the condition that guards it.
 * Accounts are written with SET from the state decided on (their version is the condition) and
 * debits re-check available funds in the same condition; GL balances take unconditional ADDs on
 * a random shard, so the hot accounts never serialise postings.
 */
export function transactItemOf(op: WriteOp, table: string, nowEpochSeconds: number): TransactItem {
  return { op, request: requestOf(op, table, nowEpochSeconds) };
}

/**
 * How long an account counts as contended after a turn on it was last handed on to others
 * waiting (`contendedAt`, whole seconds): a command that reads it then queues at once rather
 * than racing the queue with a write that would most likely fail.
 */
export const CONTENDED_FOR_SECONDS = 1;

/**
 * Moves the turn on a contended key from `ticket` to the next, only if it is still `ticket`'s
 * (a queue never used is on ticket 0). An account's queue lives on the account item.
 */
export function passTurnUpdate(queue: TurnQueue, ticket: number) {
  if ('account' in queue) {
    return {
      Key: keys.account(queue.account),
      UpdateExpression: 'SET turnServing = :next DELETE turnAbandoned :passed',
      ConditionExpression: 'turnServing = :ticket',
      ExpressionAttributeValues: {
        ':next': ticket + 1,
        ':ticket': ticket,
        ':passed': new Set([ticket]),
      },
    };
  }
  return {
    Key: keys.turnServing(queue.key),
    UpdateExpression: 'SET serving = :next, #type = :type DELETE abandoned :passed',
    ConditionExpression:
      ticket === 0 ? 'attribute_not_exists(serving) OR serving = :ticket' : 'serving = :ticket',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: {
      ':next': ticket + 1,
      ':ticket': ticket,
      ':type': 'TurnServing',
      ':passed': new Set([ticket]),
    },
  };
}

/**
 * Marks `ticket` given up, so whoever finds the turn on it passes it on at once; only while the
 * turn has not gone past it (a ticket already served or skipped is left alone).
 */
export function abandonTicketUpdate(queue: TurnQueue, ticket: number) {
  if ('account' in queue) {
    return {
      Key: keys.account(queue.account),
      UpdateExpression: 'ADD turnAbandoned :ticket',
      ConditionExpression: 'turnServing <= :at',
      ExpressionAttributeValues: { ':ticket': new Set([ticket]), ':at': ticket },
    };
  }
  return {
    Key: keys.turnServing(queue.key),
    UpdateExpression: 'ADD abandoned :ticket SET #type = :type',
    ConditionExpression: 'attribute_not_exists(serving) OR serving <= :at',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: {
      ':ticket': new Set([ticket]),
      ':at': ticket,
      ':type': 'TurnServing',
    },
  };
}

/**
 * An account write's part in the account's turn queue (WriteOp updateAccount `turn`): nobody
 * queued (no ticket drawn, or every ticket drawn served), or this ticket's turn, handed on, and
 * when others waited behind it (`turnContended`) the account marked contended as of now.
 */
function turnClauses(
  turn: 'unqueued' | number | undefined,
  contended: boolean,
  nowEpochSeconds: number,
) {
  if (turn === undefined) return { conditions: [], set: '', values: {} };
  if (turn === 'unqueued') {
    return {
      conditions: ['(attribute_not_exists(turnIssued) OR turnIssued = turnServing)'],
      set: '',
      values: {},
    };
  }
  return {
    conditions: ['turnServing = :turn'],
    set: ', turnServing = :nextTurn' + (contended ? ', contendedAt = :contendedAt' : ''),
    values: {
      ':turn': turn,
      ':nextTurn': turn + 1,
      ...(contended ? { ':contendedAt': nowEpochSeconds } : {}),
    },
  };
}

function requestOf(op: WriteOp, TableName: string, now: number): TransactRequest {
  switch (op.kind) {
    case 'createUser':
      return { Put: { TableName, Item: userItem(op.user), ConditionExpression: createOnce } };
    case 'updateUser':
      return {
        Put: {
          TableName,
          Item: userItem(op.after),
          ConditionExpression: 'version = :expectedVersion',
          ExpressionAttributeValues: { ':expectedVersion': op.before.version },
        },
      };
    case 'claimUserId':
      return {
        Put: {
          TableName,
          Item: { ...identityKeys.userId(op.userId), type: 'UserId', username: op.username },
          ConditionExpression: createOnce,
        },
      };
    case 'createRole':
      return { Put: { TableName, Item: roleItem(op.role), ConditionExpression: createOnce } };
    case 'claimRoleName':
      return {
        Put: {
          TableName,
          Item: { ...identityKeys.roleName(op.name), type: 'RoleName', roleId: op.roleId },
          ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(releasedAt)',
        },
      };
    case 'releaseRoleName':
      return {
        Update: {
          TableName,
          Key: identityKeys.roleName(op.name),
          UpdateExpression: 'SET releasedAt = :now',
          ConditionExpression: 'roleId = :roleId',
          ExpressionAttributeValues: {
            ':now': new Date(now * 1000).toISOString(),
            ':roleId': op.roleId,
          },
        },
      };
    case 'updateRole':
    case 'deleteRole': {
      const attributes = roleAttributes(op.after);
      const names = Object.fromEntries(Object.keys(attributes).map((name, i) => [`#a${i}`, name]));
      const values = Object.fromEntries(
        Object.values(attributes).map((value: unknown, i) => [`:a${i}`, value]),
      );
      const sets = Object.keys(names).map((name, i) => `${name} = :a${i}`);
      const deleting = op.kind === 'deleteRole';
      return {
        Update: {
          TableName,
          Key: identityKeys.role(op.before.id),
          UpdateExpression: deleting
            ? `SET ${[...sets, 'deletedAt = :deletedAt'].join(', ')} REMOVE gsi2pk, gsi2sk`
            : `SET ${sets.join(', ')}`,
          ConditionExpression: deleting
            ? 'version = :expectedVersion AND attribute_not_exists(deletedAt) AND memberCount = :zero'
            : 'version = :expectedVersion AND attribute_not_exists(deletedAt)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ...values,
            ':expectedVersion': op.before.version,
            ...(deleting ? { ':deletedAt': op.after.updatedAt, ':zero': 0 } : {}),
          },
        },
      };
    }
    case 'adjustRoleMembers':
      return {
        Update: {
          TableName,
          Key: identityKeys.role(op.roleId),
          UpdateExpression: 'ADD memberCount :members, activeMemberCount :active',
          ConditionExpression: [
            'attribute_exists(pk) AND attribute_not_exists(deletedAt)',
            ...(op.keepActiveAbove === undefined ? [] : ['activeMemberCount > :floor']),
          ].join(' AND '),
          ExpressionAttributeValues: {
            ':members': op.members,
            ':active': op.activeMembers,
            ...(op.keepActiveAbove === undefined ? {} : { ':floor': op.keepActiveAbove }),
          },
        },
      };
    case 'putRefreshToken':
      return {
        Put: { TableName, Item: refreshTokenItem(op.token), ConditionExpression: createOnce },
      };
    case 'useRefreshToken':
      return {
        Update: {
          TableName,
          Key: identityKeys.refreshToken(op.tokenId),
          UpdateExpression: 'SET usedAt = :usedAt',
          // A refresh token is spent once; a second use is a replay (the family is revoked).
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt)',
          ExpressionAttributeValues: { ':usedAt': op.usedAt },
        },
      };
    case 'revokeTokenFamily':
      return {
        Put: {
          TableName,
          Item: {
            ...identityKeys.tokenFamily(op.familyId),
            type: 'TokenFamily',
            revokedAt: op.revokedAt,
            expiresAt: now + 30 * 24 * 3600,
          },
        },
      };
    case 'updateCustomer':
      return {
        Put: {
          TableName,
          Item: customerItem(op.after),
          ConditionExpression: 'version = :expectedVersion',
          ExpressionAttributeValues: { ':expectedVersion': op.before.version },
        },
      };
    case 'createCustomer':
      return {
        Put: { TableName, Item: customerItem(op.customer), ConditionExpression: createOnce },
      };
    case 'putCustomerLookup':
      return {
        Put: {
          TableName,
          Item: {
            ...keys.customerLookup(op.field, op.value, op.customerId),
            type: 'CustomerLookup',
            customerId: op.customerId,
          },
        },
      };
    case 'deleteCustomerLookup':
      return {
        Delete: { TableName, Key: keys.customerLookup(op.field, op.value, op.customerId) },
      };
    case 'createAccount':
      return { Put: { TableName, Item: accountItem(op.account), ConditionExpression: createOnce } };
    case 'updateAccount': {
      const { before, after } = op;
      // Planned from version 0: the account is opened by this very posting (a funded opening,
      // shared/application/products/product-accounts.ts), so its first write creates it.
      if (before.version === 0) {
        return { Put: { TableName, Item: accountItem(after), ConditionExpression: createOnce } };
      }
      const statuses = op.allowedStatuses ?? [before.status];
      const statusValues = Object.fromEntries(statuses.map((status, i) => [`:s${i}`, status]));
      const turn = turnClauses(op.turn, op.turnContended === true, now);
      const conditions = [
        'version = :expectedVersion',
        `#status IN (${Object.keys(statusValues).join(', ')})`,
        ...(op.requireAvailableMinor === undefined ? [] : ['availableMinor >= :required']),
        ...turn.conditions,
      ];
      return {
        Update: {
          TableName,
          Key: keys.account(before.id),
          UpdateExpression:
            'SET balanceMinor = :balance, holdsMinor = :holds, overdraftLimitMinor = :overdraft, ' +
            'availableMinor = :available, #status = :status, version = :version, ' +
            'auditSeq = :auditSeq, auditHash = :auditHash, updatedAt = :updatedAt' +
            (after.ownerKyc === undefined ? '' : ', ownerKyc = :ownerKyc') +
            turn.set,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':expectedVersion': before.version,
            ...statusValues,
            ...(op.requireAvailableMinor === undefined
              ? {}
              : { ':required': op.requireAvailableMinor }),
            ':balance': after.balanceMinor,
            ':holds': after.holdsMinor,
            ':overdraft': after.overdraftLimitMinor,
            ':available': after.balanceMinor - after.holdsMinor + after.overdraftLimitMinor,
            ':status': after.status,
            ':version': after.version,
            ':auditSeq': after.audit.seq,
            ':auditHash': after.audit.hash,
            ':updatedAt': after.updatedAt,
            ...(after.ownerKyc === undefined ? {} : { ':ownerKyc': ownerKycItem(after.ownerKyc) }),
            ...turn.values,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      };
    }
    case 'appendAudit':
      return { Put: { TableName, Item: auditItem(op.record), ConditionExpression: createOnce } };
    case 'registerChain':
      return {
        Put: {
          TableName,
          Item: {
            ...keys.chainRegistry(op.chainId),
            type: 'AuditChain',
            entityType: op.entityType,
            entityId: op.entityId,
            shard: shardOf(op.chainId, AUDIT_SHARDS),
          },
          ConditionExpression: createOnce,
        },
      };
    case 'putChainHead':
      return {
        Put: {
          TableName,
          Item: {
            ...keys.chainHead(op.chainId),
            type: 'AuditChainHead',
            seq: op.after.seq,
            hash: op.after.hash,
          },
          ConditionExpression:
            op.before.seq === 0 ? createOnce : 'seq = :expectedSeq AND #hash = :expectedHash',
          ...(op.before.seq === 0
            ? {}
            : {
                ExpressionAttributeNames: { '#hash': 'hash' },
                ExpressionAttributeValues: {
                  ':expectedSeq': op.before.seq,
                  ':expectedHash': op.before.hash,
                },
              }),
        },
      };
    case 'putTransaction':
      return {
        Put: { TableName, Item: transactionItem(op.transaction), ConditionExpression: createOnce },
      };
    case 'markReversed':
      return {
        Update: {
          TableName,
          Key: keys.transaction(op.transactionId),
          UpdateExpression: 'SET #status = :reversed, reversedBy = :by',
          ConditionExpression: '#status = :posted AND attribute_not_exists(reversedBy)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':reversed': 'REVERSED',
            ':posted': 'POSTED',
            ':by': op.reversedBy,
          },
        },
      };
    case 'putEntry':
      return { Put: { TableName, Item: entryItem(op.entry), ConditionExpression: createOnce } };
    case 'putAccountLine':
      return {
        Put: { TableName, Item: accountLineItem(op.line), ConditionExpression: createOnce },
      };
    case 'moveGl': {
      const { movement } = op;
      // A random shard per write spreads a hot GL account over `shards` partitions.
      const shard = Math.floor(Math.random() * glAccount(movement.code).shards);
      return {
        Update: {
          TableName,
          Key: keys.glBalance(movement.code, shard, movement.currency),
          UpdateExpression:
            'ADD debitsMinor :debit, creditsMinor :credit SET code = :code, currency = :currency, #type = :type',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':debit': movement.debitMinor,
            ':credit': movement.creditMinor,
            ':code': movement.code,
            ':currency': movement.currency,
            ':type': 'GlBalance',
          },
        },
      };
    }
    case 'checkCustomer':
      return {
        ConditionCheck: {
          TableName,
          Key: keys.customer(op.customerId),
          ConditionExpression: 'version = :expectedVersion',
          ExpressionAttributeValues: { ':expectedVersion': op.version },
        },
      };
    case 'addKycVolume':
      // The running total of the period may not pass the limit: total + amount <= limit, kept
      // as total <= limit - amount so the condition is evaluated on the stored value. An amount
      // above the limit by itself fits no total, not even a period's first.
      return {
        Update: {
          TableName,
          Key: keys.kycVolume(op.customerId, op.currency, op.period, op.periodKey),
          UpdateExpression: 'ADD totalMinor :amount SET #type = :type, expiresAt = :expiresAt',
          ConditionExpression:
            op.amountMinor > op.limitMinor
              ? 'totalMinor <= :headroom'
              : 'attribute_not_exists(totalMinor) OR totalMinor <= :headroom',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':amount': op.amountMinor,
            ':headroom': op.limitMinor - op.amountMinor,
            ':type': 'KycVolume',
            ':expiresAt': now + kycVolumeTtlSeconds[op.period],
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      };
    case 'passTurn':
      return { Update: { TableName, ...passTurnUpdate(op.queue, op.ticket) } };
    case 'putHold':
      return { Put: { TableName, Item: holdItem(op.hold), ConditionExpression: createOnce } };
    case 'updateHold':
      return {
        Put: {
          TableName,
          Item: holdItem(op.after),
          ConditionExpression: '#status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':active': 'ACTIVE' },
        },
      };
    case 'putEvent': {
      const { type: eventType, ...event } = op.event;
      return {
        Put: {
          TableName,
          Item: {
            ...keys.outbox(op.event.id),
            ...event,
            type: 'OutboxEvent',
            eventType,
            gsi3pk: `OUTBOX#${shardOf(op.event.id, OUTBOX_SHARDS)}`,
            gsi3sk: op.event.id,
            // Sparse index of unpublished events: the publisher removes it (events module).
            ...keys.outboxPending(op.event.id),
            publishAttempts: 0,
            expiresAt: now + OUTBOX_TTL_SECONDS,
          },
          ConditionExpression: createOnce,
        },
      };
    }
    case 'putIdempotency':
      return {
        Put: {
          TableName,
          Item: idempotencyItem(op.record),
          // An expired record (TTL deletes lazily) no longer holds its key.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now },
        },
      };
    case 'putDocument': {
      const { document } = op;
      return {
        Put: {
          TableName,
          Item: {
            ...keys.document(document.collection, document.id),
            type: 'Document',
            collection: document.collection,
            id: document.id,
            version: document.version,
            data: JSON.stringify(document.data),
            ...(document.index === undefined
              ? {}
              : { gsi1pk: document.index.partition, gsi1sk: document.index.sort }),
            ...(document.sparseIndex === undefined
              ? {}
              : { gsi3pk: document.sparseIndex.partition, gsi3sk: document.sparseIndex.sort }),
          },
          ...(op.expectedVersion === undefined
            ? { ConditionExpression: createOnce }
            : {
                ConditionExpression: 'version = :expectedVersion',
                ExpressionAttributeValues: { ':expectedVersion': op.expectedVersion },
              }),
        },
      };
    }
    case 'putInterestState':
      return {
        Put: {
          TableName,
          Item: interestStateItem(op.after),
          ...(op.before === undefined
            ? { ConditionExpression: createOnce }
            : {
                ConditionExpression: 'version = :expectedVersion',
                ExpressionAttributeValues: { ':expectedVersion': op.before.version },
              }),
        },
      };
    case 'putInterestMarker':
      return {
        Put: {
          TableName,
          Item: {
            ...interestKeys.marker(op.accountId, op.marker, op.date),
            type: op.marker === 'ACCRUAL' ? 'InterestAccrual' : 'InterestPosting',
            accountId: op.accountId,
            date: op.date,
            amountMinor: op.amountMinor,
            currency: op.currency,
            at: op.at,
          },
          ConditionExpression: createOnce,
        },
      };
    case 'putBusinessDate':
      return {
        Put: {
          TableName,
          Item: businessDateItem(op.after),
          ...(op.before === undefined
            ? { ConditionExpression: createOnce }
            : {
                ConditionExpression: 'version = :expectedVersion',
                ExpressionAttributeValues: { ':expectedVersion': op.before.version },
              }),
        },
      };
    case 'putFxRate':
      return {
        Put: {
          TableName,
          Item: {
            ...keys.fxRate(op.base, op.quote),
            type: 'FxRate',
            base: op.base,
            quote: op.quote,
            rate: op.rate,
            asOf: op.asOf,
          },
        },
      };
  }
}
