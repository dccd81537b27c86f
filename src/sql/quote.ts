/**
 * The one function that turns a name into a PostgreSQL identifier. Plain lower-case
 * names that are not keywords print bare (readable SQL); anything else is double-quoted
 * with embedded quotes doubled. NUL cannot be represented and is refused.
 */
export function quoteIdent(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('identifier must be a non-empty string');
  if (name.includes('\u0000')) throw new TypeError('identifier contains NUL');
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name) && name.length <= 63) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** PostgreSQL reserved and type-function-name keywords (SQL Key Words appendix). */
const RESERVED = new Set(
  `all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation
column concurrently constraint create cross current_catalog current_date current_role current_schema current_time
current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze
from full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit
localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references
returning right select session_user similar some symmetric system_user table tablesample then to trailing true union
unique user using variadic verbose when where window with between bigint bit boolean char character coalesce dec
decimal exists extract float greatest grouping inout int integer interval least national nchar none normalize nullif
numeric out overlay position precision real row setof smallint substring time timestamp treat trim values varchar
xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`.split(
    /\s+/,
  ),
);
