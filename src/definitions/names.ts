import type { IssueList } from './issues';
import { GRANULARITIES, type Granularity, type SourceLocation, type TimeWindow } from './types';

/** Names the query language gives meaning to; no element may take them. */
export const RESERVED_NAMES = new Set(['metric_time', 'mf_internal_uuid']);

const NAME_PATTERN = /^[a-z][a-z0-9_]*[a-z0-9]$/;

/**
 * dbt's naming rule: lower case letters, digits and underscores, starting with a letter,
 * not ending with an underscore, no double underscore (it separates entity paths).
 */
/** SQL keywords MetricFlow refuses as entity, dimension and measure names. */
const SQL_KEYWORDS = new Set(
  'and as create distinct for from full having in inner into is join left like natural not null on or right select union using where with'.split(' '),
);

const ELEMENT_KINDS = new Set(['entity', 'dimension', 'measure']);

export function checkName(name: string, what: string, loc: SourceLocation | undefined, issues: IssueList): boolean {
  if (!NAME_PATTERN.test(name) || name.includes('__')) {
    issues.add(
      'INVALID_NAME',
      loc,
      `invalid ${what} name '${name}': expected lower case letters, digits and single underscores, starting with a letter and not ending with '_' (at least 2 characters)`,
    );
    return false;
  }
  if (RESERVED_NAMES.has(name) || (GRANULARITIES as readonly string[]).includes(name)) {
    issues.add('RESERVED_NAME', loc, `'${name}' is a reserved name and cannot be used for a ${what}`);
    return false;
  }
  if (ELEMENT_KINDS.has(what) && SQL_KEYWORDS.has(name)) {
    issues.add('RESERVED_NAME', loc, `'${name}' is an SQL keyword and cannot be used for a ${what}`);
    return false;
  }
  return true;
}

const GRAIN_ALIASES: Record<string, Granularity> = Object.fromEntries(
  GRANULARITIES.flatMap((g) => [
    [g, g],
    [`${g}s`, g],
  ]),
) as Record<string, Granularity>;

/** 'month', 'months', 'MONTH' -> 'month'. */
export function parseGranularity(text: string): Granularity | null {
  return GRAIN_ALIASES[text.trim().toLowerCase()] ?? null;
}

/**
 * '7 days', '1 month', '2 weeks' -> { count, granularity }. Other words are kept as
 * custom granularity names ('1 fiscal_quarter'); validation checks them against the time spines.
 */
export function parseWindow(text: string): TimeWindow | null {
  const match = /^\s*(\d+)\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(text);
  if (!match) return null;
  const count = Number(match[1]);
  if (count < 1) return null;
  return { count, granularity: parseGranularity(match[2]!) ?? match[2]!.toLowerCase() };
}
