import {
  chartOfAccounts,
  glAccount,
  normalSideOf,
  type GlCode,
} from '../../domain/ledger/chart-of-accounts';
import type { CurrencyCode } from '../../domain/money';
import { appendToChain, GENESIS, verifyChain, type ChainVerification } from '../audit/audit-chain';
import { checkpointRoot } from '../audit/checkpoints';
import type { Dependencies } from '../ports';
import type { CommandContext } from './accounts';
import type { GlBalance } from './ledger-store';
import { ok, type Result } from '../../domain/result';
import type { DomainError } from '../../domain/errors';
import { runCommand, storedReplay, type CommandOutcome } from './run-command';
import type { FxRate } from '../../domain/ledger/posting-rules';

export interface TrialBalanceAccount {
  readonly code: GlCode;
  readonly name: string;
  readonly type: string;
  readonly debitsMinor: bigint;
  readonly creditsMinor: bigint;
  /** Signed in the account's normal direction. */
  readonly balanceMinor: bigint;
}

export interface TrialBalance {
  readonly currency: CurrencyCode;
  readonly debitsMinor: bigint;
  readonly creditsMinor: bigint;
  readonly balanced: boolean;
  readonly accounts: readonly TrialBalanceAccount[];
}

/**
 * The trial balance per currency from the GL balance shards: total debits and credits over the
 * chart, which every balanced entry keeps equal. Reads O(chart × shards) items, never entries.
 */
export async function trialBalance(
  deps: Pick<Dependencies, 'ledger'>,
): Promise<readonly TrialBalance[]> {
  const balances = await deps.ledger.glBalances();
  const byCurrency = new Map<CurrencyCode, GlBalance[]>();
  for (const balance of balances) {
    byCurrency.set(balance.currency, [...(byCurrency.get(balance.currency) ?? []), balance]);
  }
  const order = new Map(chartOfAccounts.map((account, index) => [account.code as string, index]));
  return [...byCurrency.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, rows]) => {
      const accounts = rows
        .sort((a, b) => (order.get(a.code) ?? 0) - (order.get(b.code) ?? 0))
        .map((row) => {
          const account = glAccount(row.code);
          const debitNormal = normalSideOf(account.type) === 'DEBIT';
          return {
            code: row.code,
            name: account.name,
            type: account.type,
            debitsMinor: row.debitsMinor,
            creditsMinor: row.creditsMinor,
            balanceMinor: debitNormal
              ? row.debitsMinor - row.creditsMinor
              : row.creditsMinor - row.debitsMinor,
          };
        });
      const debitsMinor = accounts.reduce((sum, row) => sum + row.debitsMinor, 0n);
      const creditsMinor = accounts.reduce((sum, row) => sum + row.creditsMinor, 0n);
      return {
        currency,
        debitsMinor,
        creditsMinor,
        balanced: debitsMinor === creditsMinor,
        accounts,
      };
    });
}

export interface AuditVerification {
  readonly valid: boolean;
  readonly checked: number;
  readonly chains: number;
  readonly firstInvalid?: {
    readonly chainId: string;
    readonly seq: number;
    readonly reason:
      NonNullable<ChainVerification['firstInvalid']>['reason'] | 'CHECKPOINT_MISMATCH';
  };
}

/**
 * Recomputes every audit chain from its first record and checks each against the head its entity
 * carries. Reports the first invalid record found (chains in id order), so tampering with any
 * stored record, link or tail is named.
 */
export async function verifyAudit(
  deps: Pick<Dependencies, 'ledger'>,
  filter: { chainId?: string | undefined } = {},
): Promise<AuditVerification> {
  const chains = (await deps.ledger.listChains())
    .map((chain) => chain.chainId)
    .filter((chainId) => filter.chainId === undefined || chainId === filter.chainId)
    .sort();
  const checkpoint =
    filter.chainId === undefined ? await deps.ledger.latestCheckpoint() : undefined;
  const marks = new Map(checkpoint?.heads.map((head) => [head.chainId, head]));
  let checked = 0;
  for (const chainId of chains) {
    const [records, head] = await Promise.all([
      deps.ledger.readChain(chainId),
      deps.ledger.getChainHead(chainId),
    ]);
    const result = verifyChain(chainId, records, head);
    checked += result.checked;
    if (!result.valid) return { ...result, checked, chains: chains.length };
    // A chain rewritten with consistent hashes still contradicts the checkpoint taken before.
    const mark = marks.get(chainId);
    if (mark !== undefined && records[mark.seq - 1]?.hash !== mark.hash) {
      return {
        valid: false,
        checked,
        chains: chains.length,
        firstInvalid: { chainId, seq: mark.seq, reason: 'CHECKPOINT_MISMATCH' },
      };
    }
  }
  if (
    checkpoint !== undefined &&
    checkpointRoot(checkpoint.previousRoot, checkpoint.heads) !== checkpoint.root
  ) {
    return {
      valid: false,
      checked,
      chains: chains.length,
      firstInvalid: {
        chainId: `CHECKPOINT#${checkpoint.id}`,
        seq: 0,
        reason: 'CHECKPOINT_MISMATCH',
      },
    };
  }
  return { valid: true, checked, chains: chains.length };
}

/** Sets the rate for a currency pair; the change is audited on the pair's own chain. */
export async function setFxRate(
  deps: Pick<Dependencies, 'ledger' | 'retry' | 'clock' | 'logger' | 'locks' | 'ids'>,
  rate: FxRate,
  context: CommandContext<FxRate & { asOf: string }>,
): Promise<Result<CommandOutcome<FxRate & { asOf: string }>, DomainError>> {
  return runCommand(deps, context, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const chainId = `FXRATE#${rate.base}#${rate.quote}`;
    const head = (await deps.ledger.getChainHead(chainId)) ?? GENESIS;
    const asOf = deps.clock.now().toISOString();
    const audited = appendToChain(head, {
      chainId,
      at: asOf,
      entityType: 'FX_RATE',
      entityId: `${rate.base}${rate.quote}`,
      action: 'FX_RATE_SET',
      actor: context.actor,
      data: { base: rate.base, quote: rate.quote, rate: rate.rate },
    });
    return ok({
      ops: [
        { kind: 'putFxRate', base: rate.base, quote: rate.quote, rate: rate.rate, asOf },
        { kind: 'putChainHead', chainId, before: head, after: audited.head },
        ...(head.seq === 0
          ? [
              {
                kind: 'registerChain',
                chainId,
                entityType: 'FX_RATE',
                entityId: `${rate.base}${rate.quote}`,
              } as const,
            ]
          : []),
        { kind: 'appendAudit', record: audited.record },
      ],
      value: { ...rate, asOf },
    });
  });
}
