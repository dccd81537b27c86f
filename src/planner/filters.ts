import { isDatePart, isGranularity, type Granularity } from '../definitions';
import type { Expr, ItemReference } from '../definitions/filter/ast';
import { FilterSyntaxError, lineColumnOf, parseExpression } from '../definitions/filter/parser';
import { UserError } from '../errors';
import type { SqlExpr } from '../sql/nodes';
import { toSqlExpression } from './expressions';
import { bindItem, requestedItem, type BindContext } from './items';
import type { ModelScope } from './scope';

/** A `where` filter parsed once per request; bound to each model it applies to. */
export interface ParsedFilter {
  readonly text: string;
  readonly expr: Expr;
}

/** Parses a user filter; syntax errors become INVALID_FILTER with line and column. */
export function parseFilter(text: string, what = 'filter'): ParsedFilter {
  try {
    return { text, expr: parseExpression(text) };
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    const { line, column } = lineColumnOf(text, error.at);
    throw new UserError('INVALID_FILTER', `${what} does not parse at line ${line}, column ${column}: ${error.message}`, {
      filter: text,
      line,
      column,
      offset: error.at,
    });
  }
}

/** Resolves {{ Metric('x', group_by=[...]) }} references: returns the column holding the value. */
export type MetricReferenceBinder = (ref: Extract<ItemReference, { type: 'metric' }>, scope: ModelScope) => SqlExpr;

/**
 * Turns a filter tree into a SQL expression over `scope`: every reference is bound to a
 * column (joining as needed), every literal becomes a bound parameter.
 *
 *   {{ Dimension('listing__country') }} = 'us'   ->   j1.country = $1   (values: ['us'])
 */
export function bindFilter(expr: Expr, scope: ModelScope, ctx: BindContext, metrics: MetricReferenceBinder): SqlExpr {
  return toSqlExpression(expr, {
    ref: (node) => bindReference(node.ref, scope, ctx, metrics),
    identifier: (name) => {
      throw new UserError('INVALID_FILTER', `unexpected name '${name}' in a filter`, { name });
    },
    literals: 'parameters',
    division: 'plain',
    windows: false,
  });
}

function bindReference(ref: ItemReference, scope: ModelScope, ctx: BindContext, metrics: MetricReferenceBinder): SqlExpr {
  if (ref.type === 'metric') return metrics(ref, scope);
  const name = [...ref.entityPath, ref.name].join('__');
  let grain: Granularity | null = null;
  let datePart = null;
  if (ref.type !== 'entity') {
    if (ref.grain !== undefined) {
      if (!isGranularity(ref.grain))
        throw new UserError('INVALID_FILTER', `'${ref.grain}' is not a granularity (in the filter on '${name}')`, { item: name });
      grain = ref.grain;
    }
    if (ref.datePart !== undefined) {
      if (!isDatePart(ref.datePart))
        throw new UserError('INVALID_FILTER', `'${ref.datePart}' is not a date part (in the filter on '${name}')`, { item: name });
      datePart = ref.datePart;
    }
  }
  const item = requestedItem(name, grain, datePart);
  // Time dimensions named without a grain are compared at their own granularity.
  const binding = bindItem(scope, item, { ...ctx, timeDimensionGrain: null, metricTimeGrain: aggTimeGrain(scope, ctx) });
  if (ref.type === 'entity' && binding.kind !== 'entity')
    throw new UserError('INVALID_FILTER', `'${name}' is a dimension; use {{ Dimension('${name}') }}`, { item: name });
  return binding.expr;
}

function aggTimeGrain(scope: ModelScope, ctx: BindContext): Granularity {
  if (!ctx.aggTimeDimension) return ctx.metricTimeGrain;
  return scope.timeDimension(ctx.aggTimeDimension).granularity ?? 'day';
}

/**
 * True when the predicate is false or unknown whenever every column it reads from `alias`
 * is NULL: filtering on it after a LEFT JOIN drops the unmatched rows anyway, so the join
 * can become INNER and the predicate can move into the joined table's scan.
 */
export function rejectsNulls(expr: SqlExpr, alias: string): boolean {
  /** Evaluates to NULL when the alias's columns are NULL. */
  const nullIn = (e: SqlExpr): boolean => {
    switch (e.kind) {
      case 'column':
        return e.table === alias;
      case 'binary':
        if (e.op === 'AND' || e.op === 'OR') return nullIn(e.left) && nullIn(e.right);
        if (e.op === 'IS DISTINCT FROM' || e.op === 'IS NOT DISTINCT FROM') return false;
        return nullIn(e.left) || nullIn(e.right);
      case 'not':
      case 'negate':
      case 'cast':
      case 'extract':
      case 'dateTrunc':
      case 'in':
      case 'between':
      case 'like':
        return nullIn(e.operand);
      case 'call':
        return !['coalesce', 'concat', 'greatest', 'least', 'nullif'].includes(e.fn) && e.args.some(nullIn);
      default:
        return false;
    }
  };
  /** As a WHERE condition: never TRUE when the alias's columns are NULL. */
  const rejects = (e: SqlExpr): boolean => {
    switch (e.kind) {
      case 'binary':
        if (e.op === 'AND') return rejects(e.left) || rejects(e.right);
        if (e.op === 'OR') return rejects(e.left) && rejects(e.right);
        return nullIn(e);
      case 'isNull':
        // x IS NOT NULL is FALSE for a NULL x; x IS NULL is TRUE.
        return e.negated && nullIn(e.operand);
      case 'isBool':
        // x IS TRUE / IS FALSE is FALSE for a NULL x; IS NOT TRUE / IS NOT FALSE is TRUE.
        return !e.negated && nullIn(e.operand);
      case 'not': {
        const inner = e.operand;
        if (inner.kind === 'isNull') return !inner.negated && nullIn(inner.operand);
        if (inner.kind === 'isBool') return inner.negated && nullIn(inner.operand);
        return nullIn(inner);
      }
      default:
        return nullIn(e);
    }
  };
  return rejects(expr);
}

/** Every column reference in an expression (not descending into subqueries). */
export function columnsOf(expr: SqlExpr): Array<{ table: string | null; name: string }> {
  const out: Array<{ table: string | null; name: string }> = [];
  const visit = (e: SqlExpr): void => {
    switch (e.kind) {
      case 'column':
        out.push({ table: e.table, name: e.name });
        return;
      case 'binary':
        visit(e.left);
        visit(e.right);
        return;
      case 'not':
      case 'negate':
      case 'isNull':
      case 'isBool':
      case 'cast':
      case 'extract':
      case 'dateTrunc':
        visit(e.operand);
        return;
      case 'in':
        visit(e.operand);
        e.list.forEach(visit);
        return;
      case 'inSubquery':
        visit(e.operand);
        return;
      case 'between':
        visit(e.operand);
        visit(e.low);
        visit(e.high);
        return;
      case 'like':
        visit(e.operand);
        visit(e.pattern);
        return;
      case 'call':
      case 'aggregate':
        e.args.forEach(visit);
        if (e.kind === 'aggregate') {
          if (e.filter) visit(e.filter);
          if (e.withinGroup) visit(e.withinGroup);
        }
        return;
      case 'window':
        e.args.forEach(visit);
        e.partitionBy.forEach(visit);
        e.orderBy.forEach((o) => visit(o.expr));
        return;
      case 'case':
        if (e.subject) visit(e.subject);
        e.whens.forEach((w) => {
          visit(w.when);
          visit(w.then);
        });
        if (e.otherwise) visit(e.otherwise);
        return;
      default:
        return;
    }
  };
  visit(expr);
  return out;
}

/** Replaces column references: used to move predicates into scans and rename columns. */
export function mapColumns(expr: SqlExpr, replace: (column: Extract<SqlExpr, { kind: 'column' }>) => SqlExpr): SqlExpr {
  const m = (e: SqlExpr): SqlExpr => mapColumns(e, replace);
  switch (expr.kind) {
    case 'column':
      return replace(expr);
    case 'binary':
      return { ...expr, left: m(expr.left), right: m(expr.right) };
    case 'not':
    case 'negate':
    case 'isNull':
    case 'isBool':
    case 'cast':
    case 'extract':
    case 'dateTrunc':
      return { ...expr, operand: m(expr.operand) } as SqlExpr;
    case 'in':
      return { ...expr, operand: m(expr.operand), list: expr.list.map(m) };
    case 'between':
      return { ...expr, operand: m(expr.operand), low: m(expr.low), high: m(expr.high) };
    case 'like':
      return { ...expr, operand: m(expr.operand), pattern: m(expr.pattern) };
    case 'call':
      return { ...expr, args: expr.args.map(m) };
    case 'aggregate':
      return { ...expr, args: expr.args.map(m), filter: expr.filter ? m(expr.filter) : null, withinGroup: expr.withinGroup ? m(expr.withinGroup) : null };
    case 'window':
      return { ...expr, args: expr.args.map(m), partitionBy: expr.partitionBy.map(m), orderBy: expr.orderBy.map((o) => ({ ...o, expr: m(o.expr) })) };
    case 'case':
      return {
        ...expr,
        subject: expr.subject ? m(expr.subject) : null,
        whens: expr.whens.map((w) => ({ when: m(w.when), then: m(w.then) })),
        otherwise: expr.otherwise ? m(expr.otherwise) : null,
      };
    default:
      return expr;
  }
}
