import type { Client } from 'pg';
import type { SourceFile } from '../src/definitions';

/** Schema `bench`: a large fact table (orders), two dimension tables and a second fact (sessions). */
export async function seedBenchWarehouse(client: Client, orders: number): Promise<void> {
  await client.query('DROP SCHEMA IF EXISTS bench_wh CASCADE');
  await client.query('CREATE SCHEMA bench_wh');
  await client.query(`CREATE TABLE bench_wh.customers AS
    SELECT id, (ARRAY['consumer','smb','enterprise'])[1 + (hashint4(id) & 2147483647) % 3] AS segment,
           (ARRAY['us','ca','gb','de','fr','mx'])[1 + (hashint4(id + 7) & 2147483647) % 6] AS country
    FROM generate_series(1, 200000) AS id`);
  await client.query(`CREATE TABLE bench_wh.stores AS
    SELECT id, (ARRAY['north','south','east','west'])[1 + id % 4] AS region FROM generate_series(1, 50) AS id`);
  await client.query(`CREATE TABLE bench_wh.orders AS
    SELECT id,
           1 + (hashint4(id) & 2147483647) % 200000 AS customer_id,
           1 + (hashint4(id + 1) & 2147483647) % 50 AS store_id,
           DATE '2024-01-01' + ((hashint4(id + 2) & 2147483647) % 730) AS ordered_at,
           round(((hashint4(id + 3) & 2147483647) % 50000) / 100.0 + 5, 2)::numeric(12,2) AS amount,
           (ARRAY['web','app','store'])[1 + (hashint4(id + 4) & 2147483647) % 3] AS channel,
           (ARRAY['completed','completed','completed','returned','cancelled'])[1 + (hashint4(id + 5) & 2147483647) % 5] AS status
    FROM generate_series(1, ${Math.floor(orders)}) AS id`);
  await client.query(`CREATE TABLE bench_wh.sessions AS
    SELECT id, 1 + (hashint4(id) & 2147483647) % 200000 AS customer_id,
           DATE '2024-01-01' + ((hashint4(id + 9) & 2147483647) % 730) AS started_at
    FROM generate_series(1, ${Math.floor(orders / 5)}) AS id`);
  await client.query('ALTER TABLE bench_wh.customers ADD PRIMARY KEY (id)');
  await client.query('ALTER TABLE bench_wh.stores ADD PRIMARY KEY (id)');
  await client.query('ANALYZE bench_wh.customers, bench_wh.stores, bench_wh.orders, bench_wh.sessions');
}

export const BENCH_DEFINITIONS: SourceFile[] = [
  {
    path: 'bench.yml',
    content: `semantic_models:
  - name: orders
    node_relation: { schema_name: bench_wh, alias: orders }
    defaults: { agg_time_dimension: ordered_at }
    entities:
      - { name: order, type: primary, expr: id }
      - { name: customer, type: foreign, expr: customer_id }
      - { name: store, type: foreign, expr: store_id }
    dimensions:
      - { name: ordered_at, type: time, type_params: { time_granularity: day } }
      - { name: channel, type: categorical }
      - { name: status, type: categorical }
    measures:
      - { name: revenue, agg: sum, expr: amount }
      - { name: order_count, agg: count, expr: id }
      - { name: buyers, agg: count_distinct, expr: customer_id }
  - name: customers
    node_relation: { schema_name: bench_wh, alias: customers }
    entities: [{ name: customer, type: primary, expr: id }]
    dimensions:
      - { name: segment, type: categorical }
      - { name: country, type: categorical }
  - name: stores
    node_relation: { schema_name: bench_wh, alias: stores }
    entities: [{ name: store, type: primary, expr: id }]
    dimensions: [{ name: region, type: categorical }]
  - name: sessions
    node_relation: { schema_name: bench_wh, alias: sessions }
    defaults: { agg_time_dimension: started_at }
    primary_entity: session
    entities: [{ name: customer, type: foreign, expr: customer_id }]
    dimensions: [{ name: started_at, type: time, type_params: { time_granularity: day } }]
    measures: [{ name: session_count, agg: count, expr: id }]
metrics:
  - { name: revenue, type: simple, type_params: { measure: revenue } }
  - { name: orders, type: simple, type_params: { measure: order_count } }
  - { name: buyers, type: simple, type_params: { measure: buyers } }
  - { name: sessions, type: simple, type_params: { measure: session_count } }
  - name: web_revenue
    type: simple
    filter: "{{ Dimension('order__channel') }} = 'web'"
    type_params: { measure: revenue }
  - { name: average_order_value, type: ratio, type_params: { numerator: revenue, denominator: orders } }
`,
  },
];

/** The questions, each with the SQL an analyst would write for it. */
export const BENCH_QUESTIONS = [
  {
    name: 'revenue by month',
    request: { metrics: ['revenue'], groupBy: ['metric_time__month'] },
    hand: `SELECT date_trunc('month', ordered_at)::date AS metric_time__month, sum(amount) AS revenue
             FROM bench_wh.orders GROUP BY 1 ORDER BY 1`,
  },
  {
    name: 'revenue and orders by customer segment (join)',
    request: { metrics: ['revenue', 'orders'], groupBy: ['customer__segment'] },
    hand: `SELECT c.segment AS customer__segment, sum(o.amount) AS revenue, count(o.id) AS orders
             FROM bench_wh.orders o LEFT JOIN bench_wh.customers c ON o.customer_id = c.id GROUP BY 1 ORDER BY 1`,
  },
  {
    name: 'filtered and unfiltered revenue by month (one scan)',
    request: { metrics: ['revenue', 'web_revenue'], groupBy: ['metric_time__month'] },
    hand: `SELECT date_trunc('month', ordered_at)::date AS metric_time__month, sum(amount) AS revenue,
                  sum(amount) FILTER (WHERE channel = 'web') AS web_revenue
             FROM bench_wh.orders GROUP BY 1 ORDER BY 1`,
  },
  {
    name: 'revenue by store region, filtered, one quarter',
    request: {
      metrics: ['revenue'],
      groupBy: ['store__region', 'metric_time__week'],
      where: ["{{ Dimension('order__status') }} = 'completed'"],
      timeConstraint: { start: '2025-01-01', end: '2025-03-31' },
    },
    hand: `SELECT s.region AS store__region, date_trunc('week', o.ordered_at)::date AS metric_time__week, sum(o.amount) AS revenue
             FROM bench_wh.orders o LEFT JOIN bench_wh.stores s ON o.store_id = s.id
            WHERE o.status = 'completed' AND o.ordered_at BETWEEN '2025-01-01' AND '2025-03-31'
            GROUP BY 1, 2 ORDER BY 1, 2`,
  },
  {
    name: 'average order value by quarter (ratio)',
    request: { metrics: ['average_order_value'], groupBy: ['metric_time__quarter'] },
    hand: `SELECT date_trunc('quarter', ordered_at)::date AS metric_time__quarter,
                  sum(amount)::double precision / nullif(count(id), 0) AS average_order_value
             FROM bench_wh.orders GROUP BY 1 ORDER BY 1`,
  },
  {
    name: 'distinct buyers by customer country',
    request: { metrics: ['buyers'], groupBy: ['customer__country'] },
    hand: `SELECT c.country AS customer__country, count(DISTINCT o.customer_id) AS buyers
             FROM bench_wh.orders o LEFT JOIN bench_wh.customers c ON o.customer_id = c.id GROUP BY 1 ORDER BY 1`,
  },
  {
    name: 'orders and sessions by month (two fact tables)',
    request: { metrics: ['orders', 'sessions'], groupBy: ['metric_time__month'] },
    hand: `SELECT coalesce(o.m, s.m) AS metric_time__month, o.orders, s.sessions
             FROM (SELECT date_trunc('month', ordered_at)::date AS m, count(id) AS orders FROM bench_wh.orders GROUP BY 1) o
             FULL OUTER JOIN (SELECT date_trunc('month', started_at)::date AS m, count(id) AS sessions FROM bench_wh.sessions GROUP BY 1) s
               ON o.m = s.m
            ORDER BY 1`,
  },
] as const;
