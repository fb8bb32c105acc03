/**
 * Business failures the domain can decide on its own. The `code` of each member is public API:
 * codes are added, never renamed (docs/architecture.md lists when each one happens).
 */
export type DomainError =
  | { readonly code: 'NOT_FOUND'; readonly entity: string; readonly id: string }
  | { readonly code: 'CONFLICT'; readonly detail: string };

export type DomainErrorCode = DomainError['code'];

/** A sentence for the problem+json `detail` that never carries customer data. */
export function describeDomainError(error: DomainError): string {
  switch (error.code) {
    case 'NOT_FOUND':
      return `${error.entity} ${error.id} does not exist`;
    case 'CONFLICT':
      return error.detail;
  }
}
