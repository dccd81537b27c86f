import { Client } from 'pg';
import { DefinitionsError, loadDefinitions, SemanticGraph } from '../../src/definitions';
import { UserError } from '../../src/errors';
import { ALL_PASSES, planQuery, type MetricRequest } from '../../src/planner';
import type { SqlExpr, SqlQuery, SqlSelect } from '../../src/sql/nodes';
import { quoteIdent } from '../../src/sql/quote';
import { renderExpression, renderQuery } from '../../src/sql/render';
import { expectSameRows } from '../support/compare';
import { loadMarketplace, type Marketplace } from '../support/marketplace';

/**
 * SQL injection, in the spirit of Kysely's sql-injection tests: hostile strings go through
 * the whole path (request -> plan -> SQL -> a real PostgreSQL) and nothing escapes.
 * Values must travel as bound parameters, filter syntax outside the allow-list must be
 * refused before any SQL exists, names must be looked up (never pasted), and every
 * identifier the renderer prints must survive PostgreSQL's parser as exactly that name.
 */

let m: Marketplace;
/** A plain connection (not READ ONLY like the warehouse) for DDL and for running plans without that safety net. */
let raw: Client;

beforeAll(async () => {
  m = await loadMarketplace();
  raw = new Client({ connectionString: m.db.url });
  await raw.connect();
});

afterAll(async () => {
  await raw?.end();
  await m?.close();
});

const SOURCE = `{{ Dimension('booking__booking_source') }}`;
/** A filter text literal: SQL single quotes, '' for a quote. */
const lit = (value: string) => `'${value.replace(/'/g, "''")}'`;

async function bookingsRowCount(): Promise<number> {
  const result = await raw.query<{ n: string }>('SELECT count(*) AS n FROM marketplace.bookings');
  return Number(result.rows[0]!.n);
}

async function expectBookingsIntact(): Promise<void> {
  const tables = await raw.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'marketplace' AND c.relkind = 'r' ORDER BY 1`,
  );
  expect(tables.rows.map((r) => r.relname)).toEqual([
    'account_balances',
    'bookings',
    'buys',
    'companies',
    'listing_history',
    'listings',
    'time_spine_days',
    'users',
    'visits',
  ]);
  expect(await bookingsRowCount()).toBe(400);
}

/** Runs a plan on the plain connection: only parameters keep the value in its place. */
async function runRaw(request: MetricRequest, passes = ALL_PASSES): Promise<Array<Record<string, unknown>>> {
  const planned = planQuery(m.graph, request, { passes });
  const result = await raw.query({ text: planned.sql.text, values: [...planned.sql.values] });
  return result.rows as Array<Record<string, unknown>>;
}

/** The UserError `fn` throws (synchronously or not), or a failure when it throws anything else. */
async function userErrorOf(fn: () => unknown): Promise<UserError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw new Error(`expected a UserError, got ${String(error)}`);
  }
  throw new Error('expected a UserError, nothing was thrown');
}

// -------------------------------------------------------------------------------------------
// (a) hostile values in filter literals
// -------------------------------------------------------------------------------------------

const HOSTILE_VALUES: ReadonlyArray<[label: string, value: string]> = [
  ['a lone single quote', "'"],
  ['two single quotes', "''"],
  ['quote, semicolon, DROP TABLE, comment', "'; DROP TABLE marketplace.bookings; --"],
  ['a valid value followed by DROP TABLE', "web'; DROP TABLE marketplace.bookings; --"],
  ['tautology', "web' OR '1'='1"],
  ['tautology with a comment', "x' OR 1=1 --"],
  ['parenthesized tautology', "') OR ('1'='1"],
  ['backslash quote', "\\'"],
  ['backslash quote then DROP', "\\'; DROP TABLE marketplace.bookings; --"],
  ['a lone backslash', '\\'],
  ['double backslash', '\\\\'],
  ['trailing backslash', 'web\\'],
  ['E-string escape', "E'\\x27; DROP TABLE marketplace.bookings; --"],
  ['a positional parameter', '$1'],
  ['several parameters', '$1$2 $3'],
  ['dollar quoting', '$$'],
  ['tagged dollar quoting', '$tag$; DROP TABLE marketplace.bookings; $tag$'],
  ['double quotes', '" OR ""="'],
  ['a block comment', '/* */ OR 1=1'],
  ['a line comment', '-- '],
  ['a semicolon', ';'],
  ['a template', "{{ Dimension('booking__booking_source') }}"],
  ['a jinja statement', '{% raw %}{% endraw %}'],
  ['newlines and tabs', "\n\t; DROP TABLE marketplace.bookings;\r\n"],
  ['unicode letters and emoji', 'ünïcødé ✓ 🚀 中文'],
  ['right-to-left override', '\u202Ebew'],
  ['zero-width space', 'web\u200B'],
  ['fullwidth letters', 'ｗｅｂ'],
  ['combining accent', 'we\u0301b'],
  ['unicode quotes (U+2019, U+02BC)', 'web\u2019; DROP TABLE marketplace.bookings; \u02BC'],
  ['a very long string', 'x'.repeat(100_000)],
  ['a very long run of quotes', "'".repeat(10_000)],
  ['a very long run of backslashes and quotes', "\\'".repeat(5_000)],
];

describe('(a) hostile values in filter literals are bound parameters', () => {
  it.each(HOSTILE_VALUES)('%s: same SQL text as a benign value, the value only in values, no rows', async (_label, value) => {
    const benign = planQuery(m.graph, { metrics: ['bookings', 'booking_value'], groupBy: ['metric_time__month'], where: [`${SOURCE} = 'zzz_benign'`] });
    const request: MetricRequest = { metrics: ['bookings', 'booking_value'], groupBy: ['metric_time__month'], where: [`${SOURCE} = ${lit(value)}`] };
    const planned = planQuery(m.graph, request);
    expect(planned.sql.text).toBe(benign.sql.text);
    expect(planned.sql.values).toEqual(benign.sql.values.map((v) => (v === 'zzz_benign' ? value : v)));
    expect(planned.sql.values).toContain(value);
    if (value.length >= 3) expect(planned.sql.text).not.toContain(value);
    expect(planned.sql.text).not.toMatch(/DROP/i);

    // No booking has such a source: no month has a row (hand-computed).
    expect(await m.query(request)).toEqual([]);
    expect(await m.query(request, { passes: [] })).toEqual([]);
    expect(await runRaw(request)).toEqual([]);
    // Ungrouped: SUM over no rows is NULL.
    expect(await m.query({ metrics: ['bookings', 'booking_value'], where: [`${SOURCE} = ${lit(value)}`] })).toEqual([
      { bookings: null, booking_value: null },
    ]);
    await expectBookingsIntact();
  });

  it.each(HOSTILE_VALUES)('%s: <> keeps every non-NULL source (381 bookings)', async (_label, value) => {
    const request: MetricRequest = { metrics: ['bookings'], where: [`${SOURCE} <> ${lit(value)}`] };
    // 400 bookings, 19 with a NULL source: every non-NULL source differs from the hostile value.
    expect(await m.query(request)).toEqual([{ bookings: 381 }]);
    expectSameRows(await runRaw(request), [{ bookings: 381 }]);
    await expectBookingsIntact();
  });

  it('hostile values inside IN lists, function arguments, CASE and COALESCE stay parameters', async () => {
    const drop = "'; DROP TABLE marketplace.bookings; --";
    const request: MetricRequest = {
      metrics: ['bookings'],
      groupBy: ['booking__booking_source'],
      where: [
        `${SOURCE} IN ('web', ${lit(drop)}, ${lit('$1')}, ${lit('\\')}, 'ios')`,
        `coalesce(${SOURCE}, ${lit(drop)}) <> ${lit(drop)}`,
        `replace(lower(${SOURCE}), ${lit("'")}, ${lit('$$')}) = lower(${SOURCE})`,
        `CASE WHEN ${SOURCE} = ${lit(drop)} THEN ${lit(drop)} ELSE 'ok' END = 'ok'`,
        `${SOURCE} || ${lit("'; --")} LIKE ${lit("%'; --")}`,
      ],
    };
    const planned = planQuery(m.graph, request);
    expect(planned.sql.text).not.toMatch(/DROP|--|\$\$|'\\'/);
    expect(planned.sql.values.filter((v) => v === drop)).toHaveLength(5);
    const expected = await m.sql(
      `SELECT booking_source AS booking__booking_source, count(*) AS bookings FROM marketplace.bookings
        WHERE booking_source IN ('web', 'ios') GROUP BY 1`,
    );
    expect(expected.length).toBe(2);
    expectSameRows(await m.query(request), expected);
    expectSameRows(await m.query(request, { passes: [] }), expected);
    expectSameRows(await runRaw(request), expected);
    await expectBookingsIntact();
  });

  it('a hostile string literal as an argument of concat() is a parameter and the query runs', async () => {
    // concat() takes "any": PostgreSQL cannot infer the type of an uncast $n there (SQLSTATE 42P18),
    // so a string literal in concat() must be bound with a ::text cast.
    const request: MetricRequest = {
      metrics: ['bookings'],
      groupBy: ['booking__booking_source'],
      where: [`concat(${SOURCE}, ${lit("'; DROP TABLE marketplace.bookings; --")}) = ${lit("web'; DROP TABLE marketplace.bookings; --")}`],
    };
    const planned = planQuery(m.graph, request);
    expect(planned.sql.text).not.toMatch(/DROP/);
    const expected = await m.sql(
      `SELECT booking_source AS booking__booking_source, count(*) AS bookings FROM marketplace.bookings WHERE booking_source = 'web' GROUP BY 1`,
    );
    expectSameRows(await m.query(request), expected);
    expectSameRows(await m.query(request, { passes: [] }), expected);
    await expectBookingsIntact();
  });

  it('hostile values in a joined-dimension filter are pushed down as parameters', async () => {
    const value = "us' OR '1'='1";
    const request: MetricRequest = { metrics: ['bookings'], groupBy: ['listing__country'], where: [`{{ Dimension('listing__country') }} = ${lit(value)}`] };
    const planned = planQuery(m.graph, request);
    expect(planned.sql.values).toEqual([value]);
    expect(planned.sql.text).not.toContain("'1'='1");
    expect(await runRaw(request)).toEqual([]);
    expect(await m.query(request, { passes: [] })).toEqual([]);
    await expectBookingsIntact();
  });

  describe('% and _ in LIKE patterns are pattern characters of the bound value, nothing more', () => {
    const cases: ReadonlyArray<[label: string, operator: string, pattern: string]> = [
      ['_ matches one character', 'LIKE', 'w_b'],
      ['% matches any suffix', 'LIKE', 'partner%'],
      ['% alone matches every non-NULL value', 'LIKE', '%'],
      ['escaped \\% matches a literal % only', 'LIKE', '\\%'],
      ['escaped \\_ matches a literal _', 'LIKE', 'partner\\_api'],
      ['ILIKE with a wildcard', 'ILIKE', 'IO%'],
      ['a quote and DROP inside wildcards', 'LIKE', "%'; DROP TABLE marketplace.bookings; --%"],
      ['a tautology inside wildcards', 'LIKE', "%' OR '1'='1"],
      ['a backslash at the end of the pattern', 'LIKE', 'web\\'],
      ['NOT LIKE with hostile pattern', 'NOT LIKE', "%'; --%"],
    ];
    it.each(cases)('%s', async (_label, operator, pattern) => {
      const request: MetricRequest = {
        metrics: ['bookings', 'booking_value'],
        groupBy: ['booking__booking_source'],
        where: [`${SOURCE} ${operator} ${lit(pattern)}`],
      };
      const planned = planQuery(m.graph, request);
      expect(planned.sql.values).toEqual([pattern]);
      // The expectation binds the same pattern to a hand-written statement.
      const expected = await m.sql(
        `SELECT booking_source AS booking__booking_source, count(*) AS bookings, sum(booking_value) AS booking_value
           FROM marketplace.bookings WHERE booking_source ${operator} $1 GROUP BY 1`,
        [pattern],
      );
      expectSameRows(await m.query(request), expected);
      expectSameRows(await m.query(request, { passes: [] }), expected);
      await expectBookingsIntact();
    });

    it('the patterns select what a careful reader expects (hand-counted)', async () => {
      const count = async (pattern: string) =>
        (await m.query({ metrics: ['bookings'], where: [`${SOURCE} LIKE ${lit(pattern)}`] }))[0]!['bookings'];
      expect(await count('%')).toBe(381);
      expect(await count('\\%')).toBeNull();
      expect(await count('partner\\_api')).toBe(38);
      expect(await count('partner%')).toBe(38);
      expect(await count("%'; DROP TABLE marketplace.bookings; --%")).toBeNull();
      const web = (await m.sql(`SELECT count(*) AS n FROM marketplace.bookings WHERE booking_source = 'web'`))[0]!['n'];
      expect(await count('w_b')).toBe(web);
    });
  });

  it('a NUL character in a value is refused, never truncated into another value', async () => {
    const request: MetricRequest = { metrics: ['bookings'], where: [`${SOURCE} = ${lit('web\u0000; DROP TABLE marketplace.bookings')}`] };
    const error = await userErrorOf(() => m.query(request));
    // PostgreSQL cannot store NUL in text; refusing before SQL (INVALID_FILTER) would be ideal, the warehouse's refusal is safe.
    expect(['INVALID_FILTER', 'WAREHOUSE_ERROR']).toContain(error.code);
    await expectBookingsIntact();
  });

  it('typed literals carrying SQL are refused as malformed literals, or cast by PostgreSQL as values, never spliced', async () => {
    const cases: Array<[string, string]> = [
      [`{{ TimeDimension('metric_time', 'day') }} >= DATE '2020-01-01''; DROP TABLE marketplace.bookings; --'`, 'INVALID_FILTER'],
      [`{{ TimeDimension('metric_time', 'day') }} >= TIMESTAMP '2020-01-01'' OR ''1''=''1'`, 'INVALID_FILTER'],
      [`{{ TimeDimension('metric_time', 'day') }} >= DATE '2020-01-01' - INTERVAL '1 day''; DROP TABLE marketplace.bookings; --'`, 'INVALID_FILTER'],
      [`{{ TimeDimension('metric_time', 'day') }} >= CAST('2020-01-01''); DROP TABLE marketplace.bookings; --' AS date)`, 'WAREHOUSE_ERROR'],
    ];
    for (const [where, code] of cases) {
      const error = await userErrorOf(() => m.query({ metrics: ['bookings'], where: [where] }));
      expect(error.code).toBe(code);
      if (code === 'WAREHOUSE_ERROR') {
        const planned = planQuery(m.graph, { metrics: ['bookings'], where: [where] });
        expect(planned.sql.text).not.toMatch(/DROP|'1'='1/);
        await expect(runRaw({ metrics: ['bookings'], where: [where] })).rejects.toThrow(/invalid input syntax/);
      }
    }
    await expectBookingsIntact();
  });
});

// -------------------------------------------------------------------------------------------
// (b) filter syntax attacks are refused before SQL
// -------------------------------------------------------------------------------------------

const D = SOURCE;
/** [label, filter, the text the error must point at (its first occurrence)] */
const SYNTAX_ATTACKS: ReadonlyArray<[label: string, filter: string, at: string]> = [
  ['statement separator', `${D} = 'web'; DROP TABLE marketplace.bookings`, ';'],
  ['statement separator then comment', `${D} = 'web'; --`, ';'],
  ['line comment', `${D} = 'web' -- AND 1 = 0`, '--'],
  ['line comment closing a tautology', `${D} = 'x' OR 1=1) --`, '--'],
  ['block comment', `${D} = 'web' /* hidden */`, '/*'],
  ['block comment inside a name', `${D} = 'web' OR/**/1=1`, '/*'],
  ['pg_sleep alone', `pg_sleep(10) IS NULL`, 'pg_sleep'],
  ['pg_sleep after OR', `${D} = 'web' OR pg_sleep(10) IS NOT NULL`, 'pg_sleep'],
  ['pg_sleep on a second line', `${D} = 'web'\n  AND pg_sleep(10) IS NULL`, 'pg_sleep'],
  ['a scalar subquery', `(SELECT count(*) FROM marketplace.bookings) > 0`, 'SELECT'],
  ['IN (SELECT ...)', `${D} IN (SELECT booking_source FROM marketplace.bookings)`, 'SELECT'],
  ['EXISTS (SELECT ...)', `${D} = 'web' OR EXISTS (SELECT 1)`, 'EXISTS'],
  ['UNION SELECT', `${D} = 'web' UNION SELECT 1`, 'UNION'],
  ['UNION ALL SELECT after a parenthesis', `(${D} = 'web') UNION ALL SELECT usename FROM pg_user`, 'UNION'],
  ['breaking out of parentheses', `${D} = 'web') OR (1=1`, ') OR ('],
  ['quoted identifier', `"booking_source" = 'web'`, '"booking_source"'],
  ['quoted identifier as a value', `${D} = "web"`, '"web"'],
  ['quoted schema-qualified identifier', `${D} = "marketplace"."bookings"`, '"marketplace"'],
  ['bare column name', `booking_source = 'web'`, 'booking_source'],
  ['schema-qualified column', `${D} = marketplace.bookings.booking_source`, 'marketplace'],
  ['current_user', `${D} = current_user`, 'current_user'],
  ['cast to regclass with ::', `${D}::regclass IS NOT NULL`, 'regclass'],
  ['CAST to regclass', `CAST('marketplace.bookings' AS regclass) IS NOT NULL`, 'regclass'],
  ['cast to regproc', `${D} = 'pg_sleep'::regproc`, 'regproc'],
  ['jinja statement', `{% if true %}${D} = 'web'{% endif %}`, '{%'],
  ['jinja statement in the middle', `${D} = 'web' {% set x = 1 %}`, '{%'],
  ['jinja comment', `{# hidden #}${D} = 'web'`, '{#'],
  ['dbt config()', `{{ config(materialized='table') }}`, 'config'],
  ['dbt run_query()', `{{ run_query('DROP TABLE marketplace.bookings') }} IS NULL`, 'run_query'],
  ['jinja attribute walk', `{{ Dimension('booking__booking_source').__class__ }} = 'web'`, '}}'],
  ['jinja filter', `{{ Dimension('booking__booking_source') | safe }} = 'web'`, '|'],
  ['dollar-quoted string', `${D} = $$web$$`, '$'],
  ['positional parameter', `${D} = $1`, '$'],
  ['E-string', `${D} = E'web'`, "E'"],
  ['backquotes', `${D} = \`web\``, '`'],
  ['backslash outside a string', `${D} = 'web' \\; SELECT 1`, '\\'],
  ['unterminated string', `${D} = 'web`, "'web"],
  ['version()', `${D} = version()`, 'version'],
  ['lo_import()', `${D} = lo_import('/etc/passwd')`, 'lo_import'],
  ['set_config()', `${D} = set_config('search_path', 'public', false)`, 'set_config'],
  ['chr()', `${D} = chr(39)`, 'chr'],
  ['window function in a filter', `sum({{ Dimension('booking__booking_source') }}) OVER () > 0`, 'sum'],
];

describe('(b) filter syntax outside the allow-list is refused before SQL', () => {
  it.each(SYNTAX_ATTACKS)('%s', async (_label, filter, at) => {
    const request: MetricRequest = { metrics: ['bookings'], where: [filter] };
    const error = await userErrorOf(() => planQuery(m.graph, request));
    expect(error.code).toBe('INVALID_FILTER');
    const offset = filter.indexOf(at);
    expect(offset).toBeGreaterThanOrEqual(0);
    const before = filter.slice(0, offset).split('\n');
    expect(error.details).toMatchObject({ filter, line: before.length, column: before[before.length - 1]!.length + 1 });
    expect(error.message).toMatch(new RegExp(`line ${before.length}, column ${before[before.length - 1]!.length + 1}`));
    // Through the runner too (no statement reaches the database: pg_sleep(10) would take 10 s).
    const started = Date.now();
    expect((await userErrorOf(() => m.query(request))).code).toBe('INVALID_FILTER');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('the same attacks in a metric filter of the definitions are refused at load time', () => {
    for (const [, filter] of SYNTAX_ATTACKS.slice(0, 8)) {
      const yaml = `semantic_models:
  - name: orders
    node_relation: { schema_name: shop, alias: orders }
    defaults: { agg_time_dimension: ordered_at }
    entities:
      - { name: order, type: primary, expr: order_id }
    dimensions:
      - { name: ordered_at, type: time, type_params: { time_granularity: day } }
      - { name: booking_source, type: categorical }
    measures:
      - { name: revenue, agg: sum, expr: amount }
metrics:
  - name: revenue
    type: simple
    type_params: { measure: revenue }
    filter: ${JSON.stringify(filter.replace("booking__booking_source", "order__booking_source"))}
`;
      let issues: string[] = [];
      try {
        loadDefinitions([{ path: 'm.yml', content: yaml }]);
      } catch (error) {
        expect(error).toBeInstanceOf(DefinitionsError);
        issues = (error as DefinitionsError).issues.map((issue) => issue.code);
      }
      expect(issues).toEqual(['INVALID_FILTER']);
    }
  });

  afterAll(async () => {
    await expectBookingsIntact();
  });
});

// -------------------------------------------------------------------------------------------
// (c) names are looked up, never pasted
// -------------------------------------------------------------------------------------------

describe('(c) metric and group-by names with quotes or SQL are unknown names', () => {
  const cases: ReadonlyArray<[label: string, request: MetricRequest, code: string]> = [
    ['metric with a double quote and DROP', { metrics: ['bookings"; DROP TABLE x; --'] }, 'UNKNOWN_METRIC'],
    ['metric with a single-quote tautology', { metrics: ["bookings' OR '1'='1"] }, 'UNKNOWN_METRIC'],
    ['metric with a subquery', { metrics: ['(SELECT 1)'] }, 'UNKNOWN_METRIC'],
    ['second metric hostile', { metrics: ['bookings', 'booking_value) FROM marketplace.users; --'] }, 'UNKNOWN_METRIC'],
    ['group-by item with a double quote and DROP', { metrics: ['bookings'], groupBy: ['bookings"; DROP TABLE x; --'] }, 'UNKNOWN_DIMENSION'],
    ['group-by item with a single-quote tautology', { metrics: ['bookings'], groupBy: ["listing__country' OR '1'='1"] }, 'UNKNOWN_DIMENSION'],
    ['group-by item that is an expression', { metrics: ['bookings'], groupBy: ['upper(listing__country)'] }, 'UNKNOWN_DIMENSION'],
    ['group-by item with a star', { metrics: ['bookings'], groupBy: ['*'] }, 'UNKNOWN_DIMENSION'],
    ['dimension-only hostile item', { metrics: [], groupBy: ['listing__country; DROP TABLE x'] }, 'UNKNOWN_DIMENSION'],
    ['group-by item object with a hostile name', { metrics: ['bookings'], groupByItems: [{ name: 'metric_time"; --', grain: 'month' }] }, 'UNKNOWN_DIMENSION'],
    ['well-formed but unknown group-by item', { metrics: ['bookings'], groupBy: ['listing__country__drop_table'] }, 'UNKNOWN_DIMENSION'],
    ['hostile name inside Dimension()', { metrics: ['bookings'], where: [`{{ Dimension('listing__country"; DROP TABLE x; --') }} = 'us'`] }, 'UNKNOWN_DIMENSION'],
    ["tautology inside Dimension()", { metrics: ['bookings'], where: [`{{ Dimension('listing__country'' OR ''1''=''1') }} = 'us'`] }, 'UNKNOWN_DIMENSION'],
    ['hostile name inside Entity()', { metrics: ['bookings'], where: [`{{ Entity('listing) OR (1=1') }} = 1`] }, 'UNKNOWN_DIMENSION'],
    ['hostile metric inside Metric()', { metrics: ['bookings'], where: [`{{ Metric('bookings"; --', group_by=['listing']) }} > 1`] }, 'UNKNOWN_METRIC'],
    ['hostile group_by inside Metric()', { metrics: ['bookings'], where: [`{{ Metric('bookings', group_by=['listing"; --']) }} > 1`] }, 'UNKNOWN_DIMENSION'],
    ['hostile grain', { metrics: ['bookings'], groupByItems: [{ name: 'metric_time', grain: "month'); DROP TABLE x; --" }] }, 'INVALID_QUERY'],
    ['hostile date part', { metrics: ['bookings'], groupByItems: [{ name: 'metric_time', datePart: 'dow FROM ds)); DROP TABLE x; --' }] }, 'INVALID_QUERY'],
    ['hostile grain inside TimeDimension()', { metrics: ['bookings'], where: [`{{ TimeDimension('metric_time', 'month''); DROP TABLE x; --') }} = '2020-01-01'`] }, 'INVALID_FILTER'],
    ['hostile order by', { metrics: ['bookings'], groupBy: ['metric_time__month'], orderBy: ['metric_time__month; DROP TABLE x'] }, 'INVALID_QUERY'],
    ['hostile descending order by', { metrics: ['bookings'], groupBy: ['metric_time__month'], orderBy: ['-bookings" DESC; --'] }, 'INVALID_QUERY'],
    ['hostile time constraint start', { metrics: ['bookings'], timeConstraint: { start: "2020-01-01'; DROP TABLE x; --" } }, 'INVALID_QUERY'],
    ['hostile time constraint end', { metrics: ['bookings'], timeConstraint: { end: "2020-01-01' OR '1'='1" } }, 'INVALID_QUERY'],
    ['hostile limit', { metrics: ['bookings'], limit: '1; DROP TABLE x' as unknown as number }, 'INVALID_QUERY'],
    ['fractional limit', { metrics: ['bookings'], limit: 1.5 }, 'INVALID_QUERY'],
  ];

  it.each(cases)('%s', async (_label, request, code) => {
    const error = await userErrorOf(() => planQuery(m.graph, request));
    expect(error.code).toBe(code);
    expect((await userErrorOf(() => m.query(request))).code).toBe(code);
  });

  afterAll(async () => {
    await expectBookingsIntact();
  });
});

// -------------------------------------------------------------------------------------------
// (d) identifiers that need quoting
// -------------------------------------------------------------------------------------------

const WEIRD_DDL = `
  CREATE SCHEMA "we""ird";
  CREATE TABLE "we""ird"."Order Items" (
    "Item ID" integer PRIMARY KEY,
    "Order ID" integer NOT NULL,
    "Ordered At" date NOT NULL,
    "Note" text,
    "Qty" integer NOT NULL,
    "user" text,
    "group" text
  );
  CREATE TABLE "we""ird"."select" (
    "Order ID" integer PRIMARY KEY,
    "Status" text NOT NULL,
    "limit" integer
  );
  INSERT INTO "we""ird"."select" VALUES
    (1, 'shipped', 1),
    (2, 'it''s; DROP TABLE marketplace.bookings; --', 2),
    (3, 'Ünïcødé "quoted"', 3);
  INSERT INTO "we""ird"."Order Items" VALUES
    (1, 1, '2020-01-05', 'plain', 2, 'alice', 'a'),
    (2, 1, '2020-01-20', 'O''Brien', 3, 'bob', 'a'),
    (3, 2, '2020-02-03', '50% off_', 5, 'alice', 'b'),
    (4, 2, '2020-02-04', E'back\\\\slash', 7, NULL, 'b'),
    (5, 3, '2020-02-28', '$1 $$', 11, 'carol', NULL),
    (6, 4, '2020-03-01', NULL, 13, 'bob', 'c');
`;

/** Relations and columns that all need quoting; every column is named through a quoted expr. */
const QUOTED_YAML = `semantic_models:
  - name: order_items
    node_relation:
      schema_name: 'we"ird'
      alias: Order Items
    defaults:
      agg_time_dimension: ordered_at
    entities:
      - name: order_item
        type: primary
        expr: '"Item ID"'
      - name: order
        type: foreign
        expr: '"Order ID"'
    dimensions:
      - name: ordered_at
        type: time
        expr: '"Ordered At"'
        type_params:
          time_granularity: day
      - name: note
        type: categorical
        expr: '"Note"'
    measures:
      - name: quantity
        agg: sum
        expr: '"Qty"'
      - name: item_count
        agg: count
        expr: 1
  - name: orders
    node_relation:
      schema_name: 'we"ird'
      alias: select
    entities:
      - name: order
        type: primary
        expr: '"Order ID"'
    dimensions:
      - name: status
        type: categorical
        expr: '"Status"'
metrics:
  - name: quantity
    type: simple
    type_params:
      measure: quantity
  - name: item_count
    type: simple
    type_params:
      measure: item_count
`;

/**
 * Dimensions named like PostgreSQL keywords (`user`, `group`, `limit`), with no expr: the
 * column is the name. dbt's naming rule allows them (only a few SQL keywords are refused).
 */
const KEYWORD_YAML = QUOTED_YAML.replace(
  `        expr: '"Note"'\n`,
  `        expr: '"Note"'\n      - name: user\n        type: categorical\n      - name: group\n        type: categorical\n`,
).replace(`        expr: '"Status"'\n`, `        expr: '"Status"'\n      - name: limit\n        type: categorical\n`);

describe('(d) identifiers that need quoting', () => {
  let quoted: SemanticGraph;

  beforeAll(async () => {
    await raw.query(WEIRD_DDL);
    quoted = new SemanticGraph(loadDefinitions([{ path: 'weird.yml', content: QUOTED_YAML }]));
  });

  async function run(graph: SemanticGraph, request: MetricRequest, passes = ALL_PASSES): Promise<Array<Record<string, unknown>>> {
    const planned = planQuery(graph, request, { passes });
    return (await m.warehouse.run(planned.sql)).rows as Array<Record<string, unknown>>;
  }

  async function expectRows(graph: SemanticGraph, request: MetricRequest, expected: Array<Record<string, unknown>>): Promise<void> {
    expectSameRows(await run(graph, request), expected);
    expectSameRows(await run(graph, request, []), expected);
  }

  it('the data is what the hand-computed expectations assume', async () => {
    const rows = await m.sql(`SELECT "Note" AS note FROM "we""ird"."Order Items" ORDER BY "Item ID"`);
    expect(rows.map((r) => r['note'])).toEqual(['plain', "O'Brien", '50% off_', 'back\\slash', '$1 $$', null]);
  });

  it('a quoted schema and table (we"ird."Order Items", we"ird."select") with quoted columns', async () => {
    const planned = planQuery(quoted, { metrics: ['quantity'], groupBy: ['order__status'] });
    expect(planned.sql.text).toContain('FROM "we""ird"."Order Items" AS "Order Items"');
    expect(planned.sql.text).toContain('FROM "we""ird"."select" AS "select"');
    await expectRows(quoted, { metrics: ['quantity', 'item_count'], groupBy: ['metric_time__month'] }, [
      { metric_time__month: '2020-01-01', quantity: 5, item_count: 2 },
      { metric_time__month: '2020-02-01', quantity: 23, item_count: 3 },
      { metric_time__month: '2020-03-01', quantity: 13, item_count: 1 },
    ]);
  });

  it('joined dimension over two quoted tables; the orphan order is the NULL group', () =>
    expectRows(quoted, { metrics: ['quantity', 'item_count'], groupBy: ['order__status'] }, [
      { order__status: 'shipped', quantity: 5, item_count: 2 },
      { order__status: "it's; DROP TABLE marketplace.bookings; --", quantity: 12, item_count: 2 },
      { order__status: 'Ünïcødé "quoted"', quantity: 11, item_count: 1 },
      { order__status: null, quantity: 13, item_count: 1 },
    ]));

  it('an entity named order is an output column "order"', async () => {
    const planned = planQuery(quoted, { metrics: ['quantity'], groupBy: ['order'] });
    expect(planned.columns).toEqual(['order', 'quantity']);
    expect(planned.sql.text).toMatch(/AS "order"/);
    await expectRows(quoted, { metrics: ['quantity'], groupBy: ['order'] }, [
      { order: 1, quantity: 5 },
      { order: 2, quantity: 12 },
      { order: 3, quantity: 11 },
      { order: 4, quantity: 13 },
    ]);
  });

  it('a filter whose value is a hostile string genuinely present in the data matches exactly those rows', async () => {
    const request: MetricRequest = {
      metrics: ['quantity', 'item_count'],
      groupBy: ['order_item__note'],
      where: [`{{ Dimension('order__status') }} = ${lit("it's; DROP TABLE marketplace.bookings; --")}`],
    };
    expect(planQuery(quoted, request).sql.values).toEqual(["it's; DROP TABLE marketplace.bookings; --"]);
    await expectRows(quoted, request, [
      { order_item__note: '50% off_', quantity: 5, item_count: 1 },
      { order_item__note: 'back\\slash', quantity: 7, item_count: 1 },
    ]);
    await expectBookingsIntact();
  });

  it.each<[string, string, number | null]>([
    ['= a value with a quote', `= ${lit("O'Brien")}`, 3],
    ['= a value with a backslash', `= ${lit('back\\slash')}`, 7],
    ['= a value with $1 and $$', `= ${lit('$1 $$')}`, 11],
    ['LIKE with an escaped %', `LIKE ${lit('%\\%%')}`, 5],
    ['LIKE with an escaped trailing _', `LIKE ${lit('%\\_')}`, 5],
    ['LIKE with an unescaped _ (any one character)', `LIKE ${lit('O_Brien')}`, 3],
    ['ILIKE with a quote', `ILIKE ${lit("o'b%")}`, 3],
    ['LIKE with a backslash pair (a literal backslash)', `LIKE ${lit('%\\\\%')}`, 7],
    ['= unicode with double quotes (joined)', `IS NULL OR {{ Dimension('order__status') }} = ${lit('Ünïcødé "quoted"')}`, 24],
  ])('note %s', async (_label, predicate, quantity) => {
    await expectRows(quoted, { metrics: ['quantity'], where: [`{{ Dimension('order_item__note') }} ${predicate}`] }, [{ quantity }]);
  });

  it('a dimension-only query over a quoted table', () =>
    expectRows(quoted, { metrics: [], groupBy: ['order__status'] }, [
      { order__status: 'shipped' },
      { order__status: "it's; DROP TABLE marketplace.bookings; --" },
      { order__status: 'Ünïcødé "quoted"' },
    ]));

  describe('dimensions named like keywords (user, group, limit) with no expr', () => {
    let keywords: SemanticGraph;
    beforeAll(() => {
      keywords = new SemanticGraph(loadDefinitions([{ path: 'weird.yml', content: KEYWORD_YAML }]));
    });

    it('the definitions load (dbt naming allows these names)', () => {
      expect(keywords.models.get('order_items')!.dimensions.map((d) => d.name)).toEqual(['ordered_at', 'note', 'user', 'group']);
    });

    it('group by order_item__user reads the column "user", not CURRENT_USER', () =>
      expectRows(keywords, { metrics: ['quantity'], groupBy: ['order_item__user'] }, [
        { order_item__user: 'alice', quantity: 7 },
        { order_item__user: 'bob', quantity: 16 },
        { order_item__user: 'carol', quantity: 11 },
        { order_item__user: null, quantity: 7 },
      ]));

    it('group by order_item__group reads the column "group"', () =>
      expectRows(keywords, { metrics: ['quantity'], groupBy: ['order_item__group'] }, [
        { order_item__group: 'a', quantity: 5 },
        { order_item__group: 'b', quantity: 12 },
        { order_item__group: 'c', quantity: 13 },
        { order_item__group: null, quantity: 11 },
      ]));

    it('a filter on the joined order__limit', () =>
      expectRows(keywords, { metrics: ['quantity'], groupBy: ['order__status'], where: [`{{ Dimension('order__limit') }} >= 2`] }, [
        { order__status: "it's; DROP TABLE marketplace.bookings; --", quantity: 12 },
        { order__status: 'Ünïcødé "quoted"', quantity: 11 },
      ]));

    const byOrder = [
      { order: 1, item_count: 2 },
      { order: 2, item_count: 2 },
      { order: 3, item_count: 1 },
      { order: 4, item_count: 1 },
    ];
    it('a query not naming those dimensions works when optimized (pruned scans do not read them)', async () => {
      expectSameRows(await run(keywords, { metrics: ['item_count'], groupBy: ['order'] }), byOrder);
    });

    it('the same query as the naive plan (whose scans read every column) works too', async () => {
      expectSameRows(await run(keywords, { metrics: ['item_count'], groupBy: ['order'] }, []), byOrder);
    });
  });
});

// -------------------------------------------------------------------------------------------
// quoteIdent and the renderer's closed lists
// -------------------------------------------------------------------------------------------

describe('quoteIdent', () => {
  it.each([
    ['bookings', 'bookings'],
    ['_x1', '_x1'],
    ['metric_time__month', 'metric_time__month'],
    ['select', '"select"'],
    ['user', '"user"'],
    ['order', '"order"'],
    ['group', '"group"'],
    ['limit', '"limit"'],
    ['table', '"table"'],
    ['end', '"end"'],
    ['Order', '"Order"'],
    ['ORDER', '"ORDER"'],
    ['Bookings', '"Bookings"'],
    ['camelCase', '"camelCase"'],
    ['a"b', '"a""b"'],
    ['"', '""""'],
    ['""', '""""""'],
    ['x"; DROP TABLE marketplace.bookings; --', '"x""; DROP TABLE marketplace.bookings; --"'],
    ["it's", `"it's"`],
    ['has space', '"has space"'],
    ['1abc', '"1abc"'],
    ['a-b', '"a-b"'],
    ['a.b', '"a.b"'],
    ['café', '"café"'],
    ['$1', '"$1"'],
    ['x'.repeat(63), 'x'.repeat(63)],
    ['x'.repeat(64), `"${'x'.repeat(64)}"`],
  ])('%s -> %s', (name, quotedName) => {
    expect(quoteIdent(name)).toBe(quotedName);
  });

  it('refuses the empty name and NUL', () => {
    expect(() => quoteIdent('')).toThrow(TypeError);
    expect(() => quoteIdent('a\u0000b')).toThrow(/NUL/);
    expect(() => quoteIdent(undefined as unknown as string)).toThrow(TypeError);
  });

  it("quotes every keyword PostgreSQL reserves or keeps for types and functions (pg_get_keywords())", async () => {
    const keywords = await raw.query<{ word: string }>(`SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T') ORDER BY word`);
    expect(keywords.rows.length).toBeGreaterThan(80);
    const bare = keywords.rows.map((r) => r.word).filter((word) => !quoteIdent(word).startsWith('"'));
    expect(bare).toEqual([]);
  });

  it('every PostgreSQL keyword and nasty name survives the parser as exactly that name', async () => {
    const keywords = (await raw.query<{ word: string }>(`SELECT word FROM pg_get_keywords() ORDER BY word`)).rows.map((r) => r.word);
    const nasty = ['Order', 'a"b', '"', 'x"; DROP TABLE marketplace.bookings; --', "it's", 'has space', '1abc', 'café', '$1', '?', '\\', 'ünï"cødé', '🚀'];
    const failures: string[] = [];
    for (const name of [...keywords, ...nasty]) {
      const q = quoteIdent(name);
      try {
        // As a column alias, a table alias, a column reference and a qualified column reference.
        const result = await raw.query(`SELECT ${q}.${q} AS ${q}, ${q} FROM (SELECT 1 AS ${q}) AS ${q}`);
        if (result.fields.map((f) => f.name).join('|') !== `${name}|${name}` || result.rows[0]?.[name] !== 1) failures.push(`${name}: wrong result`);
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    await expectBookingsIntact();
  });
});

describe('the renderer refuses hand-built trees outside its closed lists', () => {
  const select = (overrides: Partial<SqlSelect>): SqlSelect => ({
    kind: 'select',
    with: [],
    distinct: false,
    columns: [{ expr: { kind: 'constant', value: 1 }, alias: 'one' }],
    from: null,
    where: null,
    groupBy: [],
    having: null,
    orderBy: [],
    limit: null,
    ...overrides,
  });
  const column = (expr: SqlExpr): SqlQuery => select({ columns: [{ expr, alias: 'x' }] });
  const one: SqlExpr = { kind: 'constant', value: 1 };

  it('renders a well-formed tree (baseline)', () => {
    expect(renderQuery(select({ limit: 10 })).text).toBe('SELECT\n  1 AS one\nLIMIT 10');
  });

  it.each<[string, SqlQuery, RegExp]>([
    ['a function not on the list (pg_sleep)', column({ kind: 'call', fn: 'pg_sleep' as never, args: [{ kind: 'constant', value: 10 }] }), /unknown function 'pg_sleep'/],
    ['a function name carrying SQL', column({ kind: 'call', fn: 'lower(1)); DROP TABLE x; --' as never, args: [] }), /unknown function/],
    ['an upper-case spelling of a listed function', column({ kind: 'call', fn: 'LOWER' as never, args: [one] }), /unknown function 'LOWER'/],
    ['an aggregate not on the list', column({ kind: 'aggregate', fn: 'string_agg' as never, args: [one], distinct: false, filter: null, withinGroup: null, star: false }), /unknown aggregate/],
    ['a window function not on the list', column({ kind: 'window', fn: 'pg_sleep' as never, args: [], partitionBy: [], orderBy: [], frame: null }), /unknown window function/],
    ['a cast to regclass', column({ kind: 'cast', operand: one, type: 'regclass' as never }), /unknown type 'regclass'/],
    ['a parameter cast to regclass', column({ kind: 'param', value: 'marketplace.bookings', cast: 'regclass' as never }), /unknown type/],
    ['a date unit carrying SQL', column({ kind: 'dateTrunc', unit: "day', now()) --" as never, operand: one }), /unknown date unit/],
    ['an extract field not on the list', column({ kind: 'extract', unit: 'timezone' as never, operand: one }), /unknown date part/],
    ['an interval unit carrying SQL', column({ kind: 'interval', count: 1, unit: "day'; DROP TABLE x; --" as never }), /unknown date unit/],
    ['a fractional interval count', column({ kind: 'interval', count: 1.5, unit: 'day' }), /integer/],
    ['an operator not on the list', column({ kind: 'binary', op: '; DROP TABLE x; --' as never, left: one, right: one }), /unknown operator/],
    ['a non-integer LIMIT', select({ limit: 1.5 }), /LIMIT/],
    ['a negative LIMIT', select({ limit: -1 }), /LIMIT/],
    ['a NaN LIMIT', select({ limit: Number.NaN }), /LIMIT/],
    ['an infinite LIMIT', select({ limit: Number.POSITIVE_INFINITY }), /LIMIT/],
    ['a LIMIT carrying SQL', select({ limit: '1; DROP TABLE x' as unknown as number }), /LIMIT/],
    ['a non-finite constant', column({ kind: 'constant', value: Number.NaN }), /finite/],
    ['a string constant (values must be parameters)', column({ kind: 'constant', value: "'; DROP TABLE x; --" as unknown as number }), /finite numbers/],
    ['an object parameter', column({ kind: 'param', value: { toString: () => 'x' } as unknown as string, cast: null }), /parameters must be/],
    ['an identifier with NUL', column({ kind: 'column', table: null, name: 'a\u0000b' }), /NUL/],
    ['an empty identifier', column({ kind: 'column', table: null, name: '' }), /non-empty/],
  ])('%s', (_label, query, message) => {
    expect(() => renderQuery(query)).toThrow(message);
  });

  it('quotes every identifier position: columns, tables, schemas, aliases, CTE names', () => {
    const hostile = 'x"; DROP TABLE marketplace.bookings; --';
    const query: SqlQuery = select({
      with: [{ name: hostile, query: select({}) }],
      columns: [{ expr: { kind: 'column', table: hostile, name: hostile }, alias: hostile }],
      from: {
        kind: 'join',
        type: 'LEFT',
        left: { kind: 'table', schema: hostile, name: 'select', alias: hostile },
        right: { kind: 'cte', name: hostile, alias: 'User' },
        on: { kind: 'binary', op: '=', left: { kind: 'column', table: 'User', name: 'one' }, right: { kind: 'param', value: hostile, cast: 'text' } },
      },
    });
    const { text, values } = renderQuery(query);
    const q = '"x""; DROP TABLE marketplace.bookings; --"';
    expect(text).toBe(
      [
        `WITH ${q} AS (`,
        '  SELECT',
        '    1 AS one',
        ')',
        'SELECT',
        `  ${q}.${q} AS ${q}`,
        `FROM ${q}."select" AS ${q}`,
        `LEFT OUTER JOIN ${q} AS "User"`,
        '  ON "User".one = $1::text',
      ].join('\n'),
    );
    expect(values).toEqual([hostile]);
  });

  it('string values only ever become parameters', () => {
    const rendered = renderExpression({
      kind: 'like',
      operand: { kind: 'column', table: null, name: 'booking_source' },
      pattern: { kind: 'param', value: "%'; DROP TABLE x; --%", cast: null },
      caseInsensitive: false,
      negated: false,
    });
    expect(rendered).toEqual({ text: 'booking_source LIKE $1', values: ["%'; DROP TABLE x; --%"] });
  });
});
