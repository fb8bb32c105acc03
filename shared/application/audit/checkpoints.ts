import type { Dependencies } from '../ports';
import { canonicalJson, sha256Hex } from './audit-chain';

export interface ChainHeadMark {
  readonly chainId: string;
  readonly seq: number;
  readonly hash: string;
}

/**
 * A checkpoint: the heads of every audit chain at one moment, hashed together with the previous
 * checkpoint's root. Publishing the root elsewhere (a ticket, an auditor's mailbox, an object-lock
 * bucket) makes a later rewrite of any chain, even one that recomputed every hash, detectable.
 */
export interface AuditCheckpoint {
  readonly id: string;
  readonly at: string;
  readonly previousRoot: string;
  readonly root: string;
  readonly chainCount: number;
  readonly heads: readonly ChainHeadMark[];
}

export function checkpointRoot(previousRoot: string, heads: readonly ChainHeadMark[]): string {
  return sha256Hex(
    canonicalJson({
      previousRoot,
      heads: heads.map((head) => [head.chainId, head.seq, head.hash]),
    }),
  );
}

/** Takes a checkpoint of every registered chain's current head. */
export async function createCheckpoint(
  deps: Pick<Dependencies, 'ledger' | 'clock' | 'ids'>,
): Promise<AuditCheckpoint> {
  const chains = (await deps.ledger.listChains()).map((chain) => chain.chainId).sort();
  const heads: ChainHeadMark[] = [];
  for (const chainId of chains) {
    const head = await deps.ledger.getChainHead(chainId);
    if (head !== undefined && head.seq > 0) heads.push({ chainId, ...head });
  }
  const previous = await deps.ledger.latestCheckpoint();
  const previousRoot = previous?.root ?? '0'.repeat(64);
  const checkpoint: AuditCheckpoint = {
    id: deps.ids.next(),
    at: deps.clock.now().toISOString(),
    previousRoot,
    root: checkpointRoot(previousRoot, heads),
    chainCount: heads.length,
    heads,
  };
  await deps.ledger.saveCheckpoint(checkpoint);
  return checkpoint;
}
