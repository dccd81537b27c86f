import { DATE_PARTS, isDatePart, isGranularity, type DatePart, type Granularity } from './types';

/** A group-by or filter item name taken apart: 'listing__user__ds__month' -> path, element, grain. */
export interface ParsedItemName {
  readonly path: readonly string[];
  readonly element: string;
  readonly grain: Granularity | null;
  readonly datePart: DatePart | null;
}

/**
 * Splits a dbt-style item name. A trailing granularity or `extract_<part>` is taken as such;
 * the planner tries the other reading too when the name also fits a dimension literally.
 *
 *   'metric_time__month'         -> { path: [], element: 'metric_time', grain: 'month' }
 *   'booking__ds__extract_year'  -> { path: ['booking'], element: 'ds', datePart: 'year' }
 *   'listing__user__company'     -> { path: ['listing', 'user'], element: 'company' }
 */
export function parseItemName(name: string, entityPath: readonly string[] = []): ParsedItemName[] {
  const parts = name.split('__');
  if (parts.some((p) => p.length === 0)) return [];
  const readings: ParsedItemName[] = [];
  const last = parts[parts.length - 1]!;
  if (parts.length >= 2) {
    const rest = parts.slice(0, -1);
    const element = rest[rest.length - 1]!;
    const path = [...entityPath, ...rest.slice(0, -1)];
    if (isGranularity(last)) readings.push({ path, element, grain: last, datePart: null });
    const extract = /^extract_(\w+)$/.exec(last);
    if (extract && isDatePart(extract[1]!)) readings.push({ path, element, grain: null, datePart: extract[1] as DatePart });
  }
  readings.push({ path: [...entityPath, ...parts.slice(0, -1)], element: last, grain: null, datePart: null });
  return readings;
}

export function qualifiedName(path: readonly string[], element: string): string {
  return [...path, element].join('__');
}

export { DATE_PARTS };
