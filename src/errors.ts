/**
 * One error class for everything a user can act on. `code` is stable and ends up in
 * GraphQL `extensions.code`; `details` is typed, JSON-serializable context (positions,
 * candidate names). Anything that is not a UserError is a bug and is masked as INTERNAL.
 */
export type ErrorCode =
  | 'INVALID_DEFINITIONS'
  | 'UNKNOWN_METRIC'
  | 'UNKNOWN_DIMENSION'
  | 'UNKNOWN_SAVED_QUERY'
  | 'UNKNOWN_VERSION'
  | 'INVALID_FILTER'
  | 'INVALID_QUERY'
  | 'AMBIGUOUS_JOIN'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'QUERY_TIMEOUT'
  | 'QUERY_CANCELLED'
  | 'VERSION_CONFLICT'
  | 'WAREHOUSE_UNAVAILABLE'
  | 'WAREHOUSE_ERROR'
  | 'RESULT_TOO_LARGE'
  | 'BAD_USER_INPUT'
  | 'NO_DEFINITIONS';

export class UserError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'UserError';
    this.code = code;
    this.details = details;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
