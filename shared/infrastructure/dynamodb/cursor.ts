import { InvalidCursorError as CursorError } from '../../application/ledger/ledger-store';

/**
 * Opaque pagination cursors: base64url JSON. Clients must not build them; a tampered or foreign
 * cursor fails validation and becomes a 400, never a 500 (InvalidCursorError).
 */
export interface CursorState {
  readonly key?: Record<string, unknown>;
  readonly before?: string;
}

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorState {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new CursorError();
    const state = parsed as CursorState;
    if (state.key !== undefined) {
      if (
        typeof state.key !== 'object' ||
        Object.values(state.key).some((v) => typeof v !== 'string')
      ) {
        throw new CursorError();
      }
    }
    if (state.before !== undefined && typeof state.before !== 'string') throw new CursorError();
    return state;
  } catch {
    throw new CursorError();
  }
}
