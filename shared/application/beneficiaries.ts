import { MAX_BENEFICIARIES, beneficiaryShareTotal, type Beneficiary } from '../domain/customer';
import type { DomainError } from '../domain/errors';
import { err, ok, type Result } from '../domain/result';
import {
  customerChange,
  openBeneficiary,
  openCustomer,
  sealBeneficiary,
  subjectOf,
} from './customer-records';
import type { CommandContext } from './ledger/accounts';
import { runCommand, storedReplay, type CommandOutcome } from './ledger/run-command';
import type { Dependencies } from './ports';

type Deps = Pick<
  Dependencies,
  'ledger' | 'retry' | 'clock' | 'ids' | 'logger' | 'locks' | 'cipher' | 'vault'
>;

export interface BeneficiaryDetails {
  readonly name: string;
  readonly relationship: string;
  readonly percentage: string;
  readonly contactInfo?: string | undefined;
}

/**
 * Adds a beneficiary, sealed under the customer's subject key on the customer's own item (so the
 * share rule is checked against a consistent whole and erasure removes it with the rest).
 * Refused when the shares would pass 100 or the customer has the most beneficiaries allowed.
 */
export async function addBeneficiary(
  deps: Deps,
  customerId: string,
  details: BeneficiaryDetails,
  context: CommandContext<Beneficiary>,
): Promise<Result<CommandOutcome<Beneficiary>, DomainError>> {
  return runCommand(deps, { ...context, lockKeys: [customerId] }, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const read = await deps.ledger.getCustomer(customerId);
    if (read === undefined) return err({ code: 'CUSTOMER_NOT_FOUND', customerId });
    if (read.status === 'ERASED') return err({ code: 'CUSTOMER_ERASED', customerId });
    const { stored, cipher } = await subjectOf(deps, read);
    const existing = stored.beneficiaries.map((b) => openBeneficiary(cipher, b));
    if (existing.length >= MAX_BENEFICIARIES) {
      return err({ code: 'BENEFICIARY_LIMIT_REACHED', limit: MAX_BENEFICIARIES });
    }
    const shares = beneficiaryShareTotal(existing, details.percentage);
    if (!shares.fits) return err({ code: 'BENEFICIARY_SHARES_EXCEEDED', total: shares.total });
    const at = deps.clock.now().toISOString();
    const beneficiary: Beneficiary = {
      id: deps.ids.next(),
      name: details.name,
      relationship: details.relationship,
      percentage: details.percentage,
      contactInfo: details.contactInfo,
      createdAt: at,
    };
    const { ops } = customerChange(deps, read, {
      from: stored,
      fields: { beneficiaries: [...stored.beneficiaries, sealBeneficiary(cipher, beneficiary)] },
      at,
      actor: context.actor,
      action: 'BENEFICIARY_ADDED',
      auditData: { beneficiaryId: beneficiary.id },
      event: {
        type: 'nexum.customer.beneficiary_added',
        data: { beneficiaryId: beneficiary.id },
      },
    });
    return ok({
      ops,
      value: beneficiary,
    });
  });
}

/** Removes a beneficiary; audited and announced by id only. */
export async function removeBeneficiary(
  deps: Deps,
  customerId: string,
  beneficiaryId: string,
  context: CommandContext<{ readonly id: string }>,
): Promise<Result<CommandOutcome<{ readonly id: string }>, DomainError>> {
  return runCommand(deps, { ...context, lockKeys: [customerId] }, async () => {
    const stored = await deps.ledger.getCustomer(customerId);
    if (stored === undefined) return err({ code: 'CUSTOMER_NOT_FOUND', customerId });
    if (stored.status === 'ERASED') return err({ code: 'CUSTOMER_ERASED', customerId });
    if (!stored.beneficiaries.some((b) => b.id === beneficiaryId)) {
      return err({ code: 'BENEFICIARY_NOT_FOUND', beneficiaryId });
    }
    const at = deps.clock.now().toISOString();
    const { ops } = customerChange(deps, stored, {
      fields: { beneficiaries: stored.beneficiaries.filter((b) => b.id !== beneficiaryId) },
      at,
      actor: context.actor,
      action: 'BENEFICIARY_REMOVED',
      auditData: { beneficiaryId },
      event: { type: 'nexum.customer.beneficiary_removed', data: { beneficiaryId } },
    });
    return ok({
      ops,
      value: { id: beneficiaryId },
    });
  });
}

/** A customer's beneficiaries, opened. */
export async function listBeneficiaries(
  deps: Pick<Dependencies, 'ledger' | 'cipher' | 'vault'>,
  customerId: string,
): Promise<Result<readonly Beneficiary[], DomainError>> {
  const stored = await deps.ledger.getCustomer(customerId);
  if (stored === undefined) return err({ code: 'CUSTOMER_NOT_FOUND', customerId });
  return ok((await openCustomer(deps, stored)).beneficiaries);
}
