import { directMeasures, directMetricInputs, type SemanticGraph } from './graph';
import { qualifiedName } from './itemNames';
import { DATE_PARTS, GRANULARITIES, GRANULARITY_RANK, type DatePart, type Granularity, type MetricDef, type SemanticModelDef } from './types';

/** A group-by item as the catalog lists it: 'listing__country' and what it is. */
export interface CatalogDimension {
  /** The name to group by: 'listing__country', 'metric_time', 'booking__ds'. */
  readonly name: string;
  readonly element: string;
  readonly entityPath: readonly string[];
  readonly kind: 'categorical' | 'time' | 'entity';
  readonly granularity: Granularity | null;
  readonly queryableGranularities: readonly Granularity[];
  readonly dateParts: readonly DatePart[];
  readonly model: string;
  readonly description: string | null;
  readonly label: string | null;
}

/**
 * Questions about the definitions a catalog answers, computed from the semantic graph once
 * per version and memoized (the graph is immutable).
 */
export class Catalog {
  private readonly itemsByMetric = new Map<string, ReadonlyMap<string, CatalogDimension>>();
  private readonly children = new Map<string, string[]>();
  private readonly consumers = new Map<string, string[]>();

  constructor(readonly graph: SemanticGraph) {
    for (const metric of graph.metrics.values()) {
      const parent = metric.meta.parentMetric;
      if (parent) this.children.set(parent, [...(this.children.get(parent) ?? []), metric.name]);
      for (const input of directMetricInputs(metric)) this.consumers.set(input, [...(this.consumers.get(input) ?? []), metric.name]);
    }
  }

  /** Metrics whose meta names this one as parent_metric. */
  childMetrics(name: string): readonly string[] {
    return this.children.get(name) ?? [];
  }

  /** Metrics that use this one as an input. */
  usedBy(name: string): readonly string[] {
    return this.consumers.get(name) ?? [];
  }

  inputMetrics(metric: MetricDef): readonly string[] {
    return directMetricInputs(metric);
  }

  inputMeasures(metric: MetricDef): readonly string[] {
    return directMeasures(metric);
  }

  /**
   * Every group-by item of a metric: metric_time plus the dimensions and entities reachable
   * from each of its measures' models (an item must be reachable from all of them).
   */
  groupByItems(metricName: string): ReadonlyMap<string, CatalogDimension> {
    const cached = this.itemsByMetric.get(metricName);
    if (cached) return cached;
    const refs = this.graph.measuresOf(metricName);
    let items: Map<string, CatalogDimension> | null = null as Map<string, CatalogDimension> | null;
    for (const ref of refs) {
      const reachable = new Map<string, CatalogDimension>();
      for (const e of this.graph.reachableElements(ref.model)) {
        const item = describe(e.path, e.element, e.model, e.dimension ?? null, e.entity ? e.entity : null);
        if (!reachable.has(item.name)) reachable.set(item.name, item);
      }
      const previous: Map<string, CatalogDimension> | null = items;
      items = previous === null ? reachable : new Map([...previous.entries()].filter((entry) => reachable.has(entry[0])));
    }
    const out = new Map<string, CatalogDimension>();
    const grain = this.metricTimeGranularity([metricName]);
    if (grain) {
      out.set('metric_time', {
        name: 'metric_time',
        element: 'metric_time',
        entityPath: [],
        kind: 'time',
        granularity: grain,
        queryableGranularities: coarserOrEqual(grain),
        dateParts: DATE_PARTS,
        model: refs[0]?.model.name ?? '',
        description: 'The aggregation time of each metric',
        label: 'Metric time',
      });
    }
    for (const [name, item] of items ?? []) out.set(name, item);
    this.itemsByMetric.set(metricName, out);
    return out;
  }

  /** Items every one of the metrics can be grouped by. */
  commonGroupByItems(metrics: readonly string[]): CatalogDimension[] {
    if (metrics.length === 0) return [];
    const [first, ...rest] = metrics.map((m) => this.groupByItems(m));
    return [...first!.values()].filter((item) => rest.every((r) => r.has(item.name)));
  }

  /** Metrics that can be grouped by all the given items. */
  metricsFor(items: readonly string[]): MetricDef[] {
    return [...this.graph.metrics.values()].filter((metric) => {
      const available = this.groupByItems(metric.name);
      return items.every((item) => available.has(stripGrain(item)));
    });
  }

  /** The finest grain metric_time can take for all these metrics (the coarsest aggregation grain). */
  metricTimeGranularity(metrics: readonly string[]): Granularity | null {
    let grain: Granularity | null = null;
    for (const name of metrics) {
      for (const ref of this.graph.measuresOf(name)) {
        const dim = ref.model.dimensions.find((d) => d.name === ref.measure.aggTimeDimension);
        const g = dim?.granularity ?? null;
        if (g && (grain === null || GRANULARITY_RANK[g] > GRANULARITY_RANK[grain])) grain = g;
      }
    }
    return grain;
  }

  queryableGranularities(metrics: readonly string[]): Granularity[] {
    const grain = this.metricTimeGranularity(metrics);
    return grain ? coarserOrEqual(grain) : [];
  }
}

function describe(
  path: readonly string[],
  element: string,
  model: SemanticModelDef,
  dimension: SemanticModelDef['dimensions'][number] | null,
  entity: SemanticModelDef['entities'][number] | null,
): CatalogDimension {
  const time = dimension?.type === 'time';
  const granularity = time ? (dimension!.granularity ?? 'day') : null;
  return {
    name: qualifiedName(path, element),
    element,
    entityPath: path,
    kind: dimension ? dimension.type : 'entity',
    granularity,
    queryableGranularities: granularity ? coarserOrEqual(granularity) : [],
    dateParts: time ? DATE_PARTS : [],
    model: model.name,
    description: dimension?.description ?? entity?.description ?? null,
    label: dimension?.label ?? entity?.label ?? null,
  };
}

/** Grains a time recorded at `grain` can be grouped by (no finer than it, nothing below a second). */
export function coarserOrEqual(grain: Granularity): Granularity[] {
  return GRANULARITIES.filter((g) => GRANULARITY_RANK[g] >= GRANULARITY_RANK[grain] && GRANULARITY_RANK[g] >= GRANULARITY_RANK.second);
}

/** 'metric_time__month' -> 'metric_time'; 'listing__country' stays. */
function stripGrain(item: string): string {
  const parts = item.split('__');
  const last = parts[parts.length - 1]!;
  if (parts.length > 1 && ((GRANULARITIES as readonly string[]).includes(last) || last.startsWith('extract_'))) return parts.slice(0, -1).join('__');
  return item;
}
