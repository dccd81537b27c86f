import { GRANULARITY_RANK, type DatePart, type Granularity, type SemanticModelDef } from '../definitions';
import { parseItemName, qualifiedName, type ParsedItemName } from '../definitions/itemNames';
import { didYouMean } from '../definitions/suggest';
import { UserError } from '../errors';
import { sql } from '../sql/build';
import type { DateUnit, SqlExpr } from '../sql/nodes';
import type { TimeGrain } from './plan';
import type { ModelScope } from './scope';

/** A group-by item as the request names it, before it is bound to any model. */
export interface RequestedItem {
  /** Name as requested ('metric_time', 'listing__country', 'booking__ds__month'). */
  readonly name: string;
  readonly readings: readonly ParsedItemName[];
  /** From `groupByItems: [{ name, grain, datePart }]`. */
  readonly grain: Granularity | null;
  readonly datePart: DatePart | null;
}

/** How one requested item reads from one model's scope. */
export interface ItemBinding {
  readonly outputName: string;
  readonly kind: 'time' | 'categorical' | 'entity';
  readonly expr: SqlExpr;
  readonly isMetricTime: boolean;
  readonly grain: Granularity | null;
  readonly datePart: DatePart | null;
  /** For entity items and categorical dimensions: the underlying, untransformed column. */
  readonly raw: SqlExpr;
  /** The model and dimension (or entity) the value comes from. */
  readonly source: { readonly model: string; readonly element: string };
}

/** Time shifts applied to metric_time by offset_window inputs (they add up when nested). */
export type TimeShift = ReadonlyArray<{ readonly count: number; readonly unit: TimeGrain }>;

export interface BindContext {
  /** Default grain of metric_time when asked for without one. */
  readonly metricTimeGrain: Granularity;
  /** The aggregation time dimension of the measure being bound (metric_time). */
  readonly aggTimeDimension: string | null;
  readonly timeShift: TimeShift;
  /** Whose item it is, for error messages: "metric 'bookings'". */
  readonly owner: string;
  /** Grain for time dimensions named without one (default: their own granularity). */
  readonly timeDimensionGrain?: Granularity | null;
}

const UNITS: Record<Granularity, DateUnit> = {
  nanosecond: 'microseconds',
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

export function dateUnit(grain: Granularity): DateUnit {
  return UNITS[grain];
}

export function toTimeGrain(grain: Granularity): TimeGrain {
  if (grain === 'nanosecond' || grain === 'microsecond') return 'microsecond';
  return grain;
}

/** DATE_TRUNC to the grain; whole days and coarser come back as DATE. */
export function truncate(column: SqlExpr, grain: Granularity): SqlExpr {
  const truncated = sql.dateTrunc(dateUnit(grain), column);
  return GRANULARITY_RANK[grain] >= GRANULARITY_RANK.day ? sql.cast(truncated, 'date') : truncated;
}

export function extractPart(column: SqlExpr, part: DatePart): SqlExpr {
  return sql.cast(sql.extract(part === 'dow' ? 'isodow' : part, column), 'integer');
}

/** The column plus any offset_window shifts: ds + INTERVAL '1 month'. */
export function shifted(column: SqlExpr, shift: TimeShift): SqlExpr {
  return shift.reduce<SqlExpr>((expr, s) => sql.bin('+', expr, sql.interval(s.count, dateUnit(s.unit as Granularity))), column);
}

export function requestedItem(name: string, grain: Granularity | null = null, datePart: DatePart | null = null): RequestedItem {
  const readings = parseItemName(name);
  if (readings.length === 0) throw new UserError('UNKNOWN_DIMENSION', `'${name}' is not a valid item name`, { name });
  return { name, readings, grain, datePart };
}

/**
 * Binds a requested item in a model's scope: `metric_time` to the measure's aggregation
 * time, `entity__dimension` along the entity path (joining as needed), time items at
 * their grain or date part. Unknown or ambiguous items are user errors naming the candidates.
 */
export function bindItem(scope: ModelScope, item: RequestedItem, ctx: BindContext): ItemBinding {
  const graph = scope.graph;
  const candidates: Array<{ reading: ParsedItemName; bound: () => ItemBinding }> = [];
  for (const reading of item.readings) {
    if (reading.element === 'metric_time' && reading.path.length === 0) {
      if (!ctx.aggTimeDimension)
        throw new UserError('UNKNOWN_DIMENSION', `${ctx.owner} has no aggregation time dimension, so it cannot be grouped by metric_time`, {
          item: item.name,
        });
      const dimension = scope.timeDimension(ctx.aggTimeDimension);
      const column = shifted(scope.baseColumn(dimension.name, dimension.expr), ctx.timeShift);
      candidates.push({
        reading,
        bound: () => timeBinding(item, reading, column, dimension.granularity ?? 'day', ctx.metricTimeGrain, true, scope.model, 'metric_time'),
      });
      break;
    }
    const matches = graph.findElement(scope.model, reading.path, reading.element);
    if (matches.length === 0) continue;
    if (matches.length > 1) {
      throw new UserError(
        'AMBIGUOUS_JOIN',
        `'${item.name}' is ambiguous for ${ctx.owner}: it can be reached in ${matches
          .map((m) => `semantic model '${m.model.name}'`)
          .join(' and ')} along the same entity path; name the path to one of them`,
        { item: item.name, candidates: matches.map((m) => m.model.name) },
      );
    }
    const match = matches[0]!;
    if (match.dimension?.type === 'time') {
      const dimension = match.dimension;
      const grain = dimension.granularity ?? 'day';
      candidates.push({
        reading,
        bound: () => timeBinding(item, reading, scope.bindMatch(match).column, grain, ctx.timeDimensionGrain ?? grain, false, match.model, dimension.name),
      });
    } else if (reading.grain === null && reading.datePart === null) {
      const kind = match.entity ? 'entity' : 'categorical';
      if (item.grain || item.datePart)
        throw new UserError('INVALID_QUERY', `'${item.name}' is not a time dimension, so it takes no grain or date part`, { item: item.name });
      candidates.push({
        reading,
        bound: () => {
          const column = scope.bindMatch(match).column;
          return {
            outputName: item.name,
            kind,
            expr: column,
            raw: column,
            isMetricTime: false,
            grain: null,
            datePart: null,
            source: { model: match.model.name, element: reading.element },
          };
        },
      });
    }
    if (candidates.length > 0) break;
  }
  if (candidates.length === 0) throw unknownItem(scope, item, ctx);
  return candidates[0]!.bound();
}

function timeBinding(
  item: RequestedItem,
  reading: ParsedItemName,
  column: SqlExpr,
  definedGrain: Granularity,
  defaultGrain: Granularity,
  isMetricTime: boolean,
  model: SemanticModelDef,
  element: string,
): ItemBinding {
  const datePart = item.datePart ?? reading.datePart;
  const explicitGrain = item.grain ?? reading.grain;
  if (explicitGrain && datePart)
    throw new UserError('INVALID_QUERY', `'${item.name}' has both a grain and a date part; ask for one`, { item: item.name });
  const suffix = reading.grain || reading.datePart ? '' : datePart ? `__extract_${datePart}` : `__${explicitGrain ?? defaultGrain}`;
  const outputName = `${item.name}${suffix}`;
  const source = { model: model.name, element };
  if (datePart) {
    return { outputName, kind: 'time', expr: extractPart(column, datePart), raw: column, isMetricTime, grain: null, datePart, source };
  }
  const grain = explicitGrain ?? defaultGrain;
  if (GRANULARITY_RANK[grain] < GRANULARITY_RANK[definedGrain])
    throw new UserError(
      'INVALID_QUERY',
      `'${item.name}' cannot be grouped by ${grain}: its time dimension is recorded at ${definedGrain} granularity; use ${definedGrain} or coarser`,
      { item: item.name, grain, definedGrain },
    );
  return { outputName, kind: 'time', expr: truncate(column, grain), raw: column, isMetricTime, grain, datePart: null, source };
}

function unknownItem(scope: ModelScope, item: RequestedItem, ctx: BindContext): UserError {
  const reachable = scope.graph.reachableElements(scope.model).map((e) => qualifiedName(e.path, e.element));
  const names = ['metric_time', ...reachable];
  const reading = item.readings[item.readings.length - 1]!;
  const exists = scope.graph.modelsWithDimension(reading.element).length > 0 || scope.graph.hasEntity(reading.element);
  const why = exists
    ? `it exists, but not along the entity path [${reading.path.join(', ')}] from semantic model '${scope.model.name}'`
    : `there is no such dimension or entity reachable from semantic model '${scope.model.name}'`;
  return new UserError('UNKNOWN_DIMENSION', `unknown group-by item '${item.name}' for ${ctx.owner}: ${why}.${didYouMean(item.name, names)}`, {
    item: item.name,
    suggestions: names.filter((n) => didYouMean(item.name, [n]) !== ''),
  });
}
