import type { CloudEvent } from '../../contracts/events/cloud-event';
import { Money, type CurrencyCode } from '../../domain/money';
import { sendNotification, type NotifyDeps } from './notifications';
import { dispatchToWebhooks } from './webhooks';

/** The notification type each event triggers. */
export const triggeredTypes = {
  'nexum.transaction.posted': 'transaction_alert',
  'nexum.customer.kyc_updated': 'kyc_updated',
  'nexum.loan.installment_due': 'loan_payment_due',
} as const;

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** An integer field as text: a JSON number, a numeric string, or a DynamoDB-wrapped number. */
const intText = (value: unknown): string => {
  const raw = value !== null && typeof value === 'object' && 'value' in value ? value.value : value;
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '';
  return /^\d{1,9}$/.test(text) ? text : '';
};

/**
 * The notification engine's consumer of domain events (wired to the event dispatcher): sends the
 * event to subscribed webhooks and turns the events above into customer notifications. Safe to
 * call more than once per event (ids derive from the event id, so a redelivery sends nothing
 * twice), and it never throws: a notification problem is logged, never the banking operation's.
 */
export async function handleDomainEvent(deps: NotifyDeps, event: CloudEvent): Promise<void> {
  try {
    await dispatchToWebhooks(deps, event);
  } catch (error) {
    deps.logger.error('webhook dispatch failed', { eventId: event.id, type: event.type, error });
  }
  try {
    await notifyFor(deps, event);
  } catch (error) {
    deps.logger.error('event notification failed', { eventId: event.id, type: event.type, error });
  }
}

async function notifyFor(deps: NotifyDeps, event: CloudEvent): Promise<void> {
  const data = event.data;
  switch (event.type) {
    case 'nexum.transaction.posted': {
      const currency = str(data.currency) as CurrencyCode | undefined;
      const minor = str(data.amount);
      if (currency === undefined || minor === undefined || !/^-?\d+$/.test(minor)) return;
      const amount = Money.fromMinor(BigInt(minor), currency).toString();
      const accountIds = [str(data.fromAccountId), str(data.toAccountId)].filter(
        (id): id is string => id !== undefined,
      );
      const { accounts } = await deps.ledger.loadAccounts(accountIds);
      const notified = new Set<string>();
      for (const accountId of accountIds) {
        const account = accounts.get(accountId);
        if (account === undefined || notified.has(account.customerId)) continue;
        notified.add(account.customerId);
        // Transaction alerts are opt-in: only customers who chose channels for them get one.
        const preferences = await deps.notifications.store.getPreferences(account.customerId);
        if (preferences?.channels.transaction_alert === undefined) continue;
        await sendNotification(deps, {
          type: triggeredTypes[event.type],
          recipientId: account.customerId,
          eventId: event.id,
          data: {
            amount,
            currency,
            transactionType: str(data.type) ?? 'TRANSACTION',
            transactionId: str(data.transactionId) ?? '',
            direction: accountId === str(data.fromAccountId) ? 'debit' : 'credit',
            accountId,
          },
        });
      }
      return;
    }
    case 'nexum.customer.kyc_updated': {
      const customerId = str(data.customerId);
      if (customerId === undefined) return;
      await sendNotification(deps, {
        type: triggeredTypes[event.type],
        recipientId: customerId,
        eventId: event.id,
        data: {
          kycStatus: str(data.kycStatus) ?? '',
          kycTier: intText(data.kycTier),
        },
      });
      return;
    }
    case 'nexum.loan.installment_due': {
      const customerId = str(data.customerId);
      const currency = str(data.currency) as CurrencyCode | undefined;
      const minor = str(data.amountMinor);
      if (customerId === undefined || currency === undefined || minor === undefined) return;
      if (!/^-?\d+$/.test(minor)) return;
      await sendNotification(deps, {
        type: triggeredTypes[event.type],
        recipientId: customerId,
        eventId: event.id,
        priority: 'HIGH',
        data: {
          amount: Money.fromMinor(BigInt(minor), currency).toString(),
          currency,
          dueDate: str(data.dueDate) ?? '',
          loanId: str(data.loanId) ?? '',
          installmentNumber: intText(data.installmentNumber),
        },
      });
      return;
    }
    default:
      return;
  }
}
