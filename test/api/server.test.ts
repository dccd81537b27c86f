import { Client } from 'pg';
import { startTestServer, type TestServer } from '../support/server';

const SLOW = `semantic_models:
  - name: slow_things
    node_relation: { schema_name: public, alias: slow_things }
    defaults: { agg_time_dimension: ds }
    primary_entity: slow_thing
    dimensions:
      - { name: ds, type: time, type_params: { time_granularity: day } }
    measures:
      - { name: slow_sum, agg: sum, expr: "(SELECT 1 FROM pg_sleep(0.8))" }
metrics:
  - { name: slow_sum, type: simple, type_params: { measure: slow_sum } }
`;

describe('server behaviour', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ NORTHSTAR_MAX_DEPTH: '6', NORTHSTAR_MAX_COST: '300' });
  });
  afterAll(() => t.close());

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await t.http.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await t.http.get('/readyz')).body).toEqual({ status: 'ready', definitionVersion: 1 });
    await t.gql('query Named { metrics { name } }');
    const metrics = await t.http.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/northstar_graphql_requests_total\{operation="Named",outcome="ok"\} 1/);
    expect(metrics.text).toMatch(/northstar_warehouse_pool_connections\{state="total"\}/);
    expect(metrics.text).toMatch(/northstar_definitions_version 1/);
  });

  it('refuses operations that are too deep or too costly, before running anything', async () => {
    const deep = await t.gql('{ metric(name: "bookings") { parent { parent { parent { parent { parent { parent { name } } } } } } } }');
    expect(deep.status).toBe(400);
    expect(deep.body.errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
    t.server.services.warehouse.statements = 0;
    const fields = Array.from({ length: 13 }, (_, i) => `m${i}: metric(name: "bookings") { values(grain: DAY, limit: ${i + 1}) { value } }`);
    const costly = await t.gql(`{ ${fields.join(' ')} }`);
    expect(costly.status).toBe(400);
    expect(costly.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(t.server.services.warehouse.statements).toBe(0);
  });

  it('answers persisted queries by hash (APQ)', async () => {
    const query = '{ metrics(filter: { type: CUMULATIVE }) { name } }';
    const { createHash } = await import('node:crypto');
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const miss = await t.http.post('/graphql').send({ extensions });
    expect(miss.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const register = await t.http.post('/graphql').send({ query, extensions });
    expect(register.body.data.metrics.length).toBeGreaterThan(0);
    const hit = await t.http.post('/graphql').send({ extensions });
    expect(hit.body.data).toEqual(register.body.data);
  });

  it('picks up definitions published during traffic; requests in flight keep their version', async () => {
    const before = t.server.services.registry.current().version;
    const files = t.server.services.registry.current().graph.definitions;
    void files;
    let stop = false;
    const seen: number[] = [];
    const traffic = (async () => {
      while (!stop) {
        const res = await t.gql('{ query(input: { metrics: ["bookings"] }) { rows definitionVersion } }');
        expect(res.body.errors).toBeUndefined();
        expect(res.body.data.query.rows).toEqual([{ bookings: 400 }]);
        seen.push(res.body.data.query.definitionVersion);
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const version = t.server.services.store;
    const head = (await version.head())!;
    const published = await t.gql(
      'mutation P($input: PublishInput!) { publishDefinitions(input: $input) { version { number } } }',
      {
        input: {
          files: [...head.files, { path: 'extra.yml', content: 'metrics:\n  - { name: bookings_again, type: simple, type_params: { measure: bookings } }\n' }],
          message: 'more',
        },
      },
    );
    expect(published.body.data.publishDefinitions.version.number).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await traffic;
    expect(seen[0]).toBe(before);
    expect(seen[seen.length - 1]).toBe(before + 1);
    expect([...new Set(seen)]).toEqual([before, before + 1]);
    const fresh = await t.gql('{ query(input: { metrics: ["bookings_again"] }) { rows definitionVersion } }');
    expect(fresh.body.data.query).toEqual({ rows: [{ bookings_again: 400 }], definitionVersion: before + 1 });
  });
});

describe('client disconnects', () => {
  it('cancel the running statement on the warehouse', async () => {
    const t = await startTestServer({}, { publish: false });
    try {
      const client = new Client({ connectionString: t.db.url });
      await client.connect();
      await client.query("CREATE TABLE public.slow_things (ds date); INSERT INTO public.slow_things SELECT DATE '2020-01-01' FROM generate_series(1, 10)");
      await t.server.services.store.publish({ files: [{ path: 'slow.yml', content: SLOW }], author: 'test' });
      await t.server.services.registry.refresh();
      const address = t.server.httpServer.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const running = () =>
        client
          .query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()")
          .then((r) => r.rows[0].n as number);
      const controller = new AbortController();
      const request = fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ query(input: { metrics: ["slow_sum"] }) { rows } }' }),
        signal: controller.signal,
      }).catch((error: Error) => error);
      for (let i = 0; i < 50 && (await running()) === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await running()).toBe(1);
      controller.abort();
      expect(await request).toHaveProperty('name', 'AbortError');
      // Ten rows of 0.8 s each would run for 8 s; the statement is gone well before that.
      let left = 1;
      for (let i = 0; i < 100 && left > 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        left = await running();
      }
      expect(left).toBe(0);
      await client.end();
    } finally {
      await t.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('lets requests in flight finish, then refuses new ones', async () => {
    const t = await startTestServer({}, { publish: false });
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    await client.query("CREATE TABLE public.slow_things (ds date); INSERT INTO public.slow_things VALUES ('2020-01-01')");
    await client.end();
    await t.server.services.store.publish({ files: [{ path: 'slow.yml', content: SLOW }], author: 'test' });
    await t.server.services.registry.refresh();
    const address = t.server.httpServer.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const inFlight = fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ query(input: { metrics: ["slow_sum"] }) { rows } }' }),
    }).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 200));
    const stopped = t.server.stop();
    const result = (await inFlight) as { data: { query: { rows: unknown[] } } };
    expect(result.data.query.rows).toEqual([{ slow_sum: 1 }]);
    await stopped;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    await t.db.drop();
  });
});
