import { isDatePart, isGranularity, type DatePart, type Granularity } from '../definitions';
import { UserError } from '../errors';

/** A metric request as the API takes it (CONTRACT section 3). */
export interface MetricRequest {
  readonly metrics: readonly string[];
  readonly groupBy?: readonly string[] | null;
  readonly groupByItems?: ReadonlyArray<{ readonly name: string; readonly grain?: string | null; readonly datePart?: string | null }> | null;
  readonly where?: readonly string[] | null;
  readonly timeConstraint?: { readonly start?: string | null; readonly end?: string | null } | null;
  readonly orderBy?: readonly string[] | null;
  readonly limit?: number | null;
}

export interface NormalizedRequest {
  readonly metrics: readonly string[];
  readonly groupBy: ReadonlyArray<{ readonly name: string; readonly grain: Granularity | null; readonly datePart: DatePart | null }>;
  readonly where: readonly string[];
  /** Inclusive start; end is exclusive (the day after an inclusive end date) unless `endInclusive` (a timestamp). */
  readonly timeRange: { readonly start: string | null; readonly end: string | null; readonly endInclusive: boolean } | null;
  readonly orderBy: ReadonlyArray<{ readonly name: string; readonly descending: boolean }>;
  readonly limit: number | null;
}

export const MAX_LIMIT = 1_000_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$/;

/** Checks and normalizes a request; every problem is a BAD_USER_INPUT / INVALID_QUERY error. */
export function normalizeRequest(request: MetricRequest): NormalizedRequest {
  const metrics = [...(request.metrics ?? [])];
  const duplicates = metrics.filter((m, i) => metrics.indexOf(m) !== i);
  if (duplicates.length) throw new UserError('INVALID_QUERY', `metric '${duplicates[0]}' is asked for twice`, { metric: duplicates[0] });
  const groupBy = [
    ...(request.groupBy ?? []).map((name) => ({ name, grain: null, datePart: null })),
    ...(request.groupByItems ?? []).map((item) => {
      const grain = item.grain ? item.grain.toLowerCase() : null;
      const datePart = item.datePart ? item.datePart.toLowerCase() : null;
      if (grain !== null && !isGranularity(grain))
        throw new UserError('INVALID_QUERY', `'${item.grain}' is not a time grain`, { item: item.name });
      if (datePart !== null && !isDatePart(datePart))
        throw new UserError('INVALID_QUERY', `'${item.datePart}' is not a date part`, { item: item.name });
      return { name: item.name, grain: grain as Granularity | null, datePart: datePart as DatePart | null };
    }),
  ];
  const seen = new Set<string>();
  for (const item of groupBy) {
    const key = `${item.name}|${item.grain ?? ''}|${item.datePart ?? ''}`;
    if (seen.has(key)) throw new UserError('INVALID_QUERY', `group-by item '${item.name}' is asked for twice`, { item: item.name });
    seen.add(key);
    if (typeof item.name !== 'string' || !/^[A-Za-z0-9_]+$/.test(item.name))
      throw new UserError('UNKNOWN_DIMENSION', `'${String(item.name)}' is not a valid group-by item name`, { item: item.name });
  }
  if (metrics.length === 0 && groupBy.length === 0)
    throw new UserError('INVALID_QUERY', 'ask for at least one metric or one group-by item', {});
  const limit = request.limit ?? null;
  if (limit !== null && (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT))
    throw new UserError('INVALID_QUERY', `limit must be an integer between 0 and ${MAX_LIMIT}`, { limit });
  return {
    metrics,
    groupBy,
    where: [...(request.where ?? [])],
    timeRange: normalizeTimeRange(request.timeConstraint ?? null),
    orderBy: (request.orderBy ?? []).map((text) => {
      const descending = text.startsWith('-');
      return { name: descending ? text.slice(1) : text, descending };
    }),
    limit,
  };
}

function normalizeTimeRange(range: MetricRequest['timeConstraint']): NormalizedRequest['timeRange'] {
  if (!range || (!range.start && !range.end)) return null;
  const check = (value: string | null | undefined, which: string): string | null => {
    if (!value) return null;
    if (!(DATE.test(value) || TIMESTAMP.test(value)) || Number.isNaN(Date.parse(value.replace(' ', 'T') + (DATE.test(value) ? 'T00:00:00Z' : 'Z'))))
      throw new UserError('INVALID_QUERY', `timeConstraint.${which} must be a date (YYYY-MM-DD) or a timestamp (YYYY-MM-DDTHH:MM:SS), got '${value}'`, {
        [which]: value,
      });
    return value.replace(' ', 'T');
  };
  const start = check(range.start, 'start');
  const end = check(range.end, 'end');
  if (start && end && start.slice(0, 10) > end.slice(0, 10))
    throw new UserError('INVALID_QUERY', `timeConstraint.start (${start}) is after its end (${end})`, { start, end });
  if (end && DATE.test(end)) return { start, end: nextDay(end), endInclusive: false };
  return { start, end, endInclusive: end !== null };
}

/** '2020-01-31' -> '2020-02-01' (calendar arithmetic in UTC). */
export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
