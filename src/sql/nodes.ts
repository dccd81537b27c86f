/**
 * The SQL tree: one small immutable node per construct. The only way to SQL text is
 * the renderer, which binds every `param` as $n and quotes every identifier through
 * one function. There is deliberately no node that takes free-form SQL except
 * `trusted`, whose text can only come from the published semantic definitions.
 */

declare const trustedBrand: unique symbol;
/** SQL written by a definition author (`expr:` of a dimension, measure or entity). */
export type TrustedSql = string & { readonly [trustedBrand]: true };

/** Marks definition-authored SQL as trusted. Call sites live in the planner only. */
export function trustedSql(text: string): TrustedSql {
  if (typeof text !== 'string') throw new TypeError('trusted SQL must be a string');
  return text as TrustedSql;
}

/** Keywords the renderer prints verbatim: a closed list, never user text. */
export const DATE_UNITS = [
  'microseconds', 'milliseconds', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year',
] as const;
export type DateUnit = (typeof DATE_UNITS)[number];

export const EXTRACT_UNITS = [
  'year', 'quarter', 'month', 'week', 'day', 'dow', 'isodow', 'doy', 'hour', 'minute', 'second', 'epoch',
] as const;
export type ExtractUnit = (typeof EXTRACT_UNITS)[number];

export const SQL_TYPES = [
  'date', 'timestamp', 'timestamptz', 'integer', 'bigint', 'smallint', 'numeric', 'double precision', 'real', 'text', 'boolean',
  'interval',
] as const;
export type SqlType = (typeof SQL_TYPES)[number];

export const BINARY_OPS = [
  'AND', 'OR', '=', '<>', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '||', 'IS DISTINCT FROM', 'IS NOT DISTINCT FROM',
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/** Scalar functions the renderer knows; anything else cannot be expressed. */
export const SCALAR_FUNCTIONS = [
  'lower', 'upper', 'trim', 'ltrim', 'rtrim', 'length', 'char_length', 'coalesce', 'nullif', 'greatest', 'least',
  'abs', 'round', 'floor', 'ceil', 'ceiling', 'sqrt', 'power', 'ln', 'exp', 'sign', 'concat', 'substring', 'substr',
  'replace', 'left', 'right', 'strpos', 'date_trunc', 'date_part', 'generate_series', 'make_interval',
] as const;
export type ScalarFunction = (typeof SCALAR_FUNCTIONS)[number];

export const AGGREGATE_FUNCTIONS = [
  'sum', 'count', 'avg', 'min', 'max', 'bool_or', 'bool_and', 'percentile_cont', 'percentile_disc',
] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

export const WINDOW_FUNCTIONS = [
  'sum', 'count', 'avg', 'min', 'max', 'first_value', 'last_value', 'row_number', 'lag', 'lead', 'rank', 'dense_rank',
  'percent_rank', 'cume_dist', 'ntile',
] as const;
export type WindowFunction = (typeof WINDOW_FUNCTIONS)[number];

export type SqlExpr =
  | { readonly kind: 'column'; readonly table: string | null; readonly name: string }
  | { readonly kind: 'param'; readonly value: string | number | boolean | null; readonly cast: SqlType | null }
  /** Numbers, booleans and NULL the planner itself produced (counts, fill values). */
  | { readonly kind: 'constant'; readonly value: number | boolean | null }
  | { readonly kind: 'trusted'; readonly sql: TrustedSql }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: SqlExpr; readonly right: SqlExpr }
  | { readonly kind: 'not'; readonly operand: SqlExpr }
  | { readonly kind: 'negate'; readonly operand: SqlExpr }
  | { readonly kind: 'isNull'; readonly operand: SqlExpr; readonly negated: boolean }
  | { readonly kind: 'isBool'; readonly operand: SqlExpr; readonly value: boolean; readonly negated: boolean }
  | { readonly kind: 'in'; readonly operand: SqlExpr; readonly list: readonly SqlExpr[]; readonly negated: boolean }
  | { readonly kind: 'inSubquery'; readonly operand: SqlExpr; readonly query: SqlQuery; readonly negated: boolean }
  | { readonly kind: 'between'; readonly operand: SqlExpr; readonly low: SqlExpr; readonly high: SqlExpr; readonly negated: boolean }
  | { readonly kind: 'like'; readonly operand: SqlExpr; readonly pattern: SqlExpr; readonly caseInsensitive: boolean; readonly negated: boolean }
  | { readonly kind: 'call'; readonly fn: ScalarFunction; readonly args: readonly SqlExpr[] }
  | { readonly kind: 'dateTrunc'; readonly unit: DateUnit; readonly operand: SqlExpr }
  | { readonly kind: 'extract'; readonly unit: ExtractUnit; readonly operand: SqlExpr }
  | { readonly kind: 'interval'; readonly count: number; readonly unit: DateUnit }
  | { readonly kind: 'cast'; readonly operand: SqlExpr; readonly type: SqlType }
  | {
      readonly kind: 'case';
      readonly subject: SqlExpr | null;
      readonly whens: ReadonlyArray<{ readonly when: SqlExpr; readonly then: SqlExpr }>;
      readonly otherwise: SqlExpr | null;
    }
  | {
      readonly kind: 'aggregate';
      readonly fn: AggregateFunction;
      readonly args: readonly SqlExpr[];
      readonly distinct: boolean;
      readonly filter: SqlExpr | null;
      /** percentile_cont(0.5) WITHIN GROUP (ORDER BY x) */
      readonly withinGroup: SqlExpr | null;
      readonly star: boolean;
    }
  | {
      readonly kind: 'window';
      readonly fn: WindowFunction;
      readonly args: readonly SqlExpr[];
      readonly partitionBy: readonly SqlExpr[];
      readonly orderBy: readonly SqlOrder[];
      readonly frame: 'all' | 'toCurrent' | null;
    }
  | { readonly kind: 'currentDate' }
  | { readonly kind: 'exists'; readonly query: SqlQuery }
  /** A scalar subquery: (SELECT max(t) FROM x). */
  | { readonly kind: 'scalar'; readonly query: SqlQuery }
  /** SELECT * (only as a select-list item). */
  | { readonly kind: 'star' };

export interface SqlOrder {
  readonly expr: SqlExpr;
  readonly descending: boolean;
  readonly nulls: 'first' | 'last' | null;
}

export type SqlFrom =
  | { readonly kind: 'table'; readonly schema: string | null; readonly name: string; readonly alias: string }
  | { readonly kind: 'subquery'; readonly query: SqlQuery; readonly alias: string }
  | { readonly kind: 'cte'; readonly name: string; readonly alias: string }
  /** generate_series(start, stop, step) AS alias(column) */
  | { readonly kind: 'series'; readonly start: SqlExpr; readonly stop: SqlExpr; readonly step: SqlExpr; readonly alias: string; readonly column: string }
  | {
      readonly kind: 'join';
      readonly type: 'INNER' | 'LEFT' | 'FULL' | 'CROSS';
      readonly left: SqlFrom;
      readonly right: SqlFrom;
      readonly on: SqlExpr | null;
    };

export interface SqlSelect {
  readonly kind: 'select';
  readonly with: ReadonlyArray<{ readonly name: string; readonly query: SqlQuery }>;
  readonly distinct: boolean;
  readonly columns: ReadonlyArray<{ readonly expr: SqlExpr; readonly alias: string | null }>;
  readonly from: SqlFrom | null;
  readonly where: SqlExpr | null;
  readonly groupBy: readonly SqlExpr[];
  readonly having: SqlExpr | null;
  readonly orderBy: readonly SqlOrder[];
  readonly limit: number | null;
}

export interface SqlUnion {
  readonly kind: 'union';
  readonly with: ReadonlyArray<{ readonly name: string; readonly query: SqlQuery }>;
  readonly all: boolean;
  readonly queries: readonly SqlQuery[];
}

export type SqlQuery = SqlSelect | SqlUnion;
