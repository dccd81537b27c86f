import type { Expr } from '../definitions/filter/ast';
import { UserError } from '../errors';
import { sql } from '../sql/build';
import type { BinaryOp, ScalarFunction, SqlExpr, WindowFunction } from '../sql/nodes';

/** How the leaves of an expression tree become SQL: the only parts that differ by context. */
export interface ExpressionContext {
  /** {{ Dimension(...) }} and friends. */
  readonly ref: (node: Extract<Expr, { kind: 'ref' }>) => SqlExpr;
  /** Bare names (input metrics of a derived expression). */
  readonly identifier: (name: string) => SqlExpr;
  /** Literals written by definition authors (numbers inline) or users (always parameters). */
  readonly literals: 'parameters' | 'definition';
  /** a / b: plain, or safe (double precision, NULL instead of dividing by zero). */
  readonly division: 'plain' | 'safe';
  readonly windows: boolean;
}

const BINARY: Record<string, BinaryOp> = {
  and: 'AND', or: 'OR', '=': '=', '<>': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=', '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', '||': '||',
};

/**
 * An allow-listed expression tree (a filter or a derived-metric expression) as a SQL tree.
 * Every node kind maps to one SQL node kind; nothing is ever spliced as text.
 */
export function toSqlExpression(expr: Expr, ctx: ExpressionContext): SqlExpr {
  const d = (e: Expr): SqlExpr => toSqlExpression(e, ctx);
  switch (expr.kind) {
    case 'ref':
      return ctx.ref(expr);
    case 'identifier':
      return ctx.identifier(expr.name);
    case 'literal':
      return literal(expr, ctx);
    case 'typedLiteral':
      return sql.param(expr.value, expr.type);
    case 'currentDate':
      return { kind: 'currentDate' };
    case 'binary':
      if (expr.op === '/' && ctx.division === 'safe') return safeDivide(d(expr.left), d(expr.right));
      return sql.bin(BINARY[expr.op]!, d(expr.left), d(expr.right));
    case 'unary':
      return expr.op === 'not' ? sql.not(d(expr.operand)) : { kind: 'negate', operand: d(expr.operand) };
    case 'is':
      return expr.test === 'null'
        ? sql.isNull(d(expr.operand), expr.negated)
        : { kind: 'isBool', operand: d(expr.operand), value: expr.test === 'true', negated: expr.negated };
    case 'isDistinct':
      return sql.bin(expr.negated ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM', d(expr.left), d(expr.right));
    case 'in':
      return { kind: 'in', operand: d(expr.operand), list: expr.list.map(d), negated: expr.negated };
    case 'between':
      return { kind: 'between', operand: d(expr.operand), low: d(expr.low), high: d(expr.high), negated: expr.negated };
    case 'like':
      return { kind: 'like', operand: d(expr.operand), pattern: d(expr.pattern), caseInsensitive: expr.caseInsensitive, negated: expr.negated };
    case 'call':
      // concat() takes "any": a bare string parameter there has no type PostgreSQL can infer.
      return sql.call(
        expr.fn as ScalarFunction,
        ...expr.args.map((a) => (expr.fn === 'concat' && a.kind === 'literal' && typeof a.value === 'string' ? sql.param(a.value, 'text') : d(a))),
      );
    case 'extract':
      return sql.extract(expr.field as never, d(expr.operand));
    case 'cast':
      return sql.cast(d(expr.operand), expr.type);
    case 'case':
      return {
        kind: 'case',
        subject: expr.subject ? d(expr.subject) : null,
        whens: expr.whens.map((w) => ({ when: d(w.when), then: d(w.then) })),
        otherwise: expr.otherwise ? d(expr.otherwise) : null,
      };
    case 'window':
      if (!ctx.windows) throw new UserError('INVALID_FILTER', 'window functions are not allowed in filters', {});
      return sql.window(
        expr.fn as WindowFunction,
        expr.args.map(d),
        expr.partitionBy.map(d),
        expr.orderBy.map((o) => ({ expr: d(o.expr), descending: o.descending, nulls: null })),
      );
  }
}

function literal(expr: Extract<Expr, { kind: 'literal' }>, ctx: ExpressionContext): SqlExpr {
  const value = expr.value;
  if (value === null) return sql.constant(null);
  if (ctx.literals === 'definition' && (typeof value === 'number' || typeof value === 'boolean'))
    return expr.decimal ? sql.cast(sql.constant(value), 'numeric') : sql.constant(value);
  if (typeof value === 'boolean') return sql.param(value, 'boolean');
  if (expr.decimal) return sql.param(value, 'numeric');
  return sql.param(value);
}

/** CAST(a AS DOUBLE PRECISION) / NULLIF(b, 0): a ratio never fails or truncates. */
export function safeDivide(numerator: SqlExpr, denominator: SqlExpr): SqlExpr {
  return sql.bin('/', sql.cast(numerator, 'double precision'), sql.cast(sql.call('nullif', denominator, sql.constant(0)), 'double precision'));
}
