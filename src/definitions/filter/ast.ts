/**
 * The expression tree of a dbt-style filter or derived-metric expression.
 * Plain, serializable data: the planner resolves `ref` nodes and the SQL layer
 * re-renders the tree; the original text is never pasted into SQL.
 *
 *   "{{ Dimension('booking__is_instant') }} AND {{ TimeDimension('metric_time', 'month') }} >= '2020-01-01'"
 *   -> binary(and, ref(dimension booking__is_instant), binary(>=, ref(time metric_time month), literal '2020-01-01'))
 */

/** Offset of the node's first character in the source text. */
export type Offset = number;

/** A reference written as a dbt Jinja call: Dimension(...), TimeDimension(...), Entity(...), Metric(...). */
export type ItemReference =
  | {
      readonly type: 'dimension' | 'timeDimension';
      /** As written, possibly with `entity__` prefixes: 'listing__country'. */
      readonly name: string;
      readonly entityPath: readonly string[];
      readonly grain?: string;
      readonly datePart?: string;
    }
  | { readonly type: 'entity'; readonly name: string; readonly entityPath: readonly string[] }
  | { readonly type: 'metric'; readonly name: string; readonly groupBy: readonly string[] };

export const BINARY_OPERATORS = [
  'and', 'or', '=', '<>', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '||',
] as const;
export type BinaryOperator = (typeof BINARY_OPERATORS)[number];

/** Type names a cast may target, keyed by their canonical SQL spelling. */
export const CAST_TYPES = [
  'date', 'timestamp', 'timestamptz', 'integer', 'bigint', 'smallint', 'numeric',
  'double precision', 'real', 'text', 'boolean',
] as const;
export type CastType = (typeof CAST_TYPES)[number];

export type Expr =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null; readonly decimal?: boolean; readonly at: Offset }
  | { readonly kind: 'typedLiteral'; readonly type: 'date' | 'timestamp' | 'interval'; readonly value: string; readonly at: Offset }
  | { readonly kind: 'ref'; readonly ref: ItemReference; readonly at: Offset }
  /** A bare identifier: only meaningful in derived-metric expressions (an input metric or alias). */
  | { readonly kind: 'identifier'; readonly name: string; readonly at: Offset }
  | { readonly kind: 'unary'; readonly op: 'not' | '-'; readonly operand: Expr; readonly at: Offset }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: Expr; readonly right: Expr; readonly at: Offset }
  | { readonly kind: 'is'; readonly operand: Expr; readonly negated: boolean; readonly test: 'null' | 'true' | 'false'; readonly at: Offset }
  /** a IS DISTINCT FROM b; `negated`: IS NOT DISTINCT FROM. */
  | { readonly kind: 'isDistinct'; readonly left: Expr; readonly right: Expr; readonly negated: boolean; readonly at: Offset }
  | { readonly kind: 'in'; readonly operand: Expr; readonly negated: boolean; readonly list: readonly Expr[]; readonly at: Offset }
  | { readonly kind: 'between'; readonly operand: Expr; readonly negated: boolean; readonly low: Expr; readonly high: Expr; readonly at: Offset }
  | { readonly kind: 'like'; readonly operand: Expr; readonly negated: boolean; readonly caseInsensitive: boolean; readonly pattern: Expr; readonly at: Offset }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Expr[]; readonly at: Offset }
  | { readonly kind: 'extract'; readonly field: string; readonly operand: Expr; readonly at: Offset }
  | { readonly kind: 'cast'; readonly operand: Expr; readonly type: CastType; readonly at: Offset }
  | {
      readonly kind: 'case';
      readonly subject: Expr | null;
      readonly whens: ReadonlyArray<{ readonly when: Expr; readonly then: Expr }>;
      readonly otherwise: Expr | null;
      readonly at: Offset;
    }
  | { readonly kind: 'currentDate'; readonly at: Offset }
  /** rank() OVER (ORDER BY revenue DESC): derived-metric expressions only. */
  | {
      readonly kind: 'window';
      readonly fn: string;
      readonly args: readonly Expr[];
      readonly partitionBy: readonly Expr[];
      readonly orderBy: ReadonlyArray<{ readonly expr: Expr; readonly descending: boolean }>;
      readonly at: Offset;
    };

/** Every ItemReference in the tree, in source order. */
export function collectReferences(expr: Expr, out: ItemReference[] = []): ItemReference[] {
  visitExpr(expr, (node) => {
    if (node.kind === 'ref') out.push(node.ref);
  });
  return out;
}

/** Every bare identifier in the tree, in source order. */
export function collectIdentifiers(expr: Expr): Array<{ name: string; at: Offset }> {
  const out: Array<{ name: string; at: Offset }> = [];
  visitExpr(expr, (node) => {
    if (node.kind === 'identifier') out.push({ name: node.name, at: node.at });
  });
  return out;
}

/** Pre-order walk over every node. */
export function visitExpr(expr: Expr, visit: (node: Expr) => void): void {
  visit(expr);
  for (const child of childrenOf(expr)) visitExpr(child, visit);
}

export function childrenOf(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'literal':
    case 'typedLiteral':
    case 'ref':
    case 'identifier':
    case 'currentDate':
      return [];
    case 'unary':
    case 'is':
    case 'cast':
    case 'extract':
      return [expr.operand];
    case 'binary':
    case 'isDistinct':
      return [expr.left, expr.right];
    case 'in':
      return [expr.operand, ...expr.list];
    case 'between':
      return [expr.operand, expr.low, expr.high];
    case 'like':
      return [expr.operand, expr.pattern];
    case 'call':
      return [...expr.args];
    case 'window':
      return [...expr.args, ...expr.partitionBy, ...expr.orderBy.map((o) => o.expr)];
    case 'case':
      return [
        ...(expr.subject ? [expr.subject] : []),
        ...expr.whens.flatMap((w) => [w.when, w.then]),
        ...(expr.otherwise ? [expr.otherwise] : []),
      ];
  }
}

/** Splits a tree of ANDs into its conjuncts: a AND (b AND c) -> [a, b, c]. */
export function conjuncts(expr: Expr): Expr[] {
  if (expr.kind === 'binary' && expr.op === 'and') return [...conjuncts(expr.left), ...conjuncts(expr.right)];
  return [expr];
}
