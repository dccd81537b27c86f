import type { SqlExpr, TrustedSql } from '../sql/nodes';

/**
 * The logical plan: a DAG of plain, read-only nodes in dependency order. The planner
 * builds it, the optimizer passes rewrite it, and `lower` turns it into one SQL statement.
 * Expressions inside nodes are SQL-tree expressions whose columns name a source alias of
 * the node ('base', 'j1', ...) or, for nodes over other nodes, the input's column names.
 * Serializable and deterministic: the same request gives the same plan, hence the same SQL.
 */
export interface LogicalPlan {
  readonly nodes: readonly PlanNode[];
  readonly output: OutputSpec;
}

export type PlanNode = AggregateNode | CombineNode | ComputeNode | SpineJoinNode | CumulativeNode | OffsetNode | ConversionNode | DistinctNode;

/** One table of a semantic model, read with only the columns the node uses. */
export interface Scan {
  readonly alias: string;
  readonly model: string;
  readonly relation: { readonly database: string | null; readonly schema: string | null; readonly table: string };
  /** Projected columns: field name -> definition-authored expression. */
  readonly columns: ReadonlyArray<{ readonly field: string; readonly expr: TrustedSql }>;
  /** Predicates evaluated inside the scan, over the table's own columns. */
  readonly filters: readonly SqlExpr[];
}

/** A to-one join from an already joined source onto a model unique on `entity`. */
export interface Join {
  readonly scan: Scan;
  readonly entity: string;
  /** Source alias and field holding the foreign key. */
  readonly fromAlias: string;
  readonly fromField: string;
  /** Field of `scan` holding the key it is unique on. */
  readonly toField: string;
  readonly type: 'LEFT' | 'INNER';
  /** SCD type II: match `timeAlias.timeField` inside [validFrom, validTo). */
  readonly validity: { readonly fromField: string; readonly toField: string; readonly timeAlias: string; readonly timeField: string | null } | null;
}

export interface KeyColumn {
  readonly name: string;
  readonly expr: SqlExpr;
}

export interface MeasureColumn {
  readonly column: string;
  readonly agg: 'sum' | 'count' | 'count_distinct' | 'average' | 'min' | 'max' | 'percentile' | 'sum_boolean';
  /** Input column (a field of a source) the aggregation reads. */
  readonly input: SqlExpr;
  readonly percentile: number | null;
  readonly discrete: boolean;
  /** Row filter of this measure only (metric and input filters): becomes FILTER (WHERE ...). */
  readonly filter: SqlExpr | null;
  /**
   * Set when the measure shares its node with measures under other filters: the name of a
   * boolean column telling whether any row passed this measure's filter. Readers of the
   * measure skip rows without it, so a merged scan never adds rows a metric would not have.
   */
  readonly presence?: string | null;
}

/**
 * Aggregates measures of one semantic model at the request's grain:
 * SELECT keys, AGG(...) FROM base [JOIN ...] WHERE ... GROUP BY keys.
 * In `rows` mode nothing is aggregated: each measure's input is returned per row
 * (the row-level input of cumulative and conversion metrics).
 */
export interface AggregateNode {
  readonly kind: 'aggregate';
  readonly id: string;
  readonly mode: 'aggregate' | 'rows';
  readonly base: Scan;
  readonly joins: readonly Join[];
  /** Subqueries joined on an entity key to filter by a metric ({{ Metric('x', group_by=['e']) }}). */
  readonly metricJoins: ReadonlyArray<{ readonly alias: string; readonly input: string; readonly key: string; readonly on: SqlExpr }>;
  readonly keys: readonly KeyColumn[];
  readonly measures: readonly MeasureColumn[];
  /** Predicates over joined sources, evaluated after the joins. */
  readonly where: readonly SqlExpr[];
  /** Semi-additive measures: keep only rows at the min/max of `field` within the partition. */
  readonly nonAdditive: {
    readonly expr: SqlExpr;
    readonly choice: 'min' | 'max';
    readonly partitionBy: readonly SqlExpr[];
  } | null;
}

/** Rows of several inputs merged on the shared key columns (a FULL OUTER JOIN with coalesced keys). */
export interface CombineNode {
  readonly kind: 'combine';
  readonly id: string;
  readonly keys: readonly string[];
  readonly inputs: ReadonlyArray<{ readonly node: string; readonly columns: readonly string[] }>;
}

/** Row-wise expressions over one input (ratios, derived expressions, fill_nulls_with). */
export interface ComputeNode {
  readonly kind: 'compute';
  readonly id: string;
  readonly input: string;
  readonly keys: readonly string[];
  readonly columns: ReadonlyArray<{ readonly name: string; readonly expr: SqlExpr }>;
  /** Row filter over the computed columns (metric filters in `where`). */
  readonly where: SqlExpr | null;
}

/**
 * A metric_time column of the output. Several may be asked for at once
 * (metric_time__day and metric_time__month); all derive from the finest one.
 */
export interface TimeKeySpec {
  readonly name: string;
  readonly grain: TimeGrain | null;
  readonly datePart: 'year' | 'quarter' | 'month' | 'week' | 'day' | 'dow' | 'doy' | null;
}

/** Every period of the time range, left-joined to the input on the time key (join_to_timespine). */
export interface SpineJoinNode {
  readonly kind: 'spineJoin';
  readonly id: string;
  readonly input: string;
  /** The finest metric_time key: periods are generated at its grain and joined on it. */
  readonly timeKey: string;
  readonly grain: TimeGrain;
  /** Every metric_time key, computed from the period (so filled periods have them too). */
  readonly timeKeys: readonly TimeKeySpec[];
  readonly spine: SpineSource;
  readonly range: TimeRangeSource;
  readonly keys: readonly string[];
  readonly columns: readonly string[];
}

export type TimeGrain = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year' | 'millisecond' | 'microsecond';

/** Where the periods come from: a configured time spine table or generate_series. */
export type SpineSource =
  | { readonly kind: 'table'; readonly schema: string | null; readonly table: string; readonly column: string; readonly grain: TimeGrain }
  | { readonly kind: 'series' };

/** The range of periods: the request's time constraint, or what the data spans. */
export interface TimeRangeSource {
  readonly start: string | null;
  readonly end: string | null;
  /** When the request has no bounds: an input node and key whose min/max bound the range. */
  readonly fromNode: string | null;
  readonly fromColumn: string | null;
}

/**
 * Running aggregation over a window of the base rows for each period (cumulative metrics):
 * for every day of the spine, AGG(rows with time in window(day)), then period_agg to the grain.
 */
export interface CumulativeNode {
  readonly kind: 'cumulative';
  readonly id: string;
  /** Input rows: per-day aggregates (additive measures) or raw rows, with the other keys. */
  readonly rows: string;
  readonly rowsColumn: string;
  /** The rows' time column, truncated to the base grain (a day, or coarser for coarse dimensions). */
  readonly rowsTime: string;
  readonly otherKeys: readonly string[];
  /** Every metric_time key; the finest grain among them is the period `period_agg` reduces to. */
  readonly timeKeys: readonly TimeKeySpec[];
  readonly grain: TimeGrain;
  readonly baseGrain: TimeGrain;
  /** Filters on metric_time, applied to the output days (after the windows). */
  readonly outputFilter: SqlExpr | null;
  readonly agg: MeasureColumn['agg'];
  readonly percentile: number | null;
  readonly discrete: boolean;
  readonly window: { readonly count: number; readonly unit: TimeGrain } | null;
  readonly grainToDate: TimeGrain | null;
  readonly periodAgg: 'first' | 'last' | 'average';
  readonly spine: SpineSource;
  readonly range: TimeRangeSource;
  readonly endInclusive: boolean;
  readonly column: string;
}

/** The input's value for an earlier period: offset_window / offset_to_grain of derived inputs. */
export interface OffsetNode {
  readonly kind: 'offset';
  readonly id: string;
  readonly input: string;
  /** The finest metric_time key (periods at its grain); the others derive from the period. */
  readonly timeKey: string;
  readonly grain: TimeGrain;
  readonly timeKeys: readonly TimeKeySpec[];
  readonly offset: { readonly kind: 'window'; readonly count: number; readonly unit: TimeGrain } | { readonly kind: 'toGrain'; readonly grain: TimeGrain };
  /** Filters on metric_time alone, applied to the output periods. */
  readonly outputFilter: SqlExpr | null;
  readonly keys: readonly string[];
  readonly columns: readonly string[];
  readonly spine: SpineSource;
  /** Periods to produce: the request's range, else what the input spans (to the end of its last offset period). */
  readonly range: TimeRangeSource;
}

/** Conversion events attributed to the latest preceding base event of the same entity. */
export interface ConversionNode {
  readonly kind: 'conversion';
  readonly id: string;
  /** Row-level inputs: base rows carry keys + entity + time + properties; conversions carry entity + time + properties + value. */
  readonly baseRows: string;
  readonly conversionRows: string;
  /** The conversion rows' column holding the conversion measure's input. */
  readonly conversionValue: string;
  readonly keys: readonly string[];
  readonly window: { readonly count: number; readonly unit: TimeGrain } | null;
  readonly properties: readonly string[];
  readonly agg: MeasureColumn['agg'];
  readonly column: string;
}

/** Distinct values of the group-by items when no metric is asked for. */
export interface DistinctNode {
  readonly kind: 'distinct';
  readonly id: string;
  readonly base: Scan;
  readonly joins: readonly Join[];
  readonly keys: readonly KeyColumn[];
  readonly where: readonly SqlExpr[];
}

export interface OutputSpec {
  readonly node: string;
  readonly columns: ReadonlyArray<{ readonly name: string; readonly source: string; readonly type: OutputType; readonly fill: number | null }>;
  readonly orderBy: ReadonlyArray<{ readonly column: string; readonly descending: boolean }>;
  readonly limit: number | null;
}

export type OutputType = 'DATE' | 'TIMESTAMP' | 'STRING' | 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'UNKNOWN';
