import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { MetricRequest } from '../planner';
import { catalogOf, toDimension, toMetric } from './catalogView';
import type { Context } from './context';
import { HistoryEntry } from './types/definitions';
import { Dimension, Measure, Metric, MetricPoint, TimeGrain } from './types/catalog';
import { GroupByItemInput, TimeConstraintInput } from './types/query';

/** Fields of Metric that need more than its definition: relations, history, values. */
@Resolver(() => Metric)
export class MetricResolver {
  @FieldResolver(() => Metric, { nullable: true, description: 'The metric named as parent_metric' })
  parent(@Root() metric: Metric, @Ctx() ctx: Context): Metric | null {
    const name = metric.source.def.meta.parentMetric;
    return name ? this.byName(ctx, metric, name) : null;
  }

  @FieldResolver(() => [Metric], { description: 'Metrics naming this one as parent_metric' })
  children(@Root() metric: Metric, @Ctx() ctx: Context): Metric[] {
    return catalogOf(this.graph(ctx, metric)).childMetrics(metric.name).map((n) => this.byName(ctx, metric, n)!);
  }

  @FieldResolver(() => [Metric], { description: 'Metrics this one is computed from (ratio and derived inputs)' })
  inputMetrics(@Root() metric: Metric, @Ctx() ctx: Context): Metric[] {
    return catalogOf(this.graph(ctx, metric))
      .inputMetrics(metric.source.def)
      .map((n) => this.byName(ctx, metric, n))
      .filter((m): m is Metric => m !== null);
  }

  @FieldResolver(() => [Metric], { description: 'Metrics computed from this one' })
  usedBy(@Root() metric: Metric, @Ctx() ctx: Context): Metric[] {
    return catalogOf(this.graph(ctx, metric)).usedBy(metric.name).map((n) => this.byName(ctx, metric, n)!);
  }

  @FieldResolver(() => [Measure], { description: 'Every measure it aggregates, through all its inputs' })
  measures(@Root() metric: Metric, @Ctx() ctx: Context): Measure[] {
    return this.graph(ctx, metric)
      .measuresOf(metric.name)
      .map(({ model, measure }) => ({
        name: measure.name,
        agg: measure.agg,
        expr: measure.expr,
        model: model.name,
        aggTimeDimension: measure.aggTimeDimension,
        description: measure.description,
        semiAdditive: measure.nonAdditiveDimension !== null,
      }));
  }

  @FieldResolver(() => [Dimension], { description: 'Everything it can be grouped by' })
  dimensions(@Root() metric: Metric, @Ctx() ctx: Context): Dimension[] {
    return [...catalogOf(this.graph(ctx, metric)).groupByItems(metric.name).values()].map(toDimension);
  }

  @FieldResolver(() => [TimeGrain], { description: 'Grains metric_time can take for it' })
  queryableGranularities(@Root() metric: Metric, @Ctx() ctx: Context): TimeGrain[] {
    return catalogOf(this.graph(ctx, metric)).queryableGranularities([metric.name]) as TimeGrain[];
  }

  @FieldResolver(() => [HistoryEntry], { description: 'Every version that added, changed or removed it, newest first' })
  async history(@Root() metric: Metric, @Ctx() ctx: Context): Promise<HistoryEntry[]> {
    const entries = await ctx.metricHistory.load(metric.name);
    return entries.map((h) => ({
      version: h.versionNumber,
      changeType: h.changeType,
      fields: h.fields.map((f) => ({ ...f })),
      author: h.author,
      message: h.message,
      createdAt: h.createdAt,
    }));
  }

  @FieldResolver(() => Int, { nullable: true, description: 'The last version at or before this one that changed it' })
  async lastChangedIn(@Root() metric: Metric, @Ctx() ctx: Context): Promise<number | null> {
    const entries = await ctx.metricHistory.load(metric.name);
    return entries.find((h) => h.versionNumber <= metric.version)?.versionNumber ?? null;
  }

  @FieldResolver(() => [MetricPoint], {
    complexity: 25,
    description: 'Its values, by time at `grain` and by the group-by items; batched with the other metrics of the operation',
  })
  async values(
    @Root() metric: Metric,
    @Ctx() ctx: Context,
    @Arg('grain', () => TimeGrain, { nullable: true }) grain?: TimeGrain,
    @Arg('groupBy', () => [String], { nullable: true }) groupBy?: string[],
    @Arg('groupByItems', () => [GroupByItemInput], { nullable: true }) groupByItems?: GroupByItemInput[],
    @Arg('where', () => [String], { nullable: true }) where?: string[],
    @Arg('timeConstraint', () => TimeConstraintInput, { nullable: true }) timeConstraint?: TimeConstraintInput,
    @Arg('orderBy', () => [String], { nullable: true }) orderBy?: string[],
    @Arg('limit', () => Int, { nullable: true }) limit?: number,
  ): Promise<MetricPoint[]> {
    const timeItem = grain ? [{ name: 'metric_time', grain, datePart: null }] : [];
    const request: Omit<MetricRequest, 'metrics'> = {
      groupBy: groupBy ?? [],
      groupByItems: [...timeItem, ...(groupByItems ?? []).map((i) => ({ name: i.name, grain: i.grain ?? null, datePart: i.datePart ?? null }))],
      where: where ?? [],
      timeConstraint: timeConstraint ? { start: timeConstraint.start ?? null, end: timeConstraint.end ?? null } : null,
      orderBy: orderBy ?? [],
      limit: limit ?? null,
    };
    const { answer, column } = await ctx.metricValues.load({ metric: metric.name, version: metric.version, request });
    const timeColumn = grain ? `metric_time__${grain}` : null;
    const metricNames = new Set(metric.source.graph.metrics.keys());
    const dimensionColumns = answer.columns.map((c) => c.name).filter((n) => n !== timeColumn && !metricNames.has(n));
    return answer.rows.map((row) => {
      const raw = row[column];
      return {
        time: timeColumn ? (row[timeColumn] as string | null) : null,
        value: raw === null || raw === undefined ? null : Number(raw),
        decimal: raw === null || raw === undefined ? null : String(raw),
        dimensions: Object.fromEntries(dimensionColumns.map((c) => [c, row[c]])),
      };
    });
  }

  /** The graph of the version the metric was read from. */
  private graph(_ctx: Context, metric: Metric) {
    return metric.source.graph;
  }

  private byName(ctx: Context, metric: Metric, name: string): Metric | null {
    const def = this.graph(ctx, metric).metrics.get(name);
    return def ? toMetric(def, metric.version, metric.source.graph) : null;
  }
}
