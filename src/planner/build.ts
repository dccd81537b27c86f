import {
  GRANULARITY_RANK,
  type Granularity,
  type MeasureRef,
  type MetricDef,
  type MetricInput,
  type SemanticGraph,
  type SemanticModelDef,
} from '../definitions';
import { parseExpression } from '../definitions/filter/parser';
import { closestNames, didYouMean } from '../definitions/suggest';
import { UserError } from '../errors';
import { sql } from '../sql/build';
import type { SqlExpr } from '../sql/nodes';
import { safeDivide, toSqlExpression } from './expressions';
import { atGranularity, bindTimeFilter, COARSE_UNITS, isStandard, onlyMetricTime, rangePredicates, shiftDate, timeBounds, truncateDate, truncateShifted, type TimeBounds } from './time';
import { bindFilter, parseFilter, type MetricReferenceBinder, type ParsedFilter } from './filters';
import { bindItem, requestedItem, shifted, toTimeGrain, type BindContext, type ItemBinding, type RequestedItem, type TimeShift } from './items';
import type { AggregateNode, KeyColumn, LogicalPlan, MeasureColumn, OutputSpec, PlanNode, SpineSource, TimeGrain, TimeKeySpec } from './plan';
import type { NormalizedRequest } from './request';
import { ModelScope } from './scope';

/** What evaluating a metric yields: the node and column holding its value per key row. */
export interface MetricValue {
  readonly node: string;
  readonly column: string;
  /** fill_nulls_with of a simple metric: applied again wherever rows are combined at the top. */
  readonly fillNulls: number | null;
}

interface EvalContext {
  readonly items: readonly RequestedItem[];
  /** Query-level `where` filters (applied to every measure's rows). */
  readonly where: readonly ParsedFilter[];
  /** Filters inherited from metric definitions on the way down (row-level). */
  readonly filters: readonly ParsedFilter[];
  readonly shift: TimeShift;
  readonly timeRange: NormalizedRequest['timeRange'];
  /** Top-level metric being answered, for messages. */
  readonly owner: string;
  readonly depth: number;
}

const MAX_DEPTH = 32;

/**
 * Request -> logical plan. Each metric is evaluated into plan nodes (aggregations per
 * semantic model, then combinations and expressions over them); the nodes of all requested
 * metrics are combined on the group-by keys. The plan is naive on purpose: one aggregation
 * per measure use, every predicate after the joins, every column of each table. The
 * optimizer passes make it efficient.
 */
export class PlanBuilder {
  private readonly nodes: PlanNode[] = [];
  private readonly usedColumns = new Set<string>();
  private readonly columnsByIdentity = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  private readonly items: RequestedItem[];
  private readonly where: ParsedFilter[];
  private readonly metricTimeGrain: Granularity;

  constructor(
    private readonly graph: SemanticGraph,
    private readonly request: NormalizedRequest,
  ) {
    for (const name of request.metrics) this.metric(name);
    this.items = request.groupBy.map((g) => requestedItem(g.name, g.grain, g.datePart));
    this.where = request.where.map((w, i) => parseFilter(w, request.where.length > 1 ? `where[${i}]` : 'where'));
    this.metricTimeGrain = this.defaultMetricTimeGrain();
  }

  build(): LogicalPlan {
    const ctx: EvalContext = {
      items: this.items,
      where: this.where,
      filters: [],
      shift: [],
      timeRange: this.request.timeRange,
      owner: '',
      depth: 0,
    };
    if (this.request.metrics.length === 0) return this.dimensionsOnly(ctx);
    const values = this.request.metrics.map((name) => ({ name, value: this.evaluate(name, { ...ctx, owner: `metric '${name}'` }) }));
    const root = this.combine(values.map((v) => v.value));
    const keyNames = this.keyNames(values[0]!.value.node);
    const columns: OutputSpec['columns'][number][] = [
      ...keyNames.map((name) => ({ name, source: name, type: 'UNKNOWN' as const, fill: null })),
      ...values.map((v) => ({ name: v.name, source: v.value.column, type: 'NUMBER' as const, fill: v.value.fillNulls })),
    ];
    return { nodes: this.nodes, output: { node: root, columns, ...this.ordering(columns) } };
  }

  // ---- metrics ----

  private metric(name: string): MetricDef {
    const metric = this.graph.metrics.get(name);
    if (!metric)
      throw new UserError('UNKNOWN_METRIC', `unknown metric '${name}'.${didYouMean(name, this.graph.metrics.keys())}`, {
        metric: name,
        suggestions: closestNames(name, this.graph.metrics.keys()),
      });
    return metric;
  }

  private evaluate(name: string, ctx: EvalContext): MetricValue {
    if (ctx.depth > MAX_DEPTH) throw new UserError('INVALID_QUERY', `metric '${name}' nests too deeply`, { metric: name });
    const metric = this.metric(name);
    const filters = [...ctx.filters, ...metric.filters.map((f) => parseFilter(f.sql, `filter of metric '${metric.name}'`))];
    const inner: EvalContext = { ...ctx, filters, depth: ctx.depth + 1 };
    const p = metric.params;
    switch (p.type) {
      case 'simple': {
        const ref = this.measure(p.measure.name);
        const measureFilters = [...filters, ...p.measure.filters.map((f) => parseFilter(f.sql, `filter of metric '${metric.name}'`))];
        let value = this.aggregate(ref, measureFilters, inner, metric);
        if (p.measure.joinToTimespine) value = this.spineJoin(value, inner);
        if (p.measure.fillNullsWith !== null) value = this.fill(value, p.measure.fillNullsWith);
        return value;
      }
      case 'ratio': {
        const numerator = this.evaluateInput(p.numerator, inner);
        const denominator = this.evaluateInput(p.denominator, inner);
        return this.compute([numerator, denominator], metric.name, (cols) => safeDivide(sql.col(cols[0]!), sql.col(cols[1]!)));
      }
      case 'derived': {
        const inputs = p.metrics.map((input) => this.evaluateInput(input, inner));
        const names = new Map(p.metrics.map((input, i) => [input.alias ?? input.name, i]));
        const expr = parseExpression(p.expr, { allowIdentifiers: true, allowTemplates: false });
        return this.compute(inputs, metric.name, (cols) =>
          toSqlExpression(expr, {
            identifier: (id) => sql.col(cols[names.get(id)!]!),
            ref: () => {
              throw new UserError('INVALID_QUERY', 'derived metric expressions cannot use templates', {});
            },
            literals: 'definition',
            division: 'safe',
            windows: true,
          }),
        );
      }
      case 'cumulative':
        return this.cumulative(metric, p, inner);
      case 'conversion':
        return this.conversion(metric, p, inner);
    }
  }

  /** A ratio or derived input: its own filters, and offsets shifting metric_time. */
  private evaluateInput(input: MetricInput, ctx: EvalContext): MetricValue {
    const filters = [...ctx.filters, ...input.filters.map((f) => parseFilter(f.sql, `filter of input '${input.alias ?? input.name}'`))];
    if (input.offsetWindow) {
      const unit = input.offsetWindow.granularity;
      if (!isStandard(unit))
        throw new UserError('INVALID_QUERY', `offset_window '${input.offsetWindow.count} ${unit}' uses a custom granularity, which is not supported yet`, {});
      const shift: TimeShift = [...ctx.shift, { count: input.offsetWindow.count, unit: toTimeGrain(unit) }];
      return this.evaluate(input.name, { ...ctx, filters, shift });
    }
    if (input.offsetToGrain) {
      const grain = input.offsetToGrain;
      if (!isStandard(grain)) throw new UserError('INVALID_QUERY', `offset_to_grain '${grain}' is a custom granularity, which is not supported yet`, {});
      // The input must cover the start of the period the range begins in, and filters on
      // metric_time alone select output periods, not input rows.
      const range = ctx.timeRange?.start ? { ...ctx.timeRange, start: truncateDate(ctx.timeRange.start, grain) } : ctx.timeRange;
      const timeFilters = ctx.where.filter((f) => onlyMetricTime(f.expr));
      const where = ctx.where.filter((f) => !timeFilters.includes(f));
      const value = this.evaluate(input.name, { ...ctx, filters, where, timeRange: range });
      return this.offsetToGrain(value, grain, ctx, timeFilters);
    }
    return this.evaluate(input.name, { ...ctx, filters });
  }

  private measure(name: string): MeasureRef {
    const ref = this.graph.measures.get(name);
    if (!ref) throw new Error(`measure '${name}' is not in the graph`);
    return ref;
  }

  // ---- aggregation ----

  private bindContext(ref: MeasureRef, ctx: EvalContext): BindContext {
    return { metricTimeGrain: this.metricTimeGrain, aggTimeDimension: ref.measure.aggTimeDimension, timeShift: ctx.shift, owner: ctx.owner };
  }

  /** One measure of one model, aggregated per key row; the optimizer merges these later. */
  aggregate(ref: MeasureRef, filters: readonly ParsedFilter[], ctx: EvalContext, metric: MetricDef | null, mode: 'aggregate' | 'rows' = 'aggregate'): MetricValue {
    const built = this.aggregateNode(ref, filters, ctx, mode, metric?.name ?? ref.measure.name);
    this.nodes.push(built.node);
    return { node: built.node.id, column: built.column, fillNulls: null };
  }

  private aggregateNode(
    ref: MeasureRef,
    filters: readonly ParsedFilter[],
    ctx: EvalContext,
    mode: 'aggregate' | 'rows',
    columnHint: string,
    extra: { keys?: Array<{ name: string; expr: (scope: ModelScope, bind: BindContext) => SqlExpr }>; timeRange?: TimeBounds | null } = {},
  ): { node: AggregateNode; column: string; bindings: ItemBinding[]; scope: ModelScope } {
    const timeDimension = ref.measure.aggTimeDimension;
    const scope = new ModelScope(this.graph, ref.model, timeDimension);
    const bind = this.bindContext(ref, ctx);
    const metricJoins: AggregateNode['metricJoins'][number][] = [];
    const metricBinder = this.metricReferenceBinder(metricJoins, ctx);
    const bindings = ctx.items.map((item) => bindItem(scope, item, bind));
    const keys: KeyColumn[] = bindings.map((b) => ({ name: b.outputName, expr: b.expr }));
    for (const key of extra.keys ?? []) keys.push({ name: key.name, expr: key.expr(scope, bind) });
    const where = ctx.where.map((f) => bindFilter(f.expr, scope, bind, metricBinder));
    const timeColumn = timeDimension ? shifted(scope.baseColumn(timeDimension, scope.timeDimension(timeDimension).expr), ctx.shift) : null;
    const bounds = extra.timeRange === undefined ? timeBounds(ctx.timeRange) : extra.timeRange;
    if (bounds && timeColumn) where.push(...rangePredicates(timeColumn, bounds));
    const filter = sql.and(...filters.map((f) => bindFilter(f.expr, scope, bind, metricBinder)));
    const input = scope.baseColumn(ref.measure.name, ref.measure.expr);
    const column = this.columnName(columnHint, ['aggregate', fingerprint(ctx), filters.map((f) => f.text), mode, ref.measure.name, (extra.keys ?? []).map((k) => k.name), extra.timeRange ?? null]);
    const measure: MeasureColumn = {
      column,
      agg: ref.measure.agg === 'median' ? 'percentile' : ref.measure.agg,
      input,
      percentile: ref.measure.percentile,
      discrete: ref.measure.discretePercentile,
      filter,
    };
    const nad = ref.measure.nonAdditiveDimension;
    let nonAdditive: AggregateNode['nonAdditive'] = null;
    if (nad && mode === 'aggregate') {
      const dimension = scope.timeDimension(nad.name);
      const nadColumn = scope.baseColumn(dimension.name, dimension.expr);
      // The window is taken per requested time bucket: keys over this dimension or metric_time.
      const timeKeys = bindings
        .filter((b) => b.kind === 'time' && (b.isMetricTime ? timeDimension === nad.name : b.source.model === ref.model.name && b.source.element === nad.name))
        .map((b) => b.expr);
      const groupings = nad.windowGroupings.map((entity) => {
        const e = scope.entity(entity)!;
        return scope.baseColumn(e.name, e.expr);
      });
      nonAdditive = { expr: nadColumn, choice: nad.windowChoice, partitionBy: [...timeKeys, ...groupings] };
    }
    const built = scope.build();
    const node: AggregateNode = {
      kind: 'aggregate',
      id: this.nodeId(`${mode === 'rows' ? 'rows' : 'agg'}_${ref.model.name}`),
      mode,
      base: withAllColumns(built.base, ref.model),
      joins: built.joins,
      metricJoins,
      keys,
      measures: [measure],
      where,
      nonAdditive,
    };
    return { node, column, bindings, scope };
  }

  /** {{ Metric('bookings', group_by=['listing']) }}: the metric per entity, joined on that entity. */
  private metricReferenceBinder(joins: AggregateNode['metricJoins'][number][], ctx: EvalContext): MetricReferenceBinder {
    return (ref, scope) => {
      if (ref.groupBy.length === 0)
        throw new UserError('INVALID_FILTER', `{{ Metric('${ref.name}') }} needs group_by=[...] naming the entities to compare on`, { metric: ref.name });
      const items = ref.groupBy.map((g) => requestedItem(g));
      const value = this.evaluate(ref.name, {
        items,
        where: [],
        filters: [],
        shift: [],
        timeRange: null,
        owner: `metric '${ref.name}' (in a filter)`,
        depth: ctx.depth + 1,
      });
      const alias = `metric_filter_${joins.length + 1}`;
      const on = sql.and(
        ...items.map((item) => {
          const outer = bindItem(scope, item, { metricTimeGrain: this.metricTimeGrain, aggTimeDimension: null, timeShift: [], owner: ctx.owner });
          return sql.eq(outer.expr, sql.col(item.name, alias));
        }),
      )!;
      joins.push({ alias, input: value.node, key: items[0]!.name, on });
      return sql.col(value.column, alias);
    };
  }

  // ---- combining ----

  /** Merges the nodes holding `values` on the key columns; returns the node holding them all. */
  private combine(values: readonly MetricValue[]): string {
    const byNode = new Map<string, string[]>();
    for (const v of values) {
      const columns = byNode.get(v.node) ?? [];
      if (!columns.includes(v.column)) columns.push(v.column);
      byNode.set(v.node, columns);
    }
    if (byNode.size === 1) return values[0]!.node;
    const id = this.nodeId('combine');
    this.nodes.push({
      kind: 'combine',
      id,
      keys: this.keyNames(values[0]!.node),
      inputs: [...byNode].map(([node, columns]) => ({ node, columns })),
    });
    return id;
  }

  /** Combines inputs and computes one expression over their columns (ratio, derived). */
  private compute(inputs: readonly MetricValue[], hint: string, expression: (columns: string[]) => SqlExpr): MetricValue {
    const input = this.combine(inputs);
    const column = this.columnName(hint, ['compute', inputs.map((i) => i.column)]);
    const id = this.nodeId(`compute_${hint}`);
    this.nodes.push({
      kind: 'compute',
      id,
      input,
      keys: this.keyNames(input),
      columns: [{ name: column, expr: expression(inputs.map((i) => i.column)) }],
      where: null,
    });
    return { node: id, column, fillNulls: null };
  }

  private fill(value: MetricValue, fill: number): MetricValue {
    const column = this.columnName(`${value.column}_filled`, ['fill', value.column, fill]);
    const id = this.nodeId('fill');
    this.nodes.push({
      kind: 'compute',
      id,
      input: value.node,
      keys: this.keyNames(value.node),
      columns: [{ name: column, expr: sql.call('coalesce', sql.col(value.column), sql.constant(fill)) }],
      where: null,
    });
    return { node: id, column, fillNulls: fill };
  }

  // ---- time spine, offsets, cumulative, conversion ----

  /**
   * The request's metric_time columns. The finest grain among them is the one periods are
   * generated at; the others (coarser grains, date parts) are computed from that period.
   */
  private metricTimeKeys(ctx: EvalContext, what: string): { finest: { name: string; grain: Granularity }; all: TimeKeySpec[] } | null {
    const all: Array<TimeKeySpec & { rank: number; granularity: Granularity | null }> = [];
    for (const item of ctx.items) {
      const reading = item.readings.find((r) => r.element === 'metric_time' && r.path.length === 0);
      if (!reading) continue;
      const datePart = item.datePart ?? reading.datePart;
      const grain = datePart ? null : (item.grain ?? reading.grain ?? this.metricTimeGrain);
      const suffix = reading.grain || reading.datePart ? '' : datePart ? `__extract_${datePart}` : `__${grain}`;
      all.push({
        name: `${item.name}${suffix}`,
        grain: grain ? toTimeGrain(grain) : null,
        datePart,
        granularity: grain,
        rank: grain ? GRANULARITY_RANK[grain] : Number.MAX_SAFE_INTEGER,
      });
    }
    if (all.length === 0) return null;
    const finest = [...all].sort((a, b) => a.rank - b.rank)[0]!;
    if (!finest.granularity) throw new UserError('INVALID_QUERY', `${what} needs metric_time at a grain (a date part alone is not enough)`, {});
    return { finest: { name: finest.name, grain: finest.granularity }, all: all.map(({ name, grain, datePart }) => ({ name, grain, datePart })) };
  }

  private hasMetricTime(ctx: EvalContext): boolean {
    return ctx.items.some((i) => i.readings.some((r) => r.element === 'metric_time' && r.path.length === 0));
  }

  private spine(): SpineSource {
    const day = this.graph.timeSpines.find((s) => s.granularity === 'day');
    if (!day) return { kind: 'series' };
    return { kind: 'table', schema: day.relation.schema, table: day.relation.alias, column: day.column, grain: 'day' };
  }

  /** join_to_timespine: every period of the range appears, with the value where there is one. */
  private spineJoin(value: MetricValue, ctx: EvalContext): MetricValue {
    const hasGrain = ctx.items.some((i) =>
      i.readings.some((r) => r.element === 'metric_time' && r.path.length === 0 && !r.datePart && !i.datePart),
    );
    // Without metric_time at a grain there are no periods to fill.
    if (!hasGrain) return value;
    const keys = this.metricTimeKeys(ctx, 'join_to_timespine')!;
    const id = this.nodeId('spine');
    const bounds = timeBounds(ctx.timeRange);
    this.nodes.push({
      kind: 'spineJoin',
      id,
      input: value.node,
      timeKey: keys.finest.name,
      grain: toTimeGrain(keys.finest.grain),
      timeKeys: keys.all,
      spine: this.spine(),
      range: { start: bounds?.start ?? null, end: bounds?.end ?? null, fromNode: value.node, fromColumn: keys.finest.name },
      keys: this.keyNames(value.node),
      columns: [value.column],
    });
    return { ...value, node: id };
  }

  private offsetToGrain(value: MetricValue, grain: Granularity, ctx: EvalContext, timeFilters: readonly ParsedFilter[]): MetricValue {
    const keys = this.metricTimeKeys(ctx, 'offset_to_grain');
    if (!keys) throw new UserError('INVALID_QUERY', 'offset_to_grain needs metric_time in the group-by items', {});
    if (GRANULARITY_RANK[grain] < GRANULARITY_RANK[keys.finest.grain])
      throw new UserError('INVALID_QUERY', `offset_to_grain ${grain} is finer than the requested grain ${keys.finest.grain}`, {});
    const id = this.nodeId('offset');
    const bounds = timeBounds(ctx.timeRange);
    this.nodes.push({
      kind: 'offset',
      range: { start: bounds?.start ?? null, end: bounds?.end ?? null, fromNode: value.node, fromColumn: keys.finest.name },
      id,
      input: value.node,
      timeKey: keys.finest.name,
      grain: toTimeGrain(keys.finest.grain),
      timeKeys: keys.all,
      offset: { kind: 'toGrain', grain: toTimeGrain(grain) },
      outputFilter: sql.and(...timeFilters.map((f) => bindTimeFilter(f.expr, sql.col('t', 'periods')))),
      keys: this.keyNames(value.node),
      columns: [value.column],
      spine: this.spine(),
    });
    return { ...value, node: id };
  }

  private cumulative(metric: MetricDef, p: Extract<MetricDef['params'], { type: 'cumulative' }>, ctx: EvalContext): MetricValue {
    const ref = this.measure(p.measure.name);
    const filters = [...ctx.filters, ...p.measure.filters.map((f) => parseFilter(f.sql, `filter of metric '${metric.name}'`))];
    if (!this.hasMetricTime(ctx)) {
      // Without metric_time there is one period (the whole range): the plain aggregate.
      return this.aggregate(ref, filters, ctx, metric);
    }
    const keys = this.metricTimeKeys(ctx, `cumulative metric '${metric.name}'`)!;
    const window = p.window && isStandard(p.window.granularity) ? { count: p.window.count, unit: toTimeGrain(p.window.granularity) } : null;
    if (p.window && !window) throw new UserError('INVALID_QUERY', `cumulative window '${p.window.count} ${p.window.granularity}' uses a custom granularity, which is not supported yet`, {});
    if (p.grainToDate && !isStandard(p.grainToDate))
      throw new UserError('INVALID_QUERY', `grain_to_date '${p.grainToDate}' is a custom granularity, which is not supported yet`, {});
    const grainToDate = p.grainToDate ? toTimeGrain(p.grainToDate as Granularity) : null;
    const aggTime = ref.measure.aggTimeDimension!;
    const baseGrain = (ref.model.dimensions.find((d) => d.name === aggTime)?.granularity ?? 'day') as Granularity;
    const dayGrain: Granularity = GRANULARITY_RANK[baseGrain] > GRANULARITY_RANK.day ? baseGrain : 'day';
    const additive = ['sum', 'count', 'sum_boolean', 'min', 'max'].includes(ref.measure.agg);
    const otherItems = ctx.items.filter((i) => !i.readings.some((r) => r.element === 'metric_time' && r.path.length === 0));
    const bounds = timeBounds(ctx.timeRange);
    // Rows before the range still count towards the first periods' windows: read from the
    // start minus the window (or from the start of the grain_to_date period; all of history otherwise).
    const rowStart =
      bounds?.start && window && COARSE_UNITS.has(window.unit)
        ? shiftDate(bounds.start.slice(0, 10), -window.count, window.unit)
        : bounds?.start && grainToDate && COARSE_UNITS.has(grainToDate)
          ? truncateDate(bounds.start, grainToDate as Granularity)
          : null;
    const rowBounds: TimeBounds | null = bounds ? { start: rowStart, end: bounds.end, endInclusive: bounds.endInclusive } : null;
    const timeKey = '__metric_time_day';
    // Filters on metric_time alone apply to the output days, after the windows (as MetricFlow does).
    const timeFilters = ctx.where.filter((f) => onlyMetricTime(f.expr));
    const rowsCtx: EvalContext = { ...ctx, items: otherItems, where: ctx.where.filter((f) => !timeFilters.includes(f)) };
    const built = this.aggregateNode(ref, filters, rowsCtx, additive ? 'aggregate' : 'rows', metric.name, {
      keys: [{ name: timeKey, expr: (scope, bind) => truncateShifted(scope, bind, aggTime, dayGrain) }],
      timeRange: rowBounds,
    });
    this.nodes.push(built.node);
    const column = this.columnName(metric.name, ['cumulative', fingerprint(ctx), metric.name]);
    const id = this.nodeId(`cumulative_${metric.name}`);
    this.nodes.push({
      kind: 'cumulative',
      id,
      rows: built.node.id,
      rowsColumn: built.column,
      rowsTime: timeKey,
      otherKeys: built.bindings.map((b) => b.outputName),
      timeKeys: keys.all,
      grain: toTimeGrain(keys.finest.grain),
      baseGrain: toTimeGrain(dayGrain),
      outputFilter: sql.and(...timeFilters.map((f) => bindTimeFilter(f.expr, sql.col('t', 'periods')))),
      agg: additive ? reaggregate(ref.measure.agg) : built.node.measures[0]!.agg,
      percentile: ref.measure.percentile,
      discrete: ref.measure.discretePercentile,
      window,
      grainToDate,
      periodAgg: p.periodAgg,
      spine: this.spine(),
      range: { start: bounds?.start ?? null, end: bounds?.end ?? null, fromNode: built.node.id, fromColumn: timeKey },
      endInclusive: bounds?.endInclusive ?? false,
      column,
    });
    return { node: id, column, fillNulls: p.measure.fillNullsWith };
  }

  private conversion(metric: MetricDef, p: Extract<MetricDef['params'], { type: 'conversion' }>, ctx: EvalContext): MetricValue {
    const baseRef = this.measure(p.baseMeasure.name);
    const conversionRef = this.measure(p.conversionMeasure.name);
    const parse = (fs: readonly { sql: string }[]) => fs.map((f) => parseFilter(f.sql, `filter of metric '${metric.name}'`));
    const baseFilters = [...ctx.filters, ...parse(p.baseMeasure.filters)];
    // The base count, aggregated like any measure.
    const base = this.aggregate(baseRef, baseFilters, ctx, null);
    // Base events: keys, entity, time and properties per row.
    const entity = (model: SemanticModelDef) => model.entities.find((e) => e.name === p.entity)!;
    const property = (model: SemanticModelDef, name: string) =>
      (model.dimensions.find((d) => d.name === name) ?? model.entities.find((e) => e.name === name))!;
    const baseTime = baseRef.measure.aggTimeDimension!;
    const conversionTime = conversionRef.measure.aggTimeDimension!;
    const baseKeys: Array<{ name: string; expr: (scope: ModelScope, bind: BindContext) => SqlExpr }> = [
      { name: '__entity', expr: (scope) => scope.baseColumn(entity(baseRef.model).name, entity(baseRef.model).expr) },
      // Event times at their declared granularity (a day-grain timestamp compares as its day).
      { name: '__time', expr: (scope, bind) => atGranularity(scope, bind, baseTime) },
      ...p.constantProperties.map((cp, i) => ({
        name: `__property_${i + 1}`,
        expr: (scope: ModelScope) => {
          const d = property(baseRef.model, cp.baseProperty);
          return scope.baseColumn(d.name, d.expr);
        },
      })),
    ];
    const baseRows = this.aggregateNode(baseRef, baseFilters, ctx, 'rows', `${metric.name}_base`, { keys: baseKeys });
    this.nodes.push(baseRows.node);
    const window = p.window && isStandard(p.window.granularity) ? { count: p.window.count, unit: toTimeGrain(p.window.granularity) } : null;
    if (p.window && !window) throw new UserError('INVALID_QUERY', `conversion window '${p.window.count} ${p.window.granularity}' uses a custom granularity, which is not supported yet`, {});
    const bounds = timeBounds(ctx.timeRange);
    const conversionKeys: Array<{ name: string; expr: (scope: ModelScope, bind: BindContext) => SqlExpr }> = [
      { name: '__entity', expr: (scope) => scope.baseColumn(entity(conversionRef.model).name, entity(conversionRef.model).expr) },
      {
        name: '__time',
        expr: (scope, bind) => atGranularity(scope, bind, conversionTime),
      },
      ...p.constantProperties.map((cp, i) => ({
        name: `__property_${i + 1}`,
        expr: (scope: ModelScope) => {
          const d = property(conversionRef.model, cp.conversionProperty);
          return scope.baseColumn(d.name, d.expr);
        },
      })),
    ];
    const conversionCtx: EvalContext = { ...ctx, items: [], where: [], filters: parse(p.conversionMeasure.filters) };
    const conversionRows = this.aggregateNode(conversionRef, conversionCtx.filters, conversionCtx, 'rows', `${metric.name}_conversion`, {
      keys: conversionKeys,
      // Conversions may happen after the range ends, within the window.
      timeRange: bounds ? { start: bounds.start, end: null, endInclusive: false } : null,
    });
    this.nodes.push(conversionRows.node);
    const conversionsColumn = this.columnName(`${metric.name}_conversions`, ['conversion', fingerprint(ctx), metric.name]);
    const id = this.nodeId(`conversion_${metric.name}`);
    this.nodes.push({
      kind: 'conversion',
      id,
      baseRows: baseRows.node.id,
      conversionRows: conversionRows.node.id,
      conversionValue: conversionRows.column,
      keys: baseRows.bindings.map((b) => b.outputName),
      window,
      properties: p.constantProperties.map((_, i) => `__property_${i + 1}`),
      agg: conversionRef.measure.agg === 'median' ? 'percentile' : conversionRef.measure.agg,
      column: conversionsColumn,
    });
    const conversions: MetricValue = { node: id, column: conversionsColumn, fillNulls: null };
    if (p.calculation === 'conversions') return conversions;
    return this.compute([conversions, base], metric.name, (cols) => safeDivide(sql.col(cols[0]!), sql.col(cols[1]!)));
  }

  // ---- queries without metrics ----

  private dimensionsOnly(ctx: EvalContext): LogicalPlan {
    if (this.hasMetricTime(ctx))
      throw new UserError('INVALID_QUERY', 'metric_time needs at least one metric; group by a time dimension of a model instead', {});
    let best: { score: number; model: SemanticModelDef } | null = null;
    let firstError: unknown = null;
    for (const model of [...this.graph.models.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      try {
        const scope = new ModelScope(this.graph, model);
        const bind: BindContext = { metricTimeGrain: this.metricTimeGrain, aggTimeDimension: null, timeShift: [], owner: 'the query' };
        ctx.items.forEach((item) => bindItem(scope, item, bind));
        const joins = scope.build().joins.length;
        const first = ctx.items[0]!.readings[ctx.items[0]!.readings.length - 1]!;
        const root = first.path[0] ?? first.element;
        // Fewest joins; then the model the first item's entity is primary in; then not an SCD history.
        const scd = model.dimensions.some((d) => d.validity !== null);
        const score = joins * 10 + (model.primaryEntity === root ? 0 : 2) + (scd ? 1 : 0);
        if (!best || score < best.score) best = { score, model };
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        firstError ??= error;
      }
    }
    if (!best) throw firstError ?? new UserError('UNKNOWN_DIMENSION', 'no semantic model has all of these items', {});
    const scope = new ModelScope(this.graph, best.model);
    const bind: BindContext = { metricTimeGrain: this.metricTimeGrain, aggTimeDimension: null, timeShift: [], owner: 'the query' };
    const bindings = ctx.items.map((item) => bindItem(scope, item, bind));
    const joins: AggregateNode['metricJoins'][number][] = [];
    const where = ctx.where.map((f) => bindFilter(f.expr, scope, bind, this.metricReferenceBinder(joins, ctx)));
    if (joins.length > 0) throw new UserError('INVALID_FILTER', 'metric filters need at least one metric in the query', {});
    const built = scope.build();
    const id = this.nodeId(`distinct_${best.model.name}`);
    this.nodes.push({
      kind: 'distinct',
      id,
      base: withAllColumns(built.base, best.model),
      joins: built.joins,
      keys: bindings.map((b) => ({ name: b.outputName, expr: b.expr })),
      where,
    });
    const columns = bindings.map((b) => ({ name: b.outputName, source: b.outputName, type: 'UNKNOWN' as const, fill: null }));
    return { nodes: this.nodes, output: { node: id, columns, ...this.ordering(columns) } };
  }

  // ---- naming and output ----

  /** The requested order; without one, the group-by keys in request order (results are deterministic). */
  private ordering(columns: OutputSpec['columns']): Pick<OutputSpec, 'orderBy' | 'limit'> {
    const names = columns.map((c) => c.name);
    if (this.request.orderBy.length === 0) {
      const keys = columns.filter((c) => c.source === c.name && !this.request.metrics.includes(c.name));
      return { orderBy: keys.map((c) => ({ column: c.name, descending: false })), limit: this.request.limit };
    }
    const orderBy = this.request.orderBy.map((o) => {
      // 'metric_time' orders by the column that item became (metric_time__day), not by another grain.
      const requested = new Set(this.request.groupBy.map((g) => g.name));
      const column =
        names.find((n) => n === o.name) ??
        (requested.has(o.name) ? names.find((n) => n.startsWith(`${o.name}__`) && !requested.has(n)) : undefined);
      if (!column)
        throw new UserError('INVALID_QUERY', `cannot order by '${o.name}': it is not a requested metric or group-by item.${didYouMean(o.name, names)}`, {
          orderBy: o.name,
        });
      return { column, descending: o.descending };
    });
    return { orderBy, limit: this.request.limit };
  }

  private keyNames(nodeId: string): string[] {
    const node = this.nodes.find((n) => n.id === nodeId)!;
    switch (node.kind) {
      case 'aggregate':
      case 'distinct':
        return node.keys.map((k) => k.name);
      case 'combine':
      case 'compute':
      case 'spineJoin':
      case 'offset':
      case 'conversion':
        return [...node.keys];
      case 'cumulative':
        return [...node.timeKeys.map((k) => k.name), ...node.otherKeys].sort((a, b) => this.keyOrder(a) - this.keyOrder(b));
    }
  }

  /** Key columns keep the order of the request's group-by items. */
  private keyOrder(name: string): number {
    const index = this.items.findIndex((i) => name === i.name || name.startsWith(`${i.name}__`));
    return index < 0 ? Number.MAX_SAFE_INTEGER : index;
  }

  /**
   * A column name unique in the plan, except that the same computation (same `identity`)
   * always gets the same name: identical sub-plans are then identical but for their ids.
   */
  private columnName(hint: string, identity: unknown): string {
    const key = JSON.stringify(identity);
    const known = this.columnsByIdentity.get(key);
    if (known) return known;
    let name = hint;
    for (let i = 2; this.usedColumns.has(name) || this.items.some((item) => item.name === name || name.startsWith(`${item.name}__`)); i++)
      name = `${hint}_${i}`;
    this.usedColumns.add(name);
    this.columnsByIdentity.set(key, name);
    return name;
  }

  private nodeId(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return n === 1 ? prefix : `${prefix}_${n}`;
  }

  /** metric_time without a grain: the metrics' time_granularity, else their coarsest aggregation grain, at least a day. */
  private defaultMetricTimeGrain(): Granularity {
    let grain: Granularity = 'day';
    for (const name of this.request.metrics) {
      const metric = this.metric(name);
      const candidates: Granularity[] = metric.timeGranularity && isStandard(metric.timeGranularity) ? [metric.timeGranularity] : [];
      if (candidates.length === 0) {
        for (const ref of this.graph.measuresOf(name)) {
          const dimension = ref.model.dimensions.find((d) => d.name === ref.measure.aggTimeDimension);
          if (dimension?.granularity) candidates.push(dimension.granularity);
        }
      }
      for (const c of candidates) if (GRANULARITY_RANK[c] > GRANULARITY_RANK[grain]) grain = c;
    }
    return grain;
  }
}

/** Everything about an evaluation context that changes what a metric computes. */
function fingerprint(ctx: EvalContext): unknown {
  return [ctx.items.map((i) => [i.name, i.grain, i.datePart]), ctx.where.map((w) => w.text), ctx.filters.map((f) => f.text), ctx.shift, ctx.timeRange];
}

/** Every column of the model's table, as a naive plan reads it (the pruning pass trims it). */
function withAllColumns(scan: ReturnType<ModelScope['build']>['base'], model: SemanticModelDef) {
  const columns = [...scan.columns];
  const has = (expr: string) => columns.some((c) => c.expr === expr);
  const names = new Set(columns.map((c) => c.field));
  for (const element of [...model.entities, ...model.dimensions, ...model.measures]) {
    if (has(element.expr)) continue;
    let field = element.name;
    for (let i = 2; names.has(field); i++) field = `${element.name}_${i}`;
    names.add(field);
    columns.push({ field, expr: element.expr as (typeof columns)[number]['expr'] });
  }
  return { ...scan, columns };
}

/** How a running total re-aggregates pre-aggregated daily values. */
function reaggregate(agg: string): MeasureColumn['agg'] {
  if (agg === 'min' || agg === 'max') return agg;
  return 'sum';
}

export type { TimeGrain };
