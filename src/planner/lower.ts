import { sql } from '../sql/build';
import type { DateUnit, SqlExpr, SqlFrom, SqlQuery, SqlSelect } from '../sql/nodes';
import { columnsOf, mapColumns } from './filters';
import type {
  AggregateNode,
  CombineNode,
  ComputeNode,
  ConversionNode,
  CumulativeNode,
  DistinctNode,
  Join,
  LogicalPlan,
  MeasureColumn,
  OffsetNode,
  PlanNode,
  Scan,
  SpineJoinNode,
  TimeGrain,
  TimeKeySpec,
  TimeRangeSource,
} from './plan';

export interface LowerOptions {
  /** Schema for relations written as `model: ref('x')` (null: the connection's search_path). */
  readonly defaultSchema: string | null;
}

/**
 * Logical plan -> one SQL statement: every node reachable from the output becomes a CTE
 * (in plan order); the statement selects the output columns from the root node.
 */
export function lowerPlan(plan: LogicalPlan, options: LowerOptions): SqlQuery {
  const reachable = reachableNodes(plan);
  const lower = new Lowering(options, new Map(plan.nodes.map((n) => [n.id, n])));
  const ctes = plan.nodes.filter((n) => reachable.has(n.id)).map((node) => ({ name: node.id, query: lower.node(node) }));
  const columns = plan.output.columns.map((c) => ({
    expr: c.fill === null ? sql.col(c.source) : sql.call('coalesce', sql.col(c.source), sql.constant(c.fill)),
    alias: c.name,
  }));
  const byName = new Map(plan.output.columns.map((c) => [c.name, c]));
  const orderBy = plan.output.orderBy.map((o) => {
    const column = byName.get(o.column)!;
    return { expr: column.fill === null ? sql.col(column.source) : sql.col(column.name), descending: o.descending, nulls: null };
  });
  return sql.select({
    with: ctes,
    columns,
    from: sql.cte(plan.output.node),
    orderBy,
    limit: plan.output.limit,
  });
}

/** Node ids the output depends on. */
export function reachableNodes(plan: LogicalPlan): Set<string> {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const dep of dependencies(byId.get(id)!)) visit(dep);
  };
  visit(plan.output.node);
  return seen;
}

export function dependencies(node: PlanNode): string[] {
  switch (node.kind) {
    case 'aggregate':
      return node.metricJoins.map((j) => j.input);
    case 'distinct':
      return [];
    case 'combine':
      return node.inputs.map((i) => i.node);
    case 'compute':
    case 'spineJoin':
    case 'offset':
      return [node.input];
    case 'cumulative':
      return [node.rows];
    case 'conversion':
      return [node.baseRows, node.conversionRows];
  }
}

const UNIT: Record<TimeGrain, DateUnit> = {
  microsecond: 'microseconds',
  millisecond: 'milliseconds',
  second: 'second',
  minute: 'minute',
  hour: 'hour',
  day: 'day',
  week: 'week',
  month: 'month',
  quarter: 'quarter',
  year: 'year',
};

const COARSE = new Set<TimeGrain>(['day', 'week', 'month', 'quarter', 'year']);

/** DATE_TRUNC at a grain; days and coarser as DATE. */
function trunc(grain: TimeGrain, expr: SqlExpr): SqlExpr {
  const t = sql.dateTrunc(UNIT[grain], expr);
  return COARSE.has(grain) ? sql.cast(t, 'date') : t;
}

/** A metric_time column computed from a period start: its grain or its date part. */
function timeKeyExpr(spec: TimeKeySpec, period: SqlExpr, periodGrain: TimeGrain): SqlExpr {
  if (spec.datePart) return sql.cast(sql.extract(spec.datePart === 'dow' ? 'isodow' : spec.datePart, period), 'integer');
  if (!spec.grain || spec.grain === periodGrain) return period;
  return trunc(spec.grain, period);
}

class Lowering {
  constructor(
    private readonly options: LowerOptions,
    private readonly nodes: ReadonlyMap<string, PlanNode>,
  ) {}

  /**
   * A node read for some of its columns. When those are measures of a merged aggregation
   * with presence columns, only rows where one of them is present are read.
   */
  private read(nodeId: string, columns: readonly string[], alias: string = nodeId): SqlFrom {
    const node = this.nodes.get(nodeId);
    if (node?.kind !== 'aggregate') return sql.cte(nodeId, alias);
    const flags = columns.map((c) => node.measures.find((m) => m.column === c));
    if (flags.length === 0 || flags.some((m) => !m?.presence)) return sql.cte(nodeId, alias);
    const present = sql.or(...flags.map((m) => sql.col(m!.presence!)))!;
    return sql.subquery(sql.select({ columns: [{ expr: { kind: 'star' }, alias: null }], from: sql.cte(nodeId), where: present }), alias);
  }

  node(node: PlanNode): SqlQuery {
    switch (node.kind) {
      case 'aggregate':
        return this.aggregate(node);
      case 'distinct':
        return this.distinct(node);
      case 'combine':
        return this.combine(node);
      case 'compute':
        return this.compute(node);
      case 'spineJoin':
        return this.spineJoin(node);
      case 'offset':
        return this.offset(node);
      case 'cumulative':
        return this.cumulative(node);
      case 'conversion':
        return this.conversion(node);
    }
  }

  /** Every measure column of an aggregation node (for readers that use all of them). */
  private valueColumns(nodeId: string): string[] {
    const node = this.nodes.get(nodeId);
    return node?.kind === 'aggregate' ? node.measures.map((m) => m.column) : [];
  }

  // ---- sources ----

  private scan(scan: Scan): SqlFrom {
    const table = sql.table(scan.relation.schema ?? this.options.defaultSchema, scan.relation.table, scan.relation.table);
    const columns = scan.columns.length
      ? scan.columns.map((c) => ({ expr: sql.trusted(c.expr), alias: c.expr.trim().toLowerCase() === c.field ? null : c.field }))
      : [{ expr: sql.constant(1), alias: 'one' }];
    return sql.subquery(sql.select({ columns, from: table, where: sql.and(...scan.filters) }), scan.alias);
  }

  private sources(base: Scan, joins: readonly Join[], metricJoins: AggregateNode['metricJoins'] = []): SqlFrom {
    let from = this.scan(base);
    for (const join of joins) {
      const on = [sql.eq(sql.col(join.fromField, join.fromAlias), sql.col(join.toField, join.scan.alias))];
      if (join.validity) {
        const v = join.validity;
        const validTo = sql.col(v.toField, join.scan.alias);
        if (v.timeField === null) on.push(sql.isNull(validTo));
        else {
          const time = sql.col(v.timeField, v.timeAlias);
          on.push(sql.bin('>=', time, sql.col(v.fromField, join.scan.alias)));
          on.push(sql.or(sql.bin('<', time, validTo), sql.isNull(validTo))!);
        }
      }
      from = sql.join(join.type, from, this.scan(join.scan), sql.and(...on));
    }
    for (const mj of metricJoins) from = sql.join('LEFT', from, this.read(mj.input, this.valueColumns(mj.input), mj.alias), mj.on);
    return from;
  }

  // ---- aggregation ----

  private aggregate(node: AggregateNode): SqlSelect {
    const from = this.sources(node.base, node.joins, node.metricJoins);
    const keyColumns = node.keys.map((k) => ({ expr: k.expr, alias: k.name }));
    if (node.mode === 'rows') {
      const measure = node.measures[0]!;
      return sql.select({
        columns: [...keyColumns, { expr: measure.input, alias: measure.column }],
        from,
        where: sql.and(...node.where, measure.filter),
      });
    }
    const filters = node.measures.map((m) => m.filter);
    const shared = filters.every((f) => f !== null && JSON.stringify(f) === JSON.stringify(filters[0]));
    // One filter for all measures goes to WHERE; different filters become FILTER clauses,
    // and rows none of them wants are skipped.
    const where = shared
      ? sql.and(...node.where, filters[0])
      : sql.and(...node.where, filters.every((f) => f !== null) ? sql.or(...filters) : null);
    const measures = node.measures.map((m) => ({ ...m, filter: shared ? null : m.filter }));
    if (node.nonAdditive) return this.semiAdditive(node, from, where, measures);
    return sql.select({
      columns: [...keyColumns, ...measures.flatMap((m) => measureColumns(m))],
      from,
      where,
      groupBy: node.keys.map((k) => k.expr),
    });
  }

  /**
   * Semi-additive measures: rows are first narrowed to the min/max of the non-additive
   * dimension per partition (time bucket and window groupings), then aggregated.
   */
  private semiAdditive(node: AggregateNode, from: SqlFrom, where: SqlExpr | null, measures: MeasureColumn[]): SqlSelect {
    const nad = node.nonAdditive!;
    const inner: Array<{ expr: SqlExpr; alias: string }> = node.keys.map((k) => ({ expr: k.expr, alias: k.name }));
    measures.forEach((m, i) => {
      inner.push({ expr: m.input, alias: `__input_${i + 1}` });
      if (m.filter) inner.push({ expr: m.filter, alias: `__filter_${i + 1}` });
    });
    inner.push({ expr: nad.expr, alias: '__nad' });
    inner.push({ expr: sql.window(nad.choice, [nad.expr], [...nad.partitionBy]), alias: '__nad_edge' });
    const rows = sql.subquery(sql.select({ columns: inner, from, where }), 'rows');
    const outer = measures.flatMap((m, i) =>
      measureColumns({ ...m, input: sql.col(`__input_${i + 1}`, 'rows'), filter: m.filter ? sql.col(`__filter_${i + 1}`, 'rows') : null }),
    );
    return sql.select({
      columns: [...node.keys.map((k) => ({ expr: sql.col(k.name, 'rows'), alias: k.name })), ...outer],
      from: rows,
      where: sql.eq(sql.col('__nad', 'rows'), sql.col('__nad_edge', 'rows')),
      groupBy: node.keys.map((k) => sql.col(k.name, 'rows')),
    });
  }

  private distinct(node: DistinctNode): SqlSelect {
    return sql.select({
      distinct: true,
      columns: node.keys.map((k) => ({ expr: k.expr, alias: k.name })),
      from: this.sources(node.base, node.joins),
      where: sql.and(...node.where),
    });
  }

  // ---- combining and computing ----

  /**
   * UNION ALL of the inputs, each padding the others' columns with NULL, grouped by the keys:
   * a full outer join on the keys in which NULL keys match each other. The first branch reads
   * every input with WHERE FALSE; it returns nothing and only fixes the column types.
   */
  private combine(node: CombineNode): SqlQuery {
    // A column offered by several inputs (identical sub-plans not shared) is read from the first.
    const provider = new Map<string, string>();
    for (const input of node.inputs) for (const c of input.columns) if (!provider.has(c)) provider.set(c, input.node);
    const all = [...provider.keys()];
    const first = node.inputs[0]!;
    const typeAnchor = sql.select({
      columns: [
        ...node.keys.map((k) => ({ expr: sql.col(k, first.node), alias: k })),
        ...all.map((c) => ({ expr: sql.col(c, provider.get(c)!), alias: c })),
      ],
      from: node.inputs.slice(1).reduce<SqlFrom>((from, i) => sql.join('CROSS', from, sql.cte(i.node), null), sql.cte(first.node)),
      where: sql.constant(false),
    });
    const branches = node.inputs.map((input) =>
      sql.select({
        columns: [
          ...node.keys.map((k) => ({ expr: sql.col(k), alias: k })),
          ...all.map((c) => ({ expr: provider.get(c) === input.node ? sql.col(c) : sql.constant(null), alias: c })),
        ],
        from: this.read(input.node, input.columns, input.node),
      }),
    );
    const union: SqlQuery = { kind: 'union', with: [], all: true, queries: [typeAnchor, ...branches] };
    return sql.select({
      columns: [
        ...node.keys.map((k) => ({ expr: sql.col(k, 'combined'), alias: k })),
        ...all.map((c) => ({ expr: sql.agg('max', [sql.col(c, 'combined')]), alias: c })),
      ],
      from: sql.subquery(union, 'combined'),
      groupBy: node.keys.map((k) => sql.col(k, 'combined')),
    });
  }

  private compute(node: ComputeNode): SqlSelect {
    return sql.select({
      columns: [...node.keys.map((k) => ({ expr: sql.col(k), alias: k })), ...node.columns.map((c) => ({ expr: c.expr, alias: c.name }))],
      from: this.read(node.input, [...new Set(node.columns.flatMap((c) => columnsOf(c.expr).filter((x) => x.table === null).map((x) => x.name)))], node.input),
      where: node.where,
    });
  }

  // ---- time spine ----

  /**
   * The periods of a range at a grain, as a one-column relation `t`. Unbounded ends come from
   * the input's own min/max; `extendTo` stretches the end to the close of that coarser period.
   */
  private periods(range: TimeRangeSource, grain: TimeGrain, spine: SpineJoinNode['spine'], extendTo: TimeGrain | null = null): SqlFrom {
    const fromInput = (fn: 'min' | 'max') =>
      sql.scalar(
        sql.select({
          columns: [{ expr: sql.agg(fn, [sql.col(range.fromColumn!)]), alias: 't' }],
          from: this.read(range.fromNode!, this.valueColumns(range.fromNode!), range.fromNode!),
        }),
      );
    const typed = (value: string) => sql.param(value, value.includes('T') ? 'timestamp' : 'date');
    const start = range.start ? typed(range.start) : fromInput('min');
    let end: SqlExpr;
    if (range.end) {
      // The range end is exclusive for dates: the last period starts the day before.
      end = COARSE.has(grain) && !range.end.includes('T') ? sql.cast(sql.bin('-', typed(range.end), sql.constant(1)), 'date') : typed(range.end);
    } else if (extendTo) {
      const max = fromInput('max');
      end = sql.cast(sql.bin('-', sql.bin('+', sql.dateTrunc(UNIT[extendTo], max), sql.interval(1, UNIT[extendTo])), sql.interval(1, 'day')), 'date');
    } else end = fromInput('max');
    if (spine.kind === 'table' && COARSE.has(grain)) {
      const column = sql.col(spine.column, 'spine');
      // At the spine's own grain its rows are the periods; coarser grains take distinct starts.
      const same = grain === spine.grain;
      return sql.subquery(
        sql.select({
          distinct: !same,
          columns: [{ expr: same ? column : trunc(grain, column), alias: 't' }],
          from: sql.table(spine.schema ?? this.options.defaultSchema, spine.table, 'spine'),
          where: sql.and(sql.bin('>=', column, same ? start : trunc(grain, start)), sql.bin('<=', column, end)),
        }),
        'periods',
      );
    }
    const series: SqlFrom = {
      kind: 'series',
      start: sql.dateTrunc(UNIT[grain], start),
      stop: end,
      step: sql.interval(1, UNIT[grain]),
      alias: 'series',
      column: 't',
    };
    const t = sql.col('t', 'series');
    return sql.subquery(sql.select({ columns: [{ expr: COARSE.has(grain) ? sql.cast(t, 'date') : t, alias: 't' }], from: series }), 'periods');
  }

  private spineJoin(node: SpineJoinNode): SqlSelect {
    const periods = this.periods(node.range, node.grain, node.spine);
    const timeKey = (k: string) => node.timeKeys.find((t) => t.name === k);
    return sql.select({
      columns: [
        ...node.keys.map((k) => ({ expr: timeKey(k) ? timeKeyExpr(timeKey(k)!, sql.col('t', 'periods'), node.grain) : sql.col(k, 'input'), alias: k })),
        ...node.columns.map((c) => ({ expr: sql.col(c, 'input'), alias: c })),
      ],
      from: sql.join('LEFT', periods, this.read(node.input, node.columns, 'input'), sql.eq(sql.col(node.timeKey, 'input'), sql.col('t', 'periods'))),
    });
  }

  /** offset_to_grain: each period shows the input's value at the start of its enclosing `grain` period. */
  private offset(node: OffsetNode): SqlSelect {
    if (node.offset.kind !== 'toGrain') throw new Error('offset windows are applied as time shifts, not nodes');
    const grain = node.offset.grain;
    const periods = this.periods(node.range, node.grain, node.spine, grain);
    const from = sql.join('INNER', periods, this.read(node.input, node.columns, 'input'), sql.eq(sql.col(node.timeKey, 'input'), trunc(grain, sql.col('t', 'periods'))));
    const timeKey = (k: string) => node.timeKeys.find((t) => t.name === k);
    // Input rows at the other metric_time keys repeat the same value: read one per period.
    return sql.select({
      where: node.outputFilter,
      distinct: node.timeKeys.length > 1,
      columns: [
        ...node.keys.map((k) => ({ expr: timeKey(k) ? timeKeyExpr(timeKey(k)!, sql.col('t', 'periods'), node.grain) : sql.col(k, 'input'), alias: k })),
        ...node.columns.map((c) => ({ expr: sql.col(c, 'input'), alias: c })),
      ],
      from,
    });
  }

  // ---- cumulative ----

  private cumulative(node: CumulativeNode): SqlSelect {
    const periods = this.periods(node.range, node.baseGrain, node.spine);
    const day = sql.col('t', 'periods');
    const time = sql.col(node.rowsTime, 'r');
    const conditions: SqlExpr[] = [sql.bin('<=', time, day)];
    if (node.window) conditions.push(sql.bin('>', time, sql.bin('-', day, sql.interval(node.window.count, UNIT[node.window.unit]))));
    if (node.grainToDate) conditions.push(sql.bin('>=', time, trunc(node.grainToDate, day)));
    const value = sql.col(node.rowsColumn, 'r');
    // An all-time distinct count only needs each value's first day: count those, then add them up.
    const firstSeen = node.agg === 'count_distinct' && !node.window && !node.grainToDate;
    const rows: SqlFrom = firstSeen ? sql.subquery(this.firstSeen(node), 'r') : this.read(node.rows, [node.rowsColumn], 'r');
    const agg: MeasureColumn['agg'] = firstSeen ? 'sum' : node.agg;
    const daily = sql.select({
      columns: [
        { expr: day, alias: '__day' },
        ...node.otherKeys.map((k) => ({ expr: sql.col(k, 'r'), alias: k })),
        {
          expr: aggregateExpr({ column: 'v', agg, input: value, percentile: node.percentile, discrete: node.discrete, filter: null }),
          alias: '__value',
        },
      ],
      from: sql.join('INNER', periods, rows, sql.and(...conditions)),
      where: node.outputFilter,
      groupBy: [day, ...node.otherKeys.map((k) => sql.col(k, 'r'))],
    });
    const d = (name: string) => sql.col(name, 'daily');
    const keyed = (period: SqlExpr, periodGrain: TimeGrain) => [
      ...node.timeKeys.map((k) => ({ expr: timeKeyExpr(k, period, periodGrain), alias: k.name })),
      ...node.otherKeys.map((k) => ({ expr: d(k), alias: k })),
    ];
    if (node.grain === node.baseGrain) {
      return sql.select({ columns: [...keyed(d('__day'), node.baseGrain), { expr: d('__value'), alias: node.column }], from: sql.subquery(daily, 'daily') });
    }
    // Coarser than a day: reduce each period's daily values with period_agg.
    const period = trunc(node.grain, d('__day'));
    const partition = [period, ...node.otherKeys.map((k) => d(k))];
    if (node.periodAgg === 'average') {
      return sql.select({
        columns: [...keyed(period, node.grain), { expr: sql.agg('avg', [d('__value')]), alias: node.column }],
        from: sql.subquery(daily, 'daily'),
        groupBy: partition,
      });
    }
    const order = [{ expr: d('__day'), descending: node.periodAgg === 'last', nulls: null }];
    return sql.select({
      distinct: true,
      columns: [...keyed(period, node.grain), { expr: sql.window('first_value', [d('__value')], partition, order, 'all'), alias: node.column }],
      from: sql.subquery(daily, 'daily'),
    });
  }

  /** Per day and other keys: how many values were seen for the first time (as rowsTime, rowsColumn). */
  private firstSeen(node: CumulativeNode): SqlSelect {
    const keys = node.otherKeys.map((k) => sql.col(k, 'firsts'));
    const firsts = sql.select({
      columns: [
        ...node.otherKeys.map((k) => ({ expr: sql.col(k), alias: k })),
        { expr: sql.agg('min', [sql.col(node.rowsTime)]), alias: node.rowsTime },
      ],
      from: sql.cte(node.rows),
      where: sql.isNull(sql.col(node.rowsColumn), true),
      groupBy: [...node.otherKeys.map((k) => sql.col(k)), sql.col(node.rowsColumn)],
    });
    return sql.select({
      columns: [
        ...node.otherKeys.map((k) => ({ expr: sql.col(k, 'firsts'), alias: k })),
        { expr: sql.col(node.rowsTime, 'firsts'), alias: node.rowsTime },
        { expr: sql.agg('count', [], { star: true }), alias: node.rowsColumn },
      ],
      from: sql.subquery(firsts, 'firsts'),
      groupBy: [...keys, sql.col(node.rowsTime, 'firsts')],
    });
  }

  // ---- conversion ----

  private conversion(node: ConversionNode): SqlSelect {
    const c = (name: string) => sql.col(name, 'c');
    const b = (name: string) => sql.col(name, 'b');
    const numbered = sql.select({
      columns: [
        { expr: sql.col('__entity'), alias: '__entity' },
        { expr: sql.col('__time'), alias: '__time' },
        ...node.properties.map((p) => ({ expr: sql.col(p), alias: p })),
        { expr: sql.col(node.conversionValue), alias: '__value' },
        {
          expr: sql.window('row_number', [], [], ['__entity', '__time', ...node.properties, node.conversionValue].map((n) => sql.asc(sql.col(n)))),
          alias: '__uid',
        },
      ],
      from: sql.cte(node.conversionRows),
    });
    const on: SqlExpr[] = [sql.eq(b('__entity'), c('__entity')), sql.bin('<=', b('__time'), c('__time'))];
    if (node.window) on.push(sql.bin('>', b('__time'), sql.bin('-', c('__time'), sql.interval(node.window.count, UNIT[node.window.unit]))));
    for (const p of node.properties) on.push(sql.eq(b(p), c(p)));
    const order = [sql.desc(b('__time')), ...node.keys.map((k) => sql.asc(b(k)))];
    const latest = (expr: SqlExpr) => sql.window('first_value', [expr], [c('__uid')], order, 'all');
    const matched = sql.select({
      distinct: true,
      columns: [
        { expr: c('__uid'), alias: '__uid' },
        ...node.keys.map((k) => ({ expr: latest(b(k)), alias: k })),
        { expr: c('__value'), alias: '__value' },
      ],
      from: sql.join('INNER', sql.subquery(numbered, 'c'), sql.cte(node.baseRows, 'b'), sql.and(...on)),
    });
    const m = (name: string) => sql.col(name, 'matched');
    return sql.select({
      columns: [
        ...node.keys.map((k) => ({ expr: m(k), alias: k })),
        {
          expr: aggregateExpr({ column: node.column, agg: node.agg, input: m('__value'), percentile: null, discrete: false, filter: null }),
          alias: node.column,
        },
      ],
      from: sql.subquery(matched, 'matched'),
      groupBy: node.keys.map((k) => m(k)),
    });
  }
}

/** A measure's aggregate, and its presence column when it has one. */
function measureColumns(m: MeasureColumn): Array<{ expr: SqlExpr; alias: string }> {
  const out = [{ expr: aggregateExpr(m), alias: m.column }];
  if (m.presence && m.filter) out.push({ expr: sql.bin('>', sql.agg('count', [], { star: true, filter: m.filter }), sql.constant(0)), alias: m.presence });
  return out;
}

/**
 * The aggregate for one measure. Counts under a FILTER return NULL, not 0, when no row
 * matched, exactly as if the measure had been aggregated on its own.
 */
export function aggregateExpr(m: MeasureColumn): SqlExpr {
  const filter = m.filter;
  const base = (() => {
    switch (m.agg) {
      case 'sum':
        return sql.agg('sum', [m.input], { filter });
      case 'count':
        return sql.agg('count', [m.input], { filter });
      case 'count_distinct':
        return sql.agg('count', [m.input], { distinct: true, filter });
      case 'average':
        return sql.agg('avg', [m.input], { filter });
      case 'min':
        return sql.agg('min', [m.input], { filter });
      case 'max':
        return sql.agg('max', [m.input], { filter });
      case 'sum_boolean':
        return sql.agg('sum', [sql.caseWhen([{ when: m.input, then: sql.constant(1) }], sql.constant(0))], { filter });
      case 'percentile':
        return sql.agg(m.discrete ? 'percentile_disc' : 'percentile_cont', [sql.constant(m.percentile ?? 0.5)], { withinGroup: m.input, filter });
    }
  })();
  if (filter && (m.agg === 'count' || m.agg === 'count_distinct')) {
    const any = sql.bin('>', sql.agg('count', [], { star: true, filter }), sql.constant(0));
    return sql.caseWhen([{ when: any, then: base }]);
  }
  return base;
}

export { mapColumns };
