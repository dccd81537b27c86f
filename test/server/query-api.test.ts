import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import pino from 'pino';
import supertest from 'supertest';
import { readConfig } from '../../src/config';
import { readDefinitionFiles } from '../../src/definitions';
import { startServer, type RunningServer } from '../../src/server';
import { expectSameRows } from '../support/compare';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { MARKETPLACE_DIR } from '../support/marketplace';
import { startTestServer, type TestServer } from '../support/server';

/**
 * Metric queries through the real HTTP server: results against hand-written SQL, the cache,
 * group-by items, explain, stable error codes without leaks, and hot reload on publish.
 */

const QUERY = `query Q($input: QueryInput!) {
  query(input: $input) { columns { name type } rows sql cacheHit definitionVersion }
}`;

const EXPLAIN = `query E($input: QueryInput!) {
  explain(input: $input) { columns plan sql parameters definitionVersion }
}`;

const PUBLISH = `mutation Publish($input: PublishInput!) {
  publishDefinitions(input: $input) { created version { number } }
}`;

type GqlError = { message: string; extensions: Record<string, unknown>; path?: string[] };

/** Nothing of the SQL, the schema or a stack trace in what the client sees. */
function expectNoLeak(error: GqlError): void {
  const text = JSON.stringify(error);
  expect(text).not.toMatch(/\bSELECT\b/i);
  expect(text).not.toMatch(/\bFROM\s+"?marketplace/i);
  expect(text).not.toMatch(/\bGROUP BY\b/i);
  expect(text).not.toMatch(/\n\s+at\s/);
  expect(text).not.toMatch(/\.(ts|js):\d+/);
  expect(error.extensions).not.toHaveProperty('stacktrace');
  expect(error.extensions).not.toHaveProperty('exception');
}

describe('query over GraphQL on the marketplace', () => {
  let t: TestServer;
  let db: Client;
  const sql = async (text: string, values: unknown[] = []) => (await db.query(text, values)).rows as Array<Record<string, unknown>>;
  const ask = (input: Record<string, unknown>, headers: Record<string, string> = {}) => t.gql(QUERY, { input }, headers);
  const errorOf = async (input: Record<string, unknown>, query = QUERY): Promise<GqlError> => {
    const res = await t.gql(query, { input });
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    return res.body.errors[0];
  };

  beforeAll(async () => {
    t = await startTestServer();
    db = new Client({ connectionString: t.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it('answers with columns, rows, the SQL with bound values, and the definition version', async () => {
    const input = {
      metrics: ['bookings', 'booking_value'],
      groupBy: ['listing__country'],
      where: ["{{ Dimension('listing__country') }} IN ('us', 'ca')"],
      orderBy: ['-bookings'],
    };
    const res = await ask(input);
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const q = res.body.data.query;
    expect(q.columns).toEqual([
      { name: 'listing__country', type: 'STRING' },
      { name: 'bookings', type: 'INTEGER' },
      { name: 'booking_value', type: 'NUMBER' },
    ]);
    const expected = await sql(`
      SELECT l.country AS listing__country, count(*)::int AS bookings, sum(b.booking_value)::float8 AS booking_value
        FROM marketplace.bookings b JOIN marketplace.listings l ON l.listing_id = b.listing_id
       WHERE l.country IN ('us', 'ca')
       GROUP BY l.country ORDER BY bookings DESC`);
    expect(expected).toHaveLength(2);
    expectSameRows(q.rows, expected, { ordered: true, tolerance: 1e-12 });
    for (const row of q.rows) {
      expect(Object.keys(row)).toEqual(['listing__country', 'bookings', 'booking_value']);
      expect(typeof row.bookings).toBe('number');
      expect(typeof row.booking_value).toBe('number');
    }
    expect(q.definitionVersion).toBe(1);
    expect(q.cacheHit).toBe(false);
    expect(q.sql).toMatch(/\bSELECT\b/);
    // Filter values are bound, never pasted into the statement.
    expect(q.sql).toContain('$1');
    expect(q.sql).not.toContain("'us'");
    expect(q.sql).not.toContain("'ca'");

    const again = await ask(input);
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.query).toEqual({ ...q, cacheHit: true });

    // A different request is not served from the cache.
    const other = await ask({ ...input, limit: 1 });
    expect(other.body.data.query.cacheHit).toBe(false);
    expect(other.body.data.query.rows).toEqual([q.rows[0]]);
  });

  it('groups by time at a grain, inside an inclusive time constraint', async () => {
    const res = await ask({
      metrics: ['bookings'],
      groupBy: ['metric_time__month'],
      timeConstraint: { start: '2020-01-01', end: '2020-03-31' },
      orderBy: ['metric_time__month'],
    });
    expect(res.body.errors).toBeUndefined();
    const q = res.body.data.query;
    expect(q.columns).toEqual([
      { name: 'metric_time__month', type: 'DATE' },
      { name: 'bookings', type: 'INTEGER' },
    ]);
    const expected = await sql(`
      SELECT to_char(date_trunc('month', ds), 'YYYY-MM-DD') AS metric_time__month, count(*)::int AS bookings
        FROM marketplace.bookings WHERE ds BETWEEN '2020-01-01' AND '2020-03-31'
       GROUP BY 1 ORDER BY 1`);
    expect(expected.map((r) => r['metric_time__month'])).toEqual(['2020-01-01', '2020-02-01', '2020-03-01']);
    expect(q.rows).toEqual(expected);
  });

  it('takes structured groupByItems as the equivalent of the name form', async () => {
    const byName = await ask({ metrics: ['bookings'], groupBy: ['metric_time__quarter', 'listing__country'] });
    const byItems = await ask({ metrics: ['bookings'], groupByItems: [{ name: 'metric_time', grain: 'quarter' }, { name: 'listing__country' }] });
    expect(byName.body.errors).toBeUndefined();
    expect(byItems.body.errors).toBeUndefined();
    expect(byItems.body.data.query.columns).toEqual(byName.body.data.query.columns);
    expect(byItems.body.data.query.columns.map((c: { name: string }) => c.name)).toEqual(['metric_time__quarter', 'listing__country', 'bookings']);
    expectSameRows(byItems.body.data.query.rows, byName.body.data.query.rows);

    // A date part, and a grain written in upper case.
    const parts = await ask({ metrics: ['bookings'], groupByItems: [{ name: 'metric_time', datePart: 'year' }] });
    expect(parts.body.errors).toBeUndefined();
    expect(parts.body.data.query.columns).toEqual([
      { name: 'metric_time__extract_year', type: 'INTEGER' },
      { name: 'bookings', type: 'INTEGER' },
    ]);
    expectSameRows(
      parts.body.data.query.rows,
      await sql(`SELECT extract(year FROM ds)::int AS metric_time__extract_year, count(*)::int AS bookings FROM marketplace.bookings GROUP BY 1`),
    );
    const upper = await ask({ metrics: ['bookings'], groupByItems: [{ name: 'metric_time', grain: 'YEAR' }] });
    expect(upper.body.errors).toBeUndefined();
    expect(upper.body.data.query.columns[0].name).toBe('metric_time__year');

    // Without a grain a time item comes back at its defined grain, with the suffix.
    const plain = await ask({ metrics: ['bookings'], groupByItems: [{ name: 'metric_time' }], timeConstraint: { start: '2020-01-02', end: '2020-01-03' } });
    expect(plain.body.errors).toBeUndefined();
    expect(plain.body.data.query.columns[0]).toEqual({ name: 'metric_time__day', type: 'DATE' });
    expectSameRows(
      plain.body.data.query.rows,
      await sql(`SELECT to_char(ds, 'YYYY-MM-DD') AS metric_time__day, count(*)::int AS bookings FROM marketplace.bookings WHERE ds IN ('2020-01-02', '2020-01-03') GROUP BY ds`),
    );

    expect((await errorOf({ metrics: ['bookings'], groupByItems: [{ name: 'metric_time', grain: 'fortnight' }] })).extensions.code).toBe('INVALID_QUERY');
    expect((await errorOf({ metrics: ['bookings'], groupByItems: [{ name: 'metric_time', grain: 'month', datePart: 'year' }] })).extensions.code).toBe(
      'INVALID_QUERY',
    );
    expect((await errorOf({ metrics: ['bookings'], groupByItems: [{ name: 'listing__country', grain: 'month' }] })).extensions.code).toBe('INVALID_QUERY');
  });

  it('returns the distinct values of the group-by items when no metric is asked for', async () => {
    const res = await ask({ metrics: [], groupBy: ['listing__country'], orderBy: ['listing__country'] });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.query.columns).toEqual([{ name: 'listing__country', type: 'STRING' }]);
    expectSameRows(res.body.data.query.rows, await sql('SELECT DISTINCT country AS listing__country FROM marketplace.listings'));
  });

  it('explains a request: plan, SQL and the bound parameters, without running it', async () => {
    const input = { metrics: ['bookings'], groupBy: ['listing__country'], where: ["{{ Dimension('listing__country') }} = 'us'"], limit: 5 };
    const res = await t.gql(EXPLAIN, { input });
    expect(res.body.errors).toBeUndefined();
    const e = res.body.data.explain;
    expect(e.columns).toEqual(['listing__country', 'bookings']);
    expect(e.definitionVersion).toBe(1);
    expect(typeof e.plan).toBe('string');
    expect(e.plan.split('\n').length).toBeGreaterThan(1);
    expect(e.plan).toContain('bookings');
    expect(e.plan).toContain('listings');
    expect(e.plan).toMatch(/limit 5/);
    expect(e.sql).toMatch(/\bSELECT\b/);
    expect(e.sql).not.toContain("'us'");
    expect(Array.isArray(e.parameters)).toBe(true);
    expect(e.parameters).toContain('us');
    // Each $n in the statement has a value.
    const placeholders = [...new Set([...(e.sql as string).matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))];
    expect(Math.max(...placeholders)).toBe(e.parameters.length);

    // The statement explained is the statement that runs.
    const ran = await ask(input);
    expect(ran.body.data.query.sql).toBe(e.sql);
    expect(ran.body.data.query.rows).toEqual([{ listing__country: 'us', bookings: 218 }]);

    const bad = await errorOf({ metrics: ['bokings'] }, EXPLAIN);
    expect(bad.extensions.code).toBe('UNKNOWN_METRIC');
  });

  describe('errors carry a stable code and leak nothing', () => {
    it('UNKNOWN_METRIC, with a suggestion', async () => {
      const e = await errorOf({ metrics: ['bokings'] });
      expect(e.extensions.code).toBe('UNKNOWN_METRIC');
      expect(e.message).toContain('bokings');
      expect(e.message).toContain("'bookings'");
      expect(e.path).toEqual(['query']);
      expectNoLeak(e);
    });

    it('UNKNOWN_DIMENSION, with a suggestion', async () => {
      const e = await errorOf({ metrics: ['bookings'], groupBy: ['listing__countri'] });
      expect(e.extensions.code).toBe('UNKNOWN_DIMENSION');
      expect(e.message).toContain('listing__countri');
      expect(e.message).toContain('listing__country');
      expectNoLeak(e);

      const inFilter = await errorOf({ metrics: ['bookings'], where: ["{{ Dimension('listing__colour') }} = 'red'"] });
      expect(inFilter.extensions.code).toBe('UNKNOWN_DIMENSION');
      expectNoLeak(inFilter);

      const notAName = await errorOf({ metrics: ['bookings'], groupBy: ['listing__country; DROP TABLE x'] });
      expect(notAName.extensions.code).toBe('UNKNOWN_DIMENSION');
      expectNoLeak(notAName);
    });

    it('INVALID_FILTER for filters that do not parse or are not allowed', async () => {
      for (const where of [
        "{{ Dimension('listing__country') }} = = 'us'",
        "{{ Dimension('listing__country') }} = 'us'; DROP TABLE marketplace.bookings",
        "{{ Dimension('listing__country') }} = 'us') OR (1 = 1",
        "{{ Dimension('listing__country' }} = 'us'",
        'booking_value > 0',
      ]) {
        const e = await errorOf({ metrics: ['bookings'], where: [where] });
        expect([where, e.extensions.code]).toEqual([where, 'INVALID_FILTER']);
        expectNoLeak(e);
      }
      const [{ n }] = await sql('SELECT count(*)::int AS n FROM marketplace.bookings');
      expect(n).toBe(400);
    });

    it('INVALID_QUERY for malformed requests', async () => {
      const cases: Array<Record<string, unknown>> = [
        { metrics: ['bookings'], limit: -1 },
        { metrics: ['bookings', 'bookings'] },
        { metrics: [] },
        { metrics: ['bookings'], timeConstraint: { start: '2020-03-01', end: '2020-01-01' } },
        { metrics: ['bookings'], timeConstraint: { start: 'last tuesday' } },
        { metrics: ['bookings'], groupBy: ['listing__country'], orderBy: ['-booking_value'] },
      ];
      for (const input of cases) {
        const e = await errorOf(input);
        expect([input, e.extensions.code]).toEqual([input, 'INVALID_QUERY']);
        expectNoLeak(e);
      }
    });

    it('GraphQL-level mistakes are reported as such', async () => {
      const res = await t.gql('{ query(input: { metrics: "bookings", limit: "ten" }) { rows } }');
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const syntax = await t.gql('{ query(input: { metrics: ["bookings"] } { rows } }');
      expect(syntax.status).toBe(400);
      expect(syntax.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    });
  });

  it('hot reload: a version published while the server runs answers the next query', async () => {
    const before = await errorOf({ metrics: ['high_value_bookings'] });
    expect(before.extensions.code).toBe('UNKNOWN_METRIC');
    const cached = await ask({ metrics: ['bookings'] });
    expect(cached.body.data.query.definitionVersion).toBe(1);

    const files = await readDefinitionFiles(join(MARKETPLACE_DIR, 'models'));
    files.push({
      path: 'high_value.yml',
      content: `metrics:
  - name: high_value_bookings
    label: High-value bookings (lux listings)
    type: simple
    type_params:
      measure: bookings
    filter: "{{ Dimension('listing__is_lux') }} = true"
`,
    });
    const published = await t.gql(PUBLISH, { input: { files, message: 'high value' } });
    expect(published.body.errors).toBeUndefined();
    expect(published.body.data.publishDefinitions).toEqual({ created: true, version: { number: 2 } });

    const after = await ask({ metrics: ['high_value_bookings', 'bookings'] });
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data.query.definitionVersion).toBe(2);
    const [expected] = await sql(`
      SELECT count(*) FILTER (WHERE l.is_lux)::int AS high_value_bookings, count(*)::int AS bookings
        FROM marketplace.bookings b LEFT JOIN marketplace.listings l ON l.listing_id = b.listing_id`);
    expect(after.body.data.query.rows).toEqual([expected]);

    // The cache does not serve an answer computed on the previous version.
    const recomputed = await ask({ metrics: ['bookings'] });
    expect(recomputed.body.data.query).toMatchObject({ definitionVersion: 2, cacheHit: false, rows: [{ bookings: 400 }] });
    const ready = await t.http.get('/readyz');
    expect(ready.body).toEqual({ status: 'ready', definitionVersion: 2 });
  });

  it('hot reload across servers: another server on the same store follows the publish', async () => {
    const other = await startServer(t.config);
    try {
      const otherHttp = supertest(other.httpServer);
      const run = (input: Record<string, unknown>) => otherHttp.post('/graphql').send({ query: QUERY, variables: { input } });
      const first = await run({ metrics: ['bookings'] });
      expect(first.body.data.query.definitionVersion).toBe(2);

      const files = await readDefinitionFiles(join(MARKETPLACE_DIR, 'models'));
      files.push({ path: 'ca.yml', content: `metrics:\n  - name: ca_bookings\n    type: simple\n    type_params:\n      measure: bookings\n    filter: "{{ Dimension('listing__country') }} = 'ca'"\n` });
      const published = await t.gql(PUBLISH, { input: { files, message: 'ca' } });
      expect(published.body.data.publishDefinitions.version.number).toBe(3);

      let seen: { definitionVersion: number; rows: unknown } | null = null;
      for (let i = 0; i < 100 && !seen; i++) {
        const res = await run({ metrics: ['ca_bookings'] });
        if (!res.body.errors) seen = res.body.data.query;
        else await new Promise((r) => setTimeout(r, 50));
      }
      expect(seen).toEqual(expect.objectContaining({ definitionVersion: 3, rows: [{ ca_bookings: 108 }] }));
    } finally {
      await other.stop();
    }
  });
});

/**
 * Definitions that break at query time: an ambiguous join, a relation that does not exist,
 * and an expression that raises inside PostgreSQL (an unexpected error). The server's log is
 * captured to check that the error id the client sees is there.
 */
describe('query errors from the definitions and the warehouse', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let http: ReturnType<typeof supertest>;
  const logLines: Array<Record<string, unknown>> = [];

  const DEFINITIONS = `semantic_models:
  - name: orders
    node_relation:
      schema_name: marketplace
      alias: bookings
    defaults:
      agg_time_dimension: ds
    entities:
      - name: order
        type: primary
        expr: booking_id
      - name: customer
        type: foreign
        expr: guest_id
    dimensions:
      - name: ds
        type: time
        type_params:
          time_granularity: day
    measures:
      - name: order_count
        agg: sum
        expr: 1
      - name: exploding
        agg: sum
        expr: marketplace.explode(booking_id)
      - name: sleepy
        agg: sum
        expr: marketplace.sleepy(booking_id)

  - name: customers
    node_relation:
      schema_name: marketplace
      alias: users
    entities:
      - name: customer
        type: primary
        expr: user_id
    dimensions:
      - name: region
        type: categorical
        expr: home_state

  - name: customer_profiles
    node_relation:
      schema_name: marketplace
      alias: users
    entities:
      - name: profile
        type: primary
        expr: user_id
      - name: customer
        type: unique
        expr: user_id
    dimensions:
      - name: region
        type: categorical
        expr: home_state

  - name: ghosts
    node_relation:
      schema_name: marketplace
      alias: no_such_table
    defaults:
      agg_time_dimension: ds
    entities:
      - name: ghost
        type: primary
        expr: ghost_id
    dimensions:
      - name: ds
        type: time
        type_params:
          time_granularity: day
    measures:
      - name: ghost_count
        agg: sum
        expr: 1

metrics:
  - name: order_count
    type: simple
    type_params:
      measure: order_count
  - name: exploding
    type: simple
    type_params:
      measure: exploding
  - name: ghost_count
    type: simple
    type_params:
      measure: ghost_count
  - name: sleepy
    type: simple
    type_params:
      measure: sleepy
`;

  const gql = (query: string, variables: Record<string, unknown> = {}) => http.post('/graphql').send({ query, variables });
  const errorOf = async (input: Record<string, unknown>): Promise<GqlError> => {
    const res = await gql(QUERY, { input });
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    return res.body.errors[0];
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(readFileSync(join(MARKETPLACE_DIR, 'data.sql'), 'utf8'));
    await client.query(`CREATE FUNCTION marketplace.explode(id integer) RETURNS integer LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'secret internal detail %', id USING ERRCODE = 'P0001'; END $$`);
    await client.query(`CREATE FUNCTION marketplace.sleepy(id integer) RETURNS integer LANGUAGE sql AS $$ SELECT 1 FROM pg_sleep(0.01) $$`);
    await client.end();
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    server = await startServer(readConfig({
        DATABASE_URL: db.url,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        NORTHSTAR_STATEMENT_TIMEOUT_MS: '300',
        NORTHSTAR_MAX_RESULT_ROWS: '100',
      }), { logger });
    http = supertest(server.httpServer);
    const published = await gql(PUBLISH, { input: { files: [{ path: 'broken.yml', content: DEFINITIONS }], message: 'query-time traps' } });
    expect(published.body.errors).toBeUndefined();
    expect(published.body.data.publishDefinitions.created).toBe(true);
  });
  afterAll(async () => {
    await server.stop();
    await db.drop();
  });

  it('the sound part of the definitions answers', async () => {
    const res = await gql(QUERY, { input: { metrics: ['order_count'] } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.query.rows).toEqual([{ order_count: 400 }]);
  });

  it('AMBIGUOUS_JOIN when the same entity path reaches a dimension in two models', async () => {
    const e = await errorOf({ metrics: ['order_count'], groupBy: ['customer__region'] });
    expect(e.extensions.code).toBe('AMBIGUOUS_JOIN');
    expect(e.message).toContain('customers');
    expect(e.message).toContain('customer_profiles');
    expectNoLeak(e);

    const inFilter = await errorOf({ metrics: ['order_count'], where: ["{{ Dimension('customer__region') }} = 'CA'"] });
    expect(inFilter.extensions.code).toBe('AMBIGUOUS_JOIN');
    expectNoLeak(inFilter);
  });

  it('WAREHOUSE_ERROR for a relation that does not exist, without the SQL or the table name', async () => {
    const e = await errorOf({ metrics: ['ghost_count'] });
    expect(e.extensions.code).toBe('WAREHOUSE_ERROR');
    expect(e.extensions.details).toEqual({ sqlstate: '42P01' });
    expect(e.message).not.toContain('no_such_table');
    expectNoLeak(e);
  });

  it('an unexpected failure is only INTERNAL with an error id that is in the server log', async () => {
    const e = await errorOf({ metrics: ['exploding'] });
    expect(e.extensions).toEqual({ code: 'INTERNAL', errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const errorId = e.extensions.errorId as string;
    expect(e.message).toContain(errorId);
    expect(e.message).not.toContain('secret internal detail');
    expect(e.message).not.toContain('explode');
    expectNoLeak(e);

    const logged = logLines.find((l) => l['errorId'] === errorId);
    expect(logged).toBeDefined();
    expect(JSON.stringify(logged)).toContain('secret internal detail');
  });

  it('QUERY_TIMEOUT past the statement timeout, and the server keeps answering', async () => {
    const started = Date.now();
    const e = await errorOf({ metrics: ['sleepy'] });
    expect(e.extensions.code).toBe('QUERY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3000);
    expectNoLeak(e);
    const res = await gql(QUERY, { input: { metrics: ['order_count'], groupBy: ['metric_time__month'] } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.query.rows.length).toBeGreaterThan(0);
  });

  it('RESULT_TOO_LARGE past the row limit', async () => {
    const e = await errorOf({ metrics: ['order_count'], groupBy: ['metric_time__day'] });
    expect(e.extensions.code).toBe('RESULT_TOO_LARGE');
    expectNoLeak(e);
    const limited = await gql(QUERY, { input: { metrics: ['order_count'], groupBy: ['metric_time__day'], limit: 100 } });
    expect(limited.body.errors).toBeUndefined();
    expect(limited.body.data.query.rows).toHaveLength(100);
  });
});
