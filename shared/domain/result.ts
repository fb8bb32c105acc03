/**
 * Expected outcomes of a business decision. Failures a caller must handle travel as values;
 * broken invariants and outages are thrown (see docs/decisions/0003-errors.md).
 */
export type Result<T, E> = Ok<T> | Err<E>;

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

/** Wraps a successful value. */
export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });

/** Wraps an expected failure. */
export const err = <E>(error: E): Err<E> => ({ ok: false, error });
