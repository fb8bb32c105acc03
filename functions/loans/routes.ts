import {
  approveLoan,
  balancesAfter,
  closeLoan,
  createLoan,
  disburseLoan,
  getLoan,
  installmentStatus,
  listCustomerLoans,
  loanPayoff,
  loanStanding,
  rejectLoan,
  repayLoan,
  writeOffLoan,
  type LoanPosting,
} from '@shared/application/lending/loans';
import { loanToday, type Loan } from '@shared/application/lending/loan-records';
import {
  checkApprovalLimit,
  checkTransactionLimit,
} from '@shared/application/identity/principal-limits';
import type { Principal } from '@shared/application/identity/ports';
import type { Dependencies } from '@shared/application/ports';
import type { BusinessDate } from '@shared/domain/interest/business-date';
import { totalOf } from '@shared/domain/lending/installments';
import { Money } from '@shared/domain/money';
import { commandContext, commandReply, jsonResponse, valueOrThrow } from '@shared/http/commands';
import { ApiError, apiErrorFrom } from '@shared/http/error-responses';
import type { GroupImplementations, RouteRequest } from '@shared/http/http-handler';
import { transactionWire } from '@shared/http/ledger-wire';
import type { RouteTable } from '@shared/contracts/routes';

/** The wire form of a loan on `asOf`: its terms, state, arrears and what is outstanding. */
export function loanWire(loan: Loan, asOf: BusinessDate) {
  const standing = loanStanding(loan, asOf);
  const { outstanding } = standing;
  return {
    id: loan.id,
    customerId: loan.customerId,
    ...(loan.productId === undefined ? {} : { productId: loan.productId }),
    ...(loan.productVersion === undefined ? {} : { productVersion: loan.productVersion }),
    status: loan.status,
    principal: loan.principal.toJSON(),
    annualInterestRate: loan.annualInterestRate,
    termMonths: loan.termMonths,
    paymentFrequency: loan.paymentFrequency,
    amortizationMethod: loan.amortizationMethod,
    dayCountConvention: loan.dayCountConvention,
    expectedDisbursementDate: loan.expectedDisbursementDate,
    firstPaymentDate: loan.firstPaymentDate,
    gracePeriodDays: loan.gracePeriodDays,
    outstandingPrincipal: outstanding.principal.toJSON(),
    daysPastDue: standing.daysPastDue,
    arrearsBucket: standing.arrearsBucket,
    outstanding: {
      principal: outstanding.principal.toJSON(),
      interest: outstanding.interest.toJSON(),
      fees: outstanding.fees.toJSON(),
      penalties: outstanding.penalties.toJSON(),
    },
    ...(loan.accountId === undefined ? {} : { accountId: loan.accountId }),
    ...(loan.disbursedToAccountId === undefined
      ? {}
      : { disbursedToAccountId: loan.disbursedToAccountId }),
    ...(loan.disbursementDate === undefined ? {} : { disbursementDate: loan.disbursementDate }),
    version: loan.version,
    createdAt: loan.createdAt,
  };
}

/** GET /loans/{id}/schedule: each installment with what is due of it and its status on `asOf`. */
export function scheduleWire(loan: Loan, asOf: BusinessDate) {
  const balances = balancesAfter(loan.installments, loan.principal.currency);
  return {
    items: loan.installments.map((installment, index) => ({
      number: installment.number,
      dueDate: installment.dueDate,
      principal: installment.due.principal.toJSON(),
      interest: installment.due.interest.toJSON(),
      fees: installment.due.fees.toJSON(),
      penalties: installment.due.penalties.toJSON(),
      payment: totalOf(installment.due).toJSON(),
      balance: (balances[index] as Money).toJSON(),
      status: installmentStatus(installment, asOf),
    })),
  };
}

/** The loans group's routes. */
export function loanRoutes(
  deps: Dependencies,
  today: () => BusinessDate = () => loanToday(deps),
): GroupImplementations<'loans'> {
  const existing = async (loanId: string): Promise<Loan> => {
    const loan = await getLoan(deps, loanId);
    if (loan === undefined) throw apiErrorFrom({ code: 'LOAN_NOT_FOUND', loanId });
    return loan;
  };
  const principalOf = (request: { readonly principal: Principal | undefined }): Principal => {
    if (request.principal === undefined)
      throw new Error('The edge let an anonymous caller through');
    return request.principal;
  };
  const renderLoan = (status: number, basePath?: string) => (loan: Loan) =>
    jsonResponse(
      status,
      loanWire(loan, today()),
      basePath === undefined ? {} : { Location: `${basePath}/loans/${loan.id}` },
    );
  const renderPosting = (posting: LoanPosting) =>
    jsonResponse(201, {
      loan: loanWire(posting.loan, today()),
      transaction: transactionWire(posting.transaction),
      allocated: {
        principal: posting.allocated.principal.toJSON(),
        interest: posting.allocated.interest.toJSON(),
        fees: posting.allocated.fees.toJSON(),
        penalties: posting.allocated.penalties.toJSON(),
      },
    });

  const statusChange =
    (operation: 'approveLoan' | 'closeLoan', run: typeof approveLoan) =>
    async (request: RouteRequest<RouteTable['approveLoan']>) => {
      const render = renderLoan(200);
      if (operation === 'approveLoan') {
        const loan = await existing(request.params.loanId);
        valueOrThrow(checkApprovalLimit(principalOf(request), 'APPROVE_LOAN', loan.principal));
      }
      const outcome = await run(
        deps,
        request.params.loanId,
        commandContext(request, operation, render),
      );
      return commandReply(outcome, render);
    };

  return {
    createLoan: async (request) => {
      const { body } = request;
      const render = renderLoan(201, request.basePath);
      const outcome = await createLoan(
        deps,
        {
          customerId: body.customerId,
          productId: body.productId,
          principal: Money.of(body.principal, body.currency),
          annualInterestRate: body.annualInterestRate,
          termMonths: body.termMonths,
          paymentFrequency: body.paymentFrequency,
          amortizationMethod: body.amortizationMethod,
          dayCountConvention: body.dayCountConvention,
          expectedDisbursementDate: body.expectedDisbursementDate as BusinessDate,
          firstPaymentDate: body.firstPaymentDate as BusinessDate,
          gracePeriodDays: body.gracePeriodDays,
        },
        commandContext(request, 'createLoan', render),
      );
      return commandReply(outcome, render);
    },
    listLoans: async ({ query }) => {
      const page = await listCustomerLoans(deps, query.customerId, query);
      const asOf = today();
      return {
        body: {
          items: page.items.map((loan) => loanWire(loan, asOf)),
          nextCursor: page.nextCursor,
        },
      };
    },
    getLoan: async ({ params }) => ({ body: loanWire(await existing(params.loanId), today()) }),
    getLoanSchedule: async ({ params }) => ({
      body: scheduleWire(await existing(params.loanId), today()),
    }),
    getLoanPayoff: async ({ params, query }) => {
      const loan = await existing(params.loanId);
      const quote = valueOrThrow(loanPayoff(loan, query.date as BusinessDate));
      return {
        body: {
          asOf: quote.asOf,
          principal: quote.principal.toJSON(),
          interest: quote.interest.toJSON(),
          fees: quote.fees.toJSON(),
          penalties: quote.penalties.toJSON(),
          total: quote.total.toJSON(),
        },
      };
    },
    approveLoan: statusChange('approveLoan', approveLoan),
    closeLoan: statusChange('closeLoan', closeLoan),
    rejectLoan: async (request) => {
      const render = renderLoan(200);
      const outcome = await rejectLoan(
        deps,
        request.params.loanId,
        request.body.reason,
        commandContext(request, 'rejectLoan', render),
      );
      return commandReply(outcome, render);
    },
    disburseLoan: async (request) => {
      const outcome = await disburseLoan(
        deps,
        request.params.loanId,
        request.body.accountId,
        today(),
        commandContext(request, 'disburseLoan', renderPosting),
      );
      return commandReply(outcome, renderPosting);
    },
    repayLoan: async (request) => {
      const { body } = request;
      if (
        body.prepaymentMode !== undefined &&
        body.prepaymentStrategy !== undefined &&
        body.prepaymentMode !== body.prepaymentStrategy
      ) {
        throw new ApiError('VALIDATION_FAILED', 'prepaymentMode and prepaymentStrategy disagree', {
          errors: [
            { path: 'prepaymentStrategy', message: 'Must equal prepaymentMode when both are sent' },
          ],
        });
      }
      const amount = Money.of(body.amount, body.currency);
      valueOrThrow(checkTransactionLimit(principalOf(request), amount));
      const outcome = await repayLoan(
        deps,
        request.params.loanId,
        {
          amount,
          fromAccountId: body.fromAccountId,
          prepaymentMode: body.prepaymentStrategy ?? body.prepaymentMode,
          asOf: today(),
        },
        commandContext(request, 'repayLoan', renderPosting),
      );
      return commandReply(outcome, renderPosting);
    },
    writeOffLoan: async (request) => {
      const outcome = await writeOffLoan(
        deps,
        request.params.loanId,
        request.body.reason,
        commandContext(request, 'writeOffLoan', renderPosting),
      );
      return commandReply(outcome, renderPosting);
    },
  };
}
