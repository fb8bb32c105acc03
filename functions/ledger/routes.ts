import { setFxRate, trialBalance, verifyAudit } from '@shared/application/ledger/ledger-queries';
import { createCheckpoint, type AuditCheckpoint } from '@shared/application/audit/checkpoints';
import { runCommand, storedReplay } from '@shared/application/ledger/run-command';
import type { Dependencies } from '@shared/application/ports';
import { ok } from '@shared/domain/result';
import type { FxRate } from '@shared/domain/ledger/posting-rules';
import { commandContext, commandReply, idempotencyOf, jsonResponse } from '@shared/http/commands';
import { apiErrorFrom } from '@shared/http/error-responses';
import type { GroupImplementations } from '@shared/http/http-handler';
import { auditWire, entryWire, trialBalanceWire } from '@shared/http/ledger-wire';

/** The ledger group's routes: trial balance, journal entries, FX rates and the audit trail. */
export function ledgerRoutes(deps: Dependencies): GroupImplementations<'ledger'> {
  return {
    getTrialBalance: async () => {
      const asOf = deps.clock.now().toISOString();
      return { body: trialBalanceWire(await trialBalance(deps), asOf) };
    },
    getJournalEntry: async ({ params }) => {
      const entry = await deps.ledger.getEntry(params.entryId);
      if (entry === undefined)
        throw apiErrorFrom({ code: 'JOURNAL_ENTRY_NOT_FOUND', entryId: params.entryId });
      return { body: entryWire(entry) };
    },
    setFxRate: async (request) => {
      const render = (rate: FxRate & { asOf: string }) => jsonResponse(200, rate);
      const outcome = await setFxRate(
        deps,
        {
          base: request.body.base,
          quote: request.body.quote,
          rate: request.body.rate,
        },
        commandContext(request, 'setFxRate', render),
      );
      return commandReply(outcome, render);
    },
    listFxRates: async () => ({ body: { items: [...(await deps.ledger.listFxRates())] } }),
    listAuditEvents: async ({ query }) => {
      const page = await deps.ledger.listAuditRecords(
        { entityType: query.entityType, entityId: query.entityId },
        { limit: query.limit, cursor: query.cursor },
      );
      return { body: { items: page.items.map(auditWire), nextCursor: page.nextCursor } };
    },
    createAuditCheckpoint: async (request) => {
      const render = (checkpoint: AuditCheckpoint) =>
        jsonResponse(201, {
          id: checkpoint.id,
          at: checkpoint.at,
          previousRoot: checkpoint.previousRoot,
          root: checkpoint.root,
          chainCount: checkpoint.chainCount,
        });
      const idempotency = idempotencyOf(request, 'createAuditCheckpoint');
      const outcome = await runCommand(deps, { idempotency, render }, async () => {
        const replay = await storedReplay(deps, idempotency);
        if (replay !== undefined) return replay;
        return ok({ ops: [], value: await createCheckpoint(deps) });
      });
      return commandReply(outcome, render);
    },
    verifyAudit: async ({ query }) => ({
      body: await verifyAudit(deps, { chainId: query.chainId }),
    }),
  };
}
