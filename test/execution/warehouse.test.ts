import { Warehouse } from '../../src/execution/warehouse';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('Warehouse', () => {
  let db: TestDatabase;
  let warehouse: Warehouse;
  beforeAll(async () => {
    db = await createTestDatabase();
    warehouse = new Warehouse(db.url, { max: 3 });
  });
  afterAll(async () => {
    await warehouse.close();
    await db.drop();
  });

  const one = async (text: string, values: Array<string | number | boolean | null> = []) => (await warehouse.run({ text, values })).rows[0]!;

  it('keeps numeric precision: exact numbers as numbers, longer decimals as strings', async () => {
    const row = await one(`SELECT 12.50::numeric AS a, 1234567890123456789.123456789::numeric AS b, 0.1::numeric + 0.2::numeric AS c,
                                  42::bigint AS d, 9007199254740993::bigint AS e, 1.5::float8 AS f, -3::int AS g`);
    expect(row).toEqual({ a: 12.5, b: '1234567890123456789.123456789', c: 0.3, d: 42, e: '9007199254740993', f: 1.5, g: -3 });
  });

  it('returns dates and timestamps as ISO strings and keeps NULLs and booleans', async () => {
    const row = await one(
      `SELECT DATE '2020-01-31' AS d, TIMESTAMP '2020-01-31 10:20:30.5' AS ts, TIMESTAMPTZ '2020-01-31 10:20:30+02' AS tz,
              NULL::numeric AS n, NULL::date AS nd, TRUE AS b, 'x' AS s`,
    );
    expect(row).toEqual({ d: '2020-01-31', ts: '2020-01-31T10:20:30.5', tz: '2020-01-31T08:20:30.000Z', n: null, nd: null, b: true, s: 'x' });
    const result = await warehouse.run({ text: `SELECT DATE '2020-01-31' AS d, 1::bigint AS i, 1.5::numeric AS n, 'x'::text AS s, TRUE AS b`, values: [] });
    expect(result.columns).toEqual([
      { name: 'd', type: 'DATE' },
      { name: 'i', type: 'INTEGER' },
      { name: 'n', type: 'NUMBER' },
      { name: 's', type: 'STRING' },
      { name: 'b', type: 'BOOLEAN' },
    ]);
  });

  it('binds values as parameters', async () => {
    expect(await one('SELECT $1::text AS s, $2::int + 1 AS n', ["it's; DROP TABLE x", 41])).toEqual({ s: "it's; DROP TABLE x", n: 42 });
  });

  it('stops a statement at the timeout with QUERY_TIMEOUT', async () => {
    const started = Date.now();
    await expect(warehouse.run({ text: 'SELECT pg_sleep(5)', values: [] }, { timeoutMs: 150 })).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(3000);
    // The pool is still usable afterwards.
    expect(await one('SELECT 1 AS x')).toEqual({ x: 1 });
  });

  it('cancels the running statement on the server when the signal aborts', async () => {
    const controller = new AbortController();
    const running = warehouse.run({ text: "SELECT pg_sleep(10), 'cancel-me' AS tag", values: [] }, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 200));
    const before = await one(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%cancel-me%' AND state = 'active' AND pid <> pg_backend_pid()`);
    expect(before).toEqual({ n: 1 });
    const started = Date.now();
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'QUERY_CANCELLED' });
    expect(Date.now() - started).toBeLessThan(3000);
    const after = await one(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%cancel-me%' AND state = 'active' AND pid <> pg_backend_pid()`);
    expect(after).toEqual({ n: 0 });
  });

  it('refuses results over the row limit with RESULT_TOO_LARGE', async () => {
    await expect(warehouse.run({ text: 'SELECT generate_series(1, 50) AS n', values: [] }, { maxRows: 10 })).rejects.toMatchObject({
      code: 'RESULT_TOO_LARGE',
      details: { rows: 50, maxRows: 10 },
    });
  });

  it('runs read-only and reports warehouse errors without the SQL', async () => {
    const error = await warehouse.run({ text: 'SELECT * FROM no_such_table', values: [] }).catch((e) => e);
    expect(error).toMatchObject({ code: 'WAREHOUSE_ERROR', details: { sqlstate: '42P01' } });
    expect(error.message).not.toContain('no_such_table');
    await expect(warehouse.run({ text: 'CREATE TABLE t (x int)', values: [] })).rejects.toMatchObject({ code: 'WAREHOUSE_ERROR', details: { sqlstate: '25006' } });
  });

  it('reports an unreachable warehouse as WAREHOUSE_UNAVAILABLE', async () => {
    const url = new URL(db.url);
    url.port = '1';
    const down = new Warehouse(url.toString());
    try {
      await expect(down.run({ text: 'SELECT 1', values: [] })).rejects.toMatchObject({ code: 'WAREHOUSE_UNAVAILABLE' });
    } finally {
      await down.close();
    }
  });
});
