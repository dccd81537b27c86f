import { GRANULARITY_RANK, type Granularity } from '../definitions';
import { collectReferences, type Expr } from '../definitions/filter/ast';
import { UserError } from '../errors';
import { sql } from '../sql/build';
import type { SqlExpr } from '../sql/nodes';
import { toSqlExpression } from './expressions';
import { extractPart, shifted, truncate, type BindContext } from './items';
import type { TimeGrain } from './plan';
import type { NormalizedRequest } from './request';
import type { ModelScope } from './scope';

/** Time arithmetic and time predicates the planner needs: ranges, shifts, grains. */

/** True when a filter reads metric_time and nothing else. */
export function onlyMetricTime(expr: Expr): boolean {
  const refs = collectReferences(expr);
  return refs.length > 0 && refs.every((r) => r.type !== 'metric' && r.type !== 'entity' && [...r.entityPath, r.name].join('__').split('__')[0] === 'metric_time');
}

/** A metric_time-only filter over a given time column (the output period of a cumulative or offset node). */
export function bindTimeFilter(expr: Expr, time: SqlExpr): SqlExpr {
  return toSqlExpression(expr, {
    ref: ({ ref }) => {
      if (ref.type === 'metric' || ref.type === 'entity') throw new Error('not a time reference');
      const parts = ref.name.split('__');
      const last = parts[parts.length - 1]!;
      const grain = ref.grain ?? (parts.length > 1 && last in GRANULARITY_RANK ? last : null);
      if (ref.datePart) return extractPart(time, ref.datePart as never);
      return grain ? truncate(time, grain as Granularity) : time;
    },
    identifier: (name) => {
      throw new UserError('INVALID_FILTER', `unexpected name '${name}' in a filter`, { name });
    },
    literals: 'parameters',
    division: 'plain',
    windows: false,
  });
}

export interface TimeBounds {
  readonly start: string | null;
  readonly end: string | null;
  readonly endInclusive: boolean;
}

export function timeBounds(range: NormalizedRequest['timeRange']): TimeBounds | null {
  if (!range) return null;
  return { start: range.start, end: range.end, endInclusive: range.endInclusive };
}

/**
 * time >= $start AND time < $end on the raw column, so an index on it can be used; a time
 * shifted by offsets (ds + INTERVAL '1 month') moves the shift to the bound instead.
 */
export function rangePredicates(column: SqlExpr, bounds: TimeBounds): SqlExpr[] {
  const shifts: SqlExpr[] = [];
  let raw = column;
  while (raw.kind === 'binary' && raw.op === '+' && raw.right.kind === 'interval') {
    shifts.push(raw.right);
    raw = raw.left;
  }
  const type = (value: string) => (value.includes('T') ? 'timestamp' : 'date');
  const bound = (value: string) => shifts.reduce<SqlExpr>((b, s) => sql.bin('-', b, s), sql.param(value, type(value)));
  const out: SqlExpr[] = [];
  // Month arithmetic is not invertible (Jan 31 + 1 month = Feb 29 - 1 month = Jan 29): there the
  // exact condition stays, behind an indexable bound widened by the at most 3 days a month end clamps.
  const monthly = shifts.filter((s) => s.kind === 'interval' && ['month', 'quarter', 'year'].includes(s.unit)).length;
  const slack = (b: SqlExpr, sign: '-' | '+') => (monthly ? sql.bin(sign, b, sql.interval(3 * monthly, 'day')) : b);
  if (bounds.start) out.push(sql.bin('>=', raw, slack(bound(bounds.start), '-')));
  if (bounds.end) out.push(sql.bin(bounds.endInclusive ? '<=' : '<', raw, slack(bound(bounds.end), '+')));
  if (monthly) {
    if (bounds.start) out.push(sql.bin('>=', column, sql.param(bounds.start, type(bounds.start))));
    if (bounds.end) out.push(sql.bin(bounds.endInclusive ? '<=' : '<', column, sql.param(bounds.end, type(bounds.end))));
  }
  return out;
}

export const COARSE_UNITS = new Set<TimeGrain>(['day', 'week', 'month', 'quarter', 'year']);

/** A date moved by whole units, as PostgreSQL's date +/- interval does (month ends clamp). */
export function shiftDate(date: string, count: number, unit: TimeGrain): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (unit === 'day' || unit === 'week') {
    const t = new Date(Date.UTC(y, m - 1, d + count * (unit === 'week' ? 7 : 1)));
    return t.toISOString().slice(0, 10);
  }
  const months = count * (unit === 'year' ? 12 : unit === 'quarter' ? 3 : 1);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))).toISOString().slice(0, 10);
}

/** The first day of the period a date falls in: ('2020-02-17', 'month') -> '2020-02-01'. */
export function truncateDate(date: string, grain: Granularity): string {
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (grain) {
    case 'year':
      return `${y}-01-01`;
    case 'quarter':
      return new Date(Date.UTC(y, m - (m % 3), 1)).toISOString().slice(0, 10);
    case 'month':
      return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    case 'week': {
      const day = (d.getUTCDay() + 6) % 7;
      return new Date(Date.UTC(y, m, d.getUTCDate() - day)).toISOString().slice(0, 10);
    }
    default:
      return date;
  }
}

/** A time dimension (shifted by offsets) truncated to its declared granularity when that is a day or coarser. */
export function atGranularity(scope: ModelScope, bind: BindContext, dimension: string): SqlExpr {
  const def = scope.timeDimension(dimension);
  const column = shifted(scope.baseColumn(dimension, def.expr), bind.timeShift);
  const grain = def.granularity ?? 'day';
  return GRANULARITY_RANK[grain] >= GRANULARITY_RANK.day ? truncate(column, grain) : column;
}

export function truncateShifted(scope: ModelScope, bind: BindContext, dimension: string, grain: Granularity): SqlExpr {
  const column = shifted(scope.baseColumn(dimension, scope.timeDimension(dimension).expr), bind.timeShift);
  return sql.cast(sql.dateTrunc(grain === 'day' ? 'day' : (grain as never), column), 'date');
}

export function isStandard(grain: string): grain is Granularity {
  return grain in GRANULARITY_RANK;
}

