import type {
  AggregateFunction,
  BinaryOp,
  DateUnit,
  ExtractUnit,
  ScalarFunction,
  SqlExpr,
  SqlFrom,
  SqlOrder,
  SqlQuery,
  SqlSelect,
  SqlType,
  TrustedSql,
  WindowFunction,
} from './nodes';

/** Small constructors so the planner reads as intent, not as object literals. */
export const sql = {
  col: (name: string, table: string | null = null): SqlExpr => ({ kind: 'column', table, name }),
  param: (value: string | number | boolean | null, cast: SqlType | null = null): SqlExpr => ({ kind: 'param', value, cast }),
  constant: (value: number | boolean | null): SqlExpr => ({ kind: 'constant', value }),
  trusted: (text: TrustedSql): SqlExpr => ({ kind: 'trusted', sql: text }),
  bin: (op: BinaryOp, left: SqlExpr, right: SqlExpr): SqlExpr => ({ kind: 'binary', op, left, right }),
  eq: (left: SqlExpr, right: SqlExpr): SqlExpr => ({ kind: 'binary', op: '=', left, right }),
  not: (operand: SqlExpr): SqlExpr => ({ kind: 'not', operand }),
  isNull: (operand: SqlExpr, negated = false): SqlExpr => ({ kind: 'isNull', operand, negated }),
  call: (fn: ScalarFunction, ...args: SqlExpr[]): SqlExpr => ({ kind: 'call', fn, args }),
  dateTrunc: (unit: DateUnit, operand: SqlExpr): SqlExpr => ({ kind: 'dateTrunc', unit, operand }),
  extract: (unit: ExtractUnit, operand: SqlExpr): SqlExpr => ({ kind: 'extract', unit, operand }),
  interval: (count: number, unit: DateUnit): SqlExpr => ({ kind: 'interval', count, unit }),
  cast: (operand: SqlExpr, type: SqlType): SqlExpr => ({ kind: 'cast', operand, type }),
  agg: (
    fn: AggregateFunction,
    args: SqlExpr[],
    options: { distinct?: boolean; filter?: SqlExpr | null; withinGroup?: SqlExpr | null; star?: boolean } = {},
  ): SqlExpr => ({
    kind: 'aggregate',
    fn,
    args,
    distinct: options.distinct ?? false,
    filter: options.filter ?? null,
    withinGroup: options.withinGroup ?? null,
    star: options.star ?? false,
  }),
  window: (
    fn: WindowFunction,
    args: SqlExpr[],
    partitionBy: SqlExpr[],
    orderBy: SqlOrder[] = [],
    frame: 'all' | 'toCurrent' | null = null,
  ): SqlExpr => ({ kind: 'window', fn, args, partitionBy, orderBy, frame }),
  caseWhen: (whens: Array<{ when: SqlExpr; then: SqlExpr }>, otherwise: SqlExpr | null = null): SqlExpr => ({
    kind: 'case',
    subject: null,
    whens,
    otherwise,
  }),
  scalar: (query: SqlQuery): SqlExpr => ({ kind: 'scalar', query }),
  and: (...parts: Array<SqlExpr | null | undefined>): SqlExpr | null => combine('AND', parts),
  or: (...parts: Array<SqlExpr | null | undefined>): SqlExpr | null => combine('OR', parts),
  asc: (expr: SqlExpr): SqlOrder => ({ expr, descending: false, nulls: null }),
  desc: (expr: SqlExpr): SqlOrder => ({ expr, descending: true, nulls: null }),

  table: (schema: string | null, name: string, alias: string): SqlFrom => ({ kind: 'table', schema, name, alias }),
  subquery: (query: SqlQuery, alias: string): SqlFrom => ({ kind: 'subquery', query, alias }),
  cte: (name: string, alias: string = name): SqlFrom => ({ kind: 'cte', name, alias }),
  join: (type: 'INNER' | 'LEFT' | 'FULL' | 'CROSS', left: SqlFrom, right: SqlFrom, on: SqlExpr | null): SqlFrom => ({
    kind: 'join',
    type,
    left,
    right,
    on,
  }),

  select: (parts: Partial<Omit<SqlSelect, 'kind'>> & Pick<SqlSelect, 'columns'>): SqlSelect => ({
    kind: 'select',
    with: [],
    distinct: false,
    from: null,
    where: null,
    groupBy: [],
    having: null,
    orderBy: [],
    limit: null,
    ...parts,
  }),
};

function combine(op: 'AND' | 'OR', parts: Array<SqlExpr | null | undefined>): SqlExpr | null {
  const present = parts.filter((p): p is SqlExpr => p !== null && p !== undefined);
  if (present.length === 0) return null;
  return present.reduce((left, right) => ({ kind: 'binary', op, left, right }));
}
