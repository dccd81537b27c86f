/**
 * The normalized definition set: what a published version stores and what the
 * semantic graph is built from. Plain JSON data with every default filled in, so two
 * spellings of the same meaning normalize to the same value (and the same hash).
 * `loc` fields point back into the source files; they are left out of hashes and diffs.
 */

export const GRANULARITIES = [
  'nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year',
] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const DATE_PARTS = ['year', 'quarter', 'month', 'week', 'day', 'dow', 'doy'] as const;
export type DatePart = (typeof DATE_PARTS)[number];

export const AGGREGATIONS = [
  'sum', 'count', 'count_distinct', 'average', 'min', 'max', 'median', 'percentile', 'sum_boolean',
] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const ENTITY_TYPES = ['primary', 'unique', 'foreign', 'natural'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export const METRIC_TYPES = ['simple', 'ratio', 'derived', 'cumulative', 'conversion'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface Relation {
  readonly database: string | null;
  /** null: the warehouse's configured default schema (`model: ref('x')`). */
  readonly schema: string | null;
  readonly alias: string;
}

/** Northstar's own fields, read from `config.meta`; the rest of meta is kept as is. */
export interface NorthstarMeta {
  readonly owner: string | null;
  readonly layer: string | null;
  readonly tier: string | null;
  readonly parentMetric: string | null;
  readonly unit: string | null;
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface EntityDef {
  readonly name: string;
  readonly type: EntityType;
  readonly expr: string;
  readonly role: string | null;
  readonly description: string | null;
  readonly label: string | null;
  readonly loc?: SourceLocation;
}

export interface DimensionDef {
  readonly name: string;
  readonly type: 'categorical' | 'time';
  readonly expr: string;
  readonly description: string | null;
  readonly label: string | null;
  readonly isPartition: boolean;
  /** Time dimensions only. */
  readonly granularity: Granularity | null;
  /** SCD type II windows: this column opens (`start`) or closes (`end`) the row's validity. */
  readonly validity: 'start' | 'end' | null;
  readonly loc?: SourceLocation;
}

export interface NonAdditiveDimension {
  readonly name: string;
  readonly windowChoice: 'min' | 'max';
  readonly windowGroupings: readonly string[];
}

export interface MeasureDef {
  readonly name: string;
  readonly agg: Aggregation;
  readonly expr: string;
  readonly description: string | null;
  readonly label: string | null;
  /** Resolved: the measure's own setting or the model default. */
  readonly aggTimeDimension: string | null;
  readonly percentile: number | null;
  readonly discretePercentile: boolean;
  readonly nonAdditiveDimension: NonAdditiveDimension | null;
  readonly createMetric: boolean;
  /** Created from a newer-spec simple metric that carries `agg` itself. */
  readonly fromMetric: boolean;
  readonly loc?: SourceLocation;
}

export interface SemanticModelDef {
  readonly name: string;
  readonly description: string | null;
  readonly label: string | null;
  readonly relation: Relation;
  readonly defaultAggTimeDimension: string | null;
  /** The declared primary entity, or the entity of type primary. */
  readonly primaryEntity: string | null;
  readonly entities: readonly EntityDef[];
  readonly dimensions: readonly DimensionDef[];
  readonly measures: readonly MeasureDef[];
  readonly meta: NorthstarMeta;
  readonly loc?: SourceLocation;
}

/** A filter as written plus where it came from; parsed again by the planner. */
export interface FilterDef {
  readonly sql: string;
  readonly loc?: SourceLocation;
}

export interface MeasureInput {
  readonly name: string;
  readonly filters: readonly FilterDef[];
  readonly alias: string | null;
  readonly joinToTimespine: boolean;
  readonly fillNullsWith: number | null;
  readonly loc?: SourceLocation;
}

export interface MetricInput {
  readonly name: string;
  readonly filters: readonly FilterDef[];
  readonly alias: string | null;
  readonly offsetWindow: TimeWindow | null;
  readonly offsetToGrain: Granularity | string | null;
  readonly loc?: SourceLocation;
}

export interface TimeWindow {
  readonly count: number;
  /** A standard granularity, or the name of a custom granularity of the time spine. */
  readonly granularity: Granularity | string;
}

export type MetricParams =
  | { readonly type: 'simple'; readonly measure: MeasureInput }
  | { readonly type: 'ratio'; readonly numerator: MetricInput; readonly denominator: MetricInput }
  | { readonly type: 'derived'; readonly expr: string; readonly metrics: readonly MetricInput[] }
  | {
      readonly type: 'cumulative';
      readonly measure: MeasureInput;
      readonly window: TimeWindow | null;
      readonly grainToDate: Granularity | string | null;
      readonly periodAgg: 'first' | 'last' | 'average';
    }
  | {
      readonly type: 'conversion';
      readonly baseMeasure: MeasureInput;
      readonly conversionMeasure: MeasureInput;
      readonly entity: string;
      readonly calculation: 'conversion_rate' | 'conversions';
      readonly window: TimeWindow | null;
      readonly constantProperties: ReadonlyArray<{ readonly baseProperty: string; readonly conversionProperty: string }>;
    };

export interface MetricDef {
  readonly name: string;
  readonly type: MetricType;
  readonly description: string | null;
  readonly label: string | null;
  readonly filters: readonly FilterDef[];
  readonly params: MetricParams;
  /** Default grain for metric_time when the metric is queried without one. */
  readonly timeGranularity: Granularity | null;
  readonly meta: NorthstarMeta;
  readonly loc?: SourceLocation;
}

export interface SavedQueryDef {
  readonly name: string;
  readonly description: string | null;
  readonly label: string | null;
  readonly metrics: readonly string[];
  /** Group-by items in query syntax ('metric_time__day', 'listing__country'). */
  readonly groupBy: readonly string[];
  readonly where: readonly FilterDef[];
  readonly orderBy: readonly string[];
  readonly limit: number | null;
  readonly loc?: SourceLocation;
}

export interface TimeSpineDef {
  readonly name: string;
  readonly relation: Relation;
  readonly column: string;
  readonly granularity: Granularity;
  readonly customGranularities: ReadonlyArray<{ readonly name: string; readonly column: string }>;
  readonly loc?: SourceLocation;
}

/**
 * An access policy (Northstar's own top-level `access_policies:` key), kept as written:
 * the security layer interprets it.
 */
export interface AccessPolicyDef {
  readonly name: string;
  readonly spec: Readonly<Record<string, unknown>>;
  readonly loc?: SourceLocation;
}

export interface Definitions {
  readonly semanticModels: readonly SemanticModelDef[];
  readonly metrics: readonly MetricDef[];
  readonly savedQueries: readonly SavedQueryDef[];
  readonly timeSpines: readonly TimeSpineDef[];
  readonly accessPolicies: readonly AccessPolicyDef[];
}

export const GRANULARITY_RANK: Readonly<Record<Granularity, number>> = Object.fromEntries(
  GRANULARITIES.map((g, i) => [g, i]),
) as Record<Granularity, number>;

export function isGranularity(value: string): value is Granularity {
  return (GRANULARITIES as readonly string[]).includes(value);
}

export function isDatePart(value: string): value is DatePart {
  return (DATE_PARTS as readonly string[]).includes(value);
}
