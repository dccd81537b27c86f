import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { coarserOrEqual, DATE_PARTS } from '../definitions';
import { didYouMean } from '../definitions/suggest';
import { UserError } from '../errors';
import { catalogOf, toDimension, toMetric } from './catalogView';
import type { Context } from './context';
import { toRequest } from './QueryResolver';
import { Dimension, Metric, MetricFilterInput, SavedQuery, SemanticModel, TimeGrain, toSemanticModelFields } from './types/catalog';
import { QueryInput, QueryResult } from './types/query';

/** The catalog: what metrics, models and group-by items exist, read from the request's version. */
@Resolver()
export class CatalogResolver {
  @Query(() => [Metric], { description: 'Metrics, optionally narrowed by search text, owner, layer, tier or type' })
  metrics(@Ctx() ctx: Context, @Arg('filter', () => MetricFilterInput, { nullable: true }) filter?: MetricFilterInput): Metric[] {
    const { graph, version } = ctx.definitions();
    const search = filter?.search?.toLowerCase() ?? null;
    return [...graph.metrics.values()]
      .filter((m) => {
        if (search && ![m.name, m.label ?? '', m.description ?? ''].some((text) => text.toLowerCase().includes(search))) return false;
        if (filter?.owner && m.meta.owner !== filter.owner) return false;
        if (filter?.layer && m.meta.layer !== filter.layer) return false;
        if (filter?.tier && m.meta.tier !== filter.tier) return false;
        if (filter?.type && m.type !== filter.type) return false;
        return true;
      })
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((m) => toMetric(m, version, graph));
  }

  @Query(() => Metric, { nullable: true, description: 'A metric as of a version (the current one by default)' })
  async metric(
    @Arg('name') name: string,
    @Ctx() ctx: Context,
    @Arg('version', () => Int, { nullable: true }) version?: number,
  ): Promise<Metric | null> {
    const defs = version ? await ctx.services.registry.at(version) : ctx.definitions();
    const def = defs.graph.metrics.get(name);
    return def ? toMetric(def, defs.version, defs.graph) : null;
  }

  @Query(() => [SemanticModel])
  semanticModels(@Ctx() ctx: Context): SemanticModel[] {
    const { graph } = ctx.definitions();
    return [...graph.models.values()].map((m) => this.model(ctx, m.name)!);
  }

  @Query(() => SemanticModel, { nullable: true })
  semanticModel(@Arg('name') name: string, @Ctx() ctx: Context): SemanticModel | null {
    return this.model(ctx, name);
  }

  @Query(() => [Dimension], { description: 'Group-by items valid for all the given metrics' })
  dimensions(@Arg('metrics', () => [String]) metrics: string[], @Ctx() ctx: Context): Dimension[] {
    const catalog = catalogOf(ctx.definitions().graph);
    for (const name of metrics) requireMetric(ctx, name);
    return catalog.commonGroupByItems(metrics).map(toDimension);
  }

  @Query(() => [Metric], { description: 'Metrics that can be grouped by all the given items' })
  metricsForDimensions(@Arg('dimensions', () => [String]) dimensions: string[], @Ctx() ctx: Context): Metric[] {
    const { graph, version } = ctx.definitions();
    return catalogOf(graph)
      .metricsFor(dimensions)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((m) => toMetric(m, version, graph));
  }

  @Query(() => [TimeGrain], { description: 'Grains metric_time can take for all the given metrics together' })
  queryableGranularities(@Arg('metrics', () => [String]) metrics: string[], @Ctx() ctx: Context): TimeGrain[] {
    for (const name of metrics) requireMetric(ctx, name);
    return catalogOf(ctx.definitions().graph).queryableGranularities(metrics) as TimeGrain[];
  }

  @Query(() => [String], { nullable: 'items', description: 'Distinct values of a dimension (as strings), optionally containing `search`' })
  async dimensionValues(
    @Arg('dimension') dimension: string,
    @Ctx() ctx: Context,
    @Arg('search', () => String, { nullable: true }) search?: string,
    @Arg('limit', () => Int, { nullable: true, defaultValue: 100 }) limit?: number,
  ): Promise<Array<string | null>> {
    const where = search ? [`CAST({{ Dimension('${escapeName(dimension)}') }} AS TEXT) ILIKE '%${escapeLike(search)}%'`] : [];
    const answer = await ctx.services.queries.answer(
      { metrics: [], groupBy: [dimension], where, orderBy: [dimension], limit: Math.min(Math.max(limit ?? 100, 1), 10_000) },
      { principal: ctx.principal, requestId: ctx.requestId, signal: ctx.signal, version: ctx.definitions().version },
    );
    const column = answer.columns[0]!.name;
    return answer.rows.map((r) => (r[column] === null || r[column] === undefined ? null : String(r[column])));
  }

  @Query(() => [SavedQuery])
  savedQueries(@Ctx() ctx: Context): SavedQuery[] {
    return [...ctx.definitions().graph.savedQueries.values()].map((q) => ({
      name: q.name,
      description: q.description,
      label: q.label,
      metrics: [...q.metrics],
      groupBy: [...q.groupBy],
      where: q.where.map((w) => w.sql),
      orderBy: [...q.orderBy],
      limit: q.limit,
    }));
  }

  @Query(() => QueryResult, { description: 'Run a saved query; `input` fields, when given, replace the saved ones' })
  async runSavedQuery(
    @Arg('name') name: string,
    @Ctx() ctx: Context,
    @Arg('input', () => QueryInput, { nullable: true }) input?: QueryInput,
  ): Promise<QueryResult> {
    const { graph, version } = ctx.definitions();
    const saved = graph.savedQueries.get(name);
    if (!saved)
      throw new UserError('UNKNOWN_SAVED_QUERY', `unknown saved query '${name}'.${didYouMean(name, graph.savedQueries.keys())}`, { savedQuery: name });
    const overrides = input ? toRequest(input) : null;
    const answer = await ctx.services.queries.answer(
      {
        metrics: overrides?.metrics.length ? overrides.metrics : [...saved.metrics],
        groupBy: overrides?.groupBy ?? [...saved.groupBy],
        groupByItems: overrides?.groupByItems ?? null,
        where: overrides?.where ?? saved.where.map((w) => w.sql),
        timeConstraint: overrides?.timeConstraint ?? null,
        orderBy: overrides?.orderBy ?? [...saved.orderBy],
        limit: overrides?.limit ?? saved.limit,
      },
      { principal: ctx.principal, requestId: ctx.requestId, signal: ctx.signal, version },
    );
    return { columns: answer.columns.map((c) => ({ ...c })), rows: answer.rows, sql: answer.sql, cacheHit: answer.cacheHit, definitionVersion: answer.definitionVersion };
  }

  private model(ctx: Context, name: string): SemanticModel | null {
    const { graph } = ctx.definitions();
    const model = graph.models.get(name);
    if (!model) return null;
    const local = model.primaryEntity
      ? graph.reachableElements(model, 0).filter((e) => e.dimension && e.model.name === model.name && e.path.length <= 1)
      : [];
    return {
      ...toSemanticModelFields(model),
      dimensions: local.map((e) =>
        toDimension({
          name: [...e.path, e.element].join('__'),
          element: e.element,
          entityPath: e.path,
          kind: e.dimension!.type,
          granularity: e.dimension!.granularity,
          queryableGranularities: e.dimension!.granularity ? coarserOrEqual(e.dimension!.granularity) : [],
          dateParts: e.dimension!.type === 'time' ? DATE_PARTS : [],
          model: model.name,
          description: e.dimension!.description,
          label: e.dimension!.label,
        }),
      ),
    };
  }
}

function requireMetric(ctx: Context, name: string): void {
  const { graph } = ctx.definitions();
  if (!graph.metrics.has(name)) throw new UserError('UNKNOWN_METRIC', `unknown metric '${name}'.${didYouMean(name, graph.metrics.keys())}`, { metric: name });
}

/** An item name goes into a template string: only name characters are allowed. */
function escapeName(name: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new UserError('UNKNOWN_DIMENSION', `'${name}' is not a valid item name`, { item: name });
  return name;
}

/** Search text becomes a quoted SQL literal of the filter language (parsed, then bound as a parameter). */
function escapeLike(text: string): string {
  return text.replace(/'/g, "''").replace(/[\\%_]/g, (c) => `\\${c}`);
}
