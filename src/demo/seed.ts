/**
 * Demo data for Northstar: an online shop over two years (2024-01-01 .. 2025-12-31) in
 * schema `demo`, matching the definitions under demo/definitions.
 *
 * Every row is derived from SQL `generate_series` and a seeded hash (`hashint8extended`),
 * so two runs produce identical tables. All work is set-based (INSERT ... SELECT, plus two
 * unlogged staging tables), with keys, indexes and statistics built after loading. The SQL
 * below is static; the only inputs are the sizes derived from `scale`, as bind parameters.
 *
 * Everything runs in one transaction: an interrupted or failed seed leaves the previous demo
 * schema (or none) in place, never a half-filled one. So it needs one connection: a pg Client
 * or a client checked out of a pool, not a Pool itself.
 */

/** The part of a `pg` Client (or a checked-out PoolClient) the seed needs. */
export interface SeedClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** `scale` multiplies the fact tables (orders, order items, sessions, checkouts, inventory). */
export interface SeedOptions {
  readonly scale?: number;
}

/** Row count per demo table (schema-qualified names without the schema). */
export interface SeedResult {
  readonly tables: Record<string, number>;
}

/** The schema the demo lives in. */
export const DEMO_SCHEMA = 'demo';

/** Tables the seed creates (the keys of `SeedResult.tables`). */
export const DEMO_TABLES = [
  'time_spine',
  'stores',
  'customers',
  'products',
  'orders',
  'order_items',
  'web_sessions',
  'checkouts',
  'inventory_snapshots',
] as const;

interface SeedSizes {
  readonly orders: number;
  readonly sessions: number;
  readonly customers: number;
  readonly products: number;
  /** Share of store x product pairs that carry stock (weekly snapshots). */
  readonly stockedShare: number;
}

interface SeedStep {
  readonly name: string;
  readonly sql: string;
  readonly params?: (sizes: SeedSizes) => unknown[];
}

/** Orders, sessions and stocked pairs at scale 1; customers and products do not scale. */
const BASE = { orders: 300_000, sessions: 400_000, customers: 50_000, products: 500, stockedShare: 0.25 } as const;

/**
 * (Re)creates schema `demo` and fills it deterministically. Scale 1 gives ~300k orders,
 * ~760k order items, ~400k sessions, ~274k checkouts and ~220k inventory snapshots.
 */
export async function seedDemoData(client: SeedClient, options: SeedOptions = {}): Promise<SeedResult> {
  const sizes = seedSizes(options.scale ?? 1);
  await client.query('BEGIN');
  try {
    for (const step of SEED_STEPS) await runStep(client, step, sizes);
    const tables = await countRows(client);
    await client.query('COMMIT');
    return { tables };
  } catch (error) {
    // The step's error matters more than a failed rollback (e.g. on a broken connection).
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Table sizes for a scale factor; rejects non-positive or non-finite scales. */
function seedSizes(scale: number): SeedSizes {
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`demo seed scale must be a positive number, got ${scale}`);
  return {
    orders: Math.max(1, Math.round(BASE.orders * scale)),
    sessions: Math.max(1, Math.round(BASE.sessions * scale)),
    customers: BASE.customers,
    products: BASE.products,
    stockedShare: Math.min(1, BASE.stockedShare * scale),
  };
}

async function runStep(client: SeedClient, step: SeedStep, sizes: SeedSizes): Promise<void> {
  try {
    await client.query(step.sql, step.params ? step.params(sizes) : undefined);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`demo seed step '${step.name}' failed: ${message}`, { cause: error });
  }
}

async function countRows(client: SeedClient): Promise<Record<string, number>> {
  const result = await client.query(COUNT_SQL);
  const rows = (result as { rows?: Array<{ table_name: string; row_count: string | number }> }).rows ?? [];
  const counts = new Map(rows.map((row) => [row.table_name, Number(row.row_count)]));
  const tables: Record<string, number> = {};
  for (const table of DEMO_TABLES) tables[table] = counts.get(table) ?? 0;
  return tables;
}

const COUNT_SQL = `
SELECT 'time_spine' AS table_name, count(*) AS row_count FROM demo.time_spine
UNION ALL SELECT 'stores', count(*) FROM demo.stores
UNION ALL SELECT 'customers', count(*) FROM demo.customers
UNION ALL SELECT 'products', count(*) FROM demo.products
UNION ALL SELECT 'orders', count(*) FROM demo.orders
UNION ALL SELECT 'order_items', count(*) FROM demo.order_items
UNION ALL SELECT 'web_sessions', count(*) FROM demo.web_sessions
UNION ALL SELECT 'checkouts', count(*) FROM demo.checkouts
UNION ALL SELECT 'inventory_snapshots', count(*) FROM demo.inventory_snapshots`;

// ---------------------------------------------------------------------------------------
// Schema and helpers
// ---------------------------------------------------------------------------------------

const RESET_SCHEMA = `DROP SCHEMA IF EXISTS demo CASCADE; CREATE SCHEMA demo`;

/**
 * Settings for the bulk load, for this transaction only: hash aggregates and sorts in memory,
 * parallel scans and index builds, no JIT compile time, no wait for the commit's WAL flush
 * (the data can be regenerated).
 */
const TUNE_TRANSACTION = `
SET LOCAL work_mem = '256MB';
SET LOCAL maintenance_work_mem = '512MB';
SET LOCAL parallel_setup_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL jit = off;
SET LOCAL synchronous_commit = off`;

/** Uniform [0, 1) from a key and a salt; inlined by the planner (single-SELECT SQL function). */
const CREATE_RND = `
CREATE FUNCTION demo.rnd(k bigint, salt bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (hashint8extended(k, salt) & 9007199254740991)::double precision / 9007199254740992.0 $$`;

const CREATE_TABLES = `
CREATE TABLE demo.time_spine (
  ds date NOT NULL
);
CREATE TABLE demo.stores (
  store_id integer NOT NULL,
  store_name text NOT NULL,
  city text NOT NULL,
  country text NOT NULL,
  region text NOT NULL,
  store_format text NOT NULL,
  opened_at date NOT NULL
);
CREATE TABLE demo.customers (
  customer_id integer NOT NULL,
  customer_name text NOT NULL,
  country text,
  segment text NOT NULL,
  acquisition_channel text,
  signup_date date NOT NULL
);
CREATE TABLE demo.products (
  product_id integer NOT NULL,
  product_name text NOT NULL,
  category text NOT NULL,
  brand text NOT NULL,
  unit_cost numeric(12,2) NOT NULL,
  list_price numeric(12,2) NOT NULL
);
CREATE TABLE demo.orders (
  order_id bigint NOT NULL,
  customer_id integer,
  store_id integer NOT NULL,
  ordered_at timestamp NOT NULL,
  status text NOT NULL,
  channel text NOT NULL,
  item_count integer NOT NULL,
  units integer NOT NULL,
  gross_amount numeric(12,2) NOT NULL,
  discount numeric(12,2) NOT NULL,
  order_total numeric(12,2) NOT NULL
);
CREATE TABLE demo.order_items (
  order_item_id bigint NOT NULL,
  order_id bigint NOT NULL,
  line_number integer NOT NULL,
  product_id integer NOT NULL,
  ordered_at timestamp NOT NULL,
  quantity integer NOT NULL,
  unit_price numeric(12,2) NOT NULL,
  unit_cost numeric(12,2) NOT NULL
);
CREATE TABLE demo.web_sessions (
  session_id bigint NOT NULL,
  customer_id integer,
  started_at timestamp NOT NULL,
  utm_source text,
  device text NOT NULL,
  pageviews integer NOT NULL
);
CREATE TABLE demo.checkouts (
  checkout_id bigint NOT NULL,
  session_id bigint,
  customer_id integer,
  order_id bigint,
  checkout_at timestamp NOT NULL,
  payment_method text NOT NULL
);
CREATE TABLE demo.inventory_snapshots (
  snapshot_date date NOT NULL,
  store_id integer NOT NULL,
  product_id integer NOT NULL,
  quantity_on_hand integer NOT NULL,
  unit_cost numeric(12,2) NOT NULL,
  inventory_value numeric(12,2) NOT NULL
)`;

// ---------------------------------------------------------------------------------------
// Dimension tables
// ---------------------------------------------------------------------------------------

const FILL_TIME_SPINE = `
INSERT INTO demo.time_spine (ds)
SELECT g::date FROM generate_series(date '2023-01-01', date '2026-12-31', interval '1 day') AS g`;

/** Store ids follow opening order, so "the first n stores" are the ones open at a date. */
const FILL_STORES = `
INSERT INTO demo.stores (store_id, store_name, city, country, region, store_format, opened_at)
VALUES
  (1, 'Seattle Flagship', 'Seattle', 'US', 'North America', 'flagship', date '2019-03-15'),
  (2, 'Portland Pearl', 'Portland', 'US', 'North America', 'standard', date '2019-09-01'),
  (3, 'San Francisco Union Square', 'San Francisco', 'US', 'North America', 'flagship', date '2020-02-10'),
  (4, 'Chicago Loop', 'Chicago', 'US', 'North America', 'standard', date '2020-06-20'),
  (5, 'New York SoHo', 'New York', 'US', 'North America', 'flagship', date '2020-11-05'),
  (6, 'Toronto Queen West', 'Toronto', 'CA', 'North America', 'standard', date '2021-04-12'),
  (7, 'London Covent Garden', 'London', 'GB', 'Europe', 'flagship', date '2021-05-30'),
  (8, 'Manchester Arndale', 'Manchester', 'GB', 'Europe', 'standard', date '2021-10-01'),
  (9, 'Berlin Mitte', 'Berlin', 'DE', 'Europe', 'standard', date '2022-03-03'),
  (10, 'Munich Outlet', 'Munich', 'DE', 'Europe', 'outlet', date '2022-06-18'),
  (11, 'Paris Le Marais', 'Paris', 'FR', 'Europe', 'flagship', date '2022-09-09'),
  (12, 'Amsterdam Jordaan', 'Amsterdam', 'NL', 'Europe', 'standard', date '2023-02-14'),
  (13, 'Sydney Pitt Street', 'Sydney', 'AU', 'APAC', 'standard', date '2023-05-20'),
  (14, 'Austin Outlet', 'Austin', 'US', 'North America', 'outlet', date '2023-09-02'),
  (15, 'Madrid Gran Via', 'Madrid', 'ES', 'Europe', 'standard', date '2024-03-01'),
  (16, 'Melbourne Emporium', 'Melbourne', 'AU', 'APAC', 'standard', date '2024-06-15'),
  (17, 'Singapore Orchard', 'Singapore', 'SG', 'APAC', 'flagship', date '2024-09-10'),
  (18, 'Tokyo Shibuya', 'Tokyo', 'JP', 'APAC', 'flagship', date '2025-02-01'),
  (19, 'Denver Pop-up', 'Denver', 'US', 'North America', 'popup', date '2025-05-05'),
  (20, 'Lyon Part-Dieu', 'Lyon', 'FR', 'Europe', 'standard', date '2025-09-15')`;

/**
 * Signups accelerate over time (2023-01-01 .. 2025-12-31, inside the time spine): customer id n
 * signs up floor(1095 * (n / N)^(2/3)) days after 2023-01-01, so the customers signed up by day t
 * are exactly ids 1 .. N * (t / 1095)^1.5 (about 9,600 of 50,000 by 2024-01-01).
 */
const FILL_CUSTOMERS = `
INSERT INTO demo.customers (customer_id, customer_name, country, segment, acquisition_channel, signup_date)
SELECT id,
  'Customer ' || lpad(id::text, 6, '0'),
  (ARRAY['US', 'GB', 'DE', 'FR', 'CA', 'AU', 'NL', 'ES', 'JP', 'SG', 'IT', 'SE', 'IE', NULL])
    [1 + width_bucket(demo.rnd(id, 101), '{0.35,0.47,0.57,0.64,0.71,0.77,0.81,0.85,0.89,0.92,0.94,0.96,0.98}'::float8[])],
  (ARRAY['consumer', 'business', 'vip'])[1 + width_bucket(demo.rnd(id, 102), '{0.78,0.92}'::float8[])],
  (ARRAY['organic_search', 'paid_search', 'social', 'referral', 'email', 'affiliate', NULL])
    [1 + width_bucket(demo.rnd(id, 103), '{0.28,0.48,0.63,0.73,0.80,0.88}'::float8[])],
  date '2023-01-01' + floor(1095 * power(id::double precision / $1::int, 2.0 / 3))::int
FROM generate_series(1, $1::int) AS id`;

/** Eight categories, five brands each; prices log-uniform within a category's range. */
const FILL_PRODUCTS = `
INSERT INTO demo.products (product_id, product_name, category, brand, unit_cost, list_price)
SELECT id,
  brand || ' ' || noun || ' ' || to_char(id, 'FM000'),
  category, brand,
  round(list_price * (0.40 + 0.30 * demo.rnd(id, 204))::numeric, 2),
  list_price
FROM (
  SELECT id, cat.category, cat.nouns[1 + floor(demo.rnd(id, 202) * 4)::int] AS noun,
    cat.brands[1 + floor(demo.rnd(id, 203) * 5)::int] AS brand,
    (floor(cat.min_price * power(cat.max_price / cat.min_price, demo.rnd(id, 205))) + 0.99)::numeric(12,2) AS list_price
  FROM generate_series(1, $1::int) AS id
  JOIN (VALUES
    (0, 'Electronics', 20.0, 500.0, ARRAY['Headphones', 'Speaker', 'Charger', 'Monitor'], ARRAY['Voltix', 'Lumen', 'Arcwave', 'Nordtek', 'Pixelle']),
    (1, 'Home & Kitchen', 8.0, 200.0, ARRAY['Kettle', 'Pan', 'Lamp', 'Blender'], ARRAY['Hearth', 'Oakline', 'Casa Viva', 'Brightnest', 'Copperleaf']),
    (2, 'Apparel', 12.0, 160.0, ARRAY['Jacket', 'Tee', 'Sneaker', 'Hoodie'], ARRAY['Norththread', 'Urbanly', 'Fjell', 'Loom & Co', 'Stride']),
    (3, 'Beauty', 6.0, 90.0, ARRAY['Serum', 'Cream', 'Cleanser', 'Palette'], ARRAY['Glowe', 'Purecrest', 'Velvetine', 'Aurae', 'Mossbloom']),
    (4, 'Sports & Outdoors', 12.0, 300.0, ARRAY['Tent', 'Backpack', 'Yoga Mat', 'Bottle'], ARRAY['Summitline', 'Trailforge', 'Peakform', 'Riverrun', 'Ascent']),
    (5, 'Toys & Games', 8.0, 120.0, ARRAY['Puzzle', 'Board Game', 'Robot Kit', 'Plush'], ARRAY['Playfield', 'Tinkerbox', 'Wonderly', 'Kiddo', 'Brickworks']),
    (6, 'Books', 6.0, 45.0, ARRAY['Novel', 'Cookbook', 'Atlas', 'Guide'], ARRAY['Inkwell Press', 'Paperlane', 'Foliant', 'Chapterhouse', 'Quillstone']),
    (7, 'Grocery', 3.0, 35.0, ARRAY['Coffee', 'Tea', 'Granola', 'Olive Oil'], ARRAY['Harvest Hill', 'Bean & Leaf', 'Goodgrain', 'Olivia', 'Morning Co'])
  ) AS cat(idx, category, min_price, max_price, nouns, brands)
    ON cat.idx = floor(demo.rnd(id, 201) * 8)::int
) p`;

// ---------------------------------------------------------------------------------------
// Calendar and orders
// ---------------------------------------------------------------------------------------

/**
 * One row per day with its share of the two years' volume: growth (+60% over two years),
 * weekends, month seasonality, Black Friday / Cyber Monday and holiday dips, a little noise.
 * promo: 2 on Black Friday..Cyber Monday, 1 from a week before Black Friday to Dec 23.
 * Also the day's draw thresholds: app and web shares (apps grow), return and discount odds.
 */
const CREATE_DAYS = `
CREATE UNLOGGED TABLE demo._days AS
WITH cal AS (
  SELECT g::date AS d, (g::date - date '2024-01-01') AS t,
    make_date(extract(year FROM g)::int, 11, 1) AS nov1
  FROM generate_series(date '2024-01-01', date '2025-12-31', interval '1 day') AS g
), events AS (
  SELECT d, t, nov1 + (11 - extract(isodow FROM nov1)::int) % 7 + 22 AS black_friday FROM cal
), weighted AS (
  SELECT d, t,
    (1 + 0.6 * t / 730.0)::double precision
    * CASE extract(isodow FROM d)::int WHEN 6 THEN 1.30 WHEN 7 THEN 1.22 WHEN 5 THEN 1.06 WHEN 1 THEN 0.94 ELSE 0.90 END
    * (ARRAY[0.82, 0.84, 0.95, 0.97, 1.00, 0.96, 0.93, 0.97, 1.00, 1.05, 1.30, 1.55])[extract(month FROM d)::int]
    * CASE
        WHEN d = black_friday THEN 2.6
        WHEN d = black_friday + 3 THEN 2.2
        WHEN d BETWEEN black_friday + 1 AND black_friday + 2 THEN 1.7
        WHEN d BETWEEN black_friday - 7 AND black_friday - 1 THEN 1.15
        WHEN to_char(d, 'MM-DD') = '12-24' THEN 0.70
        WHEN to_char(d, 'MM-DD') = '12-25' THEN 0.35
        WHEN to_char(d, 'MM-DD') = '12-26' THEN 0.90
        WHEN to_char(d, 'MM-DD') = '01-01' THEN 0.55
        ELSE 1.0 END
    * (0.92 + 0.16 * demo.rnd(t, 1)) AS weight,
    CASE WHEN d BETWEEN black_friday AND black_friday + 3 THEN 2
         WHEN d BETWEEN black_friday - 7 AND make_date(extract(year FROM d)::int, 12, 23) THEN 1
         ELSE 0 END AS promo
  FROM events
)
SELECT d, t, promo,
  (0.18 + 0.14 * t / 730.0)::double precision AS app_cut,
  (0.65 + 0.07 * t / 730.0)::double precision AS web_cut,
  CASE WHEN extract(month FROM d) IN (11, 12) THEN 0.10 ELSE 0.055 END::double precision AS return_p,
  (ARRAY[0.20, 0.40, 0.60])[1 + promo]::double precision AS discount_p,
  weight / sum(weight) OVER () AS share,
  round($1::int * weight / sum(weight) OVER ())::int AS order_n,
  (SELECT count(*) FROM demo.stores s WHERE s.opened_at <= w.d)::int AS open_stores,
  greatest(1, floor($2::int * power((w.d - date '2023-01-01') / 1095.0, 1.5)))::int AS max_customer
FROM weighted w`;

/**
 * Order headers before amounts are known. Apps gain share over time; store orders happen
 * 9:00-20:00, online orders peak in the evening. Guests (NULL customer) only in stores.
 * Customers are drawn among those already signed up, biased towards older accounts.
 */
const CREATE_ORDER_HEADERS = `
CREATE UNLOGGED TABLE demo._orders AS
SELECT row_number() OVER (ORDER BY ordered_at, key) AS order_id,
  d, promo, channel, ordered_at, customer_id, store_id, status, discount_rate, item_count
FROM (
  SELECT key, d, promo, channel,
    d + (CASE WHEN channel = 'store' THEN 9 + floor(5.5 * (u3 + u4))
              ELSE (44 + floor(10 * (u3 - u4)))::int % 24 END * 3600
         + floor(3600 * u5)) * interval '1 second' AS ordered_at,
    CASE WHEN channel = 'store' AND u6 < 0.12 THEN NULL
         ELSE 1 + floor(max_customer * power(u7, 1.25))::int END AS customer_id,
    1 + floor(open_stores * power(u8, 1.15))::int AS store_id,
    CASE WHEN u9 < return_p + CASE WHEN channel = 'store' THEN -0.025 ELSE 0.01 END THEN 'returned'
         WHEN u9 > 0.955 AND channel <> 'store' THEN 'cancelled'
         ELSE 'completed' END AS status,
    CASE WHEN u10 < discount_p THEN (ARRAY[0.05, 0.10, 0.15, 0.20])[1 + floor(4 * u11)::int] ELSE 0 END AS discount_rate,
    1 + width_bucket(u12, '{0.28,0.57,0.78,0.89,0.95}'::float8[]) AS item_count
  FROM (
    SELECT *, CASE WHEN u2 < app_cut THEN 'app' WHEN u2 < web_cut THEN 'web' ELSE 'store' END AS channel
    FROM (
      SELECT d.d, d.promo, d.open_stores, d.max_customer, d.app_cut, d.web_cut, d.return_p, d.discount_p, k.key,
        demo.rnd(k.key, 2) AS u2, demo.rnd(k.key, 3) AS u3, demo.rnd(k.key, 4) AS u4, demo.rnd(k.key, 5) AS u5,
        demo.rnd(k.key, 6) AS u6, demo.rnd(k.key, 7) AS u7, demo.rnd(k.key, 8) AS u8, demo.rnd(k.key, 9) AS u9,
        demo.rnd(k.key, 10) AS u10, demo.rnd(k.key, 11) AS u11, demo.rnd(k.key, 12) AS u12
      FROM demo._days d
      CROSS JOIN LATERAL (SELECT d.t::bigint * 1000000 + g AS key FROM generate_series(1, d.order_n) AS g) k
      OFFSET 0
    ) drawn
  ) chosen
) o`;

/**
 * Lines: popular products are drawn more often (power-law on product id), distinct within an
 * order. Markdowns: 30% off for 60% of lines on Black Friday..Cyber Monday, 15% off for 30% of
 * lines in the holiday season, 10% off for 6% of lines otherwise. unit_cost is copied from the
 * product at sale time.
 */
const FILL_ORDER_ITEMS = `
INSERT INTO demo.order_items (order_item_id, order_id, line_number, product_id, ordered_at, quantity, unit_price, unit_cost)
SELECT l.item_key, l.order_id, l.line_number, p.product_id, l.ordered_at,
  1 + width_bucket(demo.rnd(l.item_key, 21), '{0.72,0.90,0.97,0.98,0.99}'::float8[]),
  CASE WHEN demo.rnd(l.item_key, 23) >= CASE l.promo WHEN 2 THEN 0.60::float8 WHEN 1 THEN 0.30::float8 ELSE 0.06::float8 END
       THEN p.list_price
       WHEN l.promo = 2 THEN p.price_70 WHEN l.promo = 1 THEN p.price_85 ELSE p.price_90 END,
  p.unit_cost
FROM (
  SELECT o.order_id, o.ordered_at, o.promo, k AS line_number, o.order_id * 10 + k AS item_key,
    1 + (floor($1::int * power(demo.rnd(o.order_id, 20), 2.2))::int + 37 * (k - 1)) % $1::int AS product_id
  FROM demo._orders o CROSS JOIN LATERAL generate_series(1, o.item_count) AS k
) l
JOIN (
  SELECT product_id, list_price, unit_cost, round(list_price * 0.90, 2) AS price_90,
    round(list_price * 0.85, 2) AS price_85, round(list_price * 0.70, 2) AS price_70
  FROM demo.products
) p ON p.product_id = l.product_id`;

/** Order amounts from their lines: gross, order-level discount, total. */
const FILL_ORDERS = `
INSERT INTO demo.orders (order_id, customer_id, store_id, ordered_at, status, channel, item_count, units,
  gross_amount, discount, order_total)
SELECT o.order_id, o.customer_id, o.store_id, o.ordered_at, o.status, o.channel, o.item_count, i.units,
  i.gross, round(i.gross * o.discount_rate::numeric, 2), i.gross - round(i.gross * o.discount_rate::numeric, 2)
FROM demo._orders o
JOIN (
  SELECT order_id, sum(quantity)::int AS units, sum(quantity * unit_price) AS gross
  FROM demo.order_items GROUP BY order_id
) i ON i.order_id = o.order_id`;

// ---------------------------------------------------------------------------------------
// Funnel: sessions and checkouts
// ---------------------------------------------------------------------------------------

/**
 * Sessions: 85% of web/app orders have a tracked session before them (62% within the hour,
 * the rest 1-13 days earlier, a few outside a 7-day window); the remaining sessions are
 * browsing without purchase, 42% of them anonymous. $1 = total sessions wanted.
 */
const FILL_SESSIONS = `
INSERT INTO demo.web_sessions (session_id, customer_id, started_at, device, pageviews, utm_source)
WITH order_sessions AS (
  SELECT order_id, NULL::bigint AS browse_key, customer_id,
    ordered_at - (ARRAY[interval '1 minute', interval '1 hour', interval '1 day', interval '1 day'])[1 + lag_bucket]
      * ((ARRAY[3, 20, 3, 8])[1 + lag_bucket] + (ARRAY[57, 30, 4, 6])[1 + lag_bucket] * demo.rnd(order_id, 32)) AS started_at,
    CASE WHEN channel = 'app' THEN 'app'
         ELSE (ARRAY['desktop', 'mobile', 'tablet'])[1 + width_bucket(demo.rnd(order_id, 33), '{0.55,0.93}'::float8[])] END AS device,
    4 + floor(14 * power(demo.rnd(order_id, 34), 2))::int AS pageviews,
    demo.rnd(order_id, 35) AS source_draw
  FROM (
    SELECT order_id, customer_id, channel, ordered_at,
      width_bucket(demo.rnd(order_id, 31), '{0.62,0.84,0.95}'::float8[]) AS lag_bucket
    FROM demo.orders
    WHERE channel IN ('web', 'app') AND demo.rnd(order_id, 30) < 0.85
    OFFSET 0
  ) o
), browse_days AS (
  SELECT d.d, d.t, d.max_customer,
    round((SELECT greatest(0, $1::int - count(*) FILTER (WHERE started_at >= timestamp '2024-01-01')) FROM order_sessions)
      * d.share)::int AS n
  FROM demo._days d
), browse AS (
  SELECT NULL::bigint AS order_id, key AS browse_key,
    CASE WHEN demo.rnd(key, 36) < 0.42 THEN NULL
         ELSE 1 + floor(max_customer * power(demo.rnd(key, 37), 1.25))::int END AS customer_id,
    d + (((44 + floor(10 * (demo.rnd(key, 38) - demo.rnd(key, 39))))::int % 24) * 3600
         + floor(3600 * demo.rnd(key, 40))) * interval '1 second' AS started_at,
    (ARRAY['app', 'desktop', 'mobile', 'tablet'])[1 + width_bucket(demo.rnd(key, 41), '{0.22,0.62,0.94}'::float8[])] AS device,
    1 + floor(8 * power(demo.rnd(key, 42), 2.5))::int AS pageviews,
    demo.rnd(key, 43) AS source_draw
  FROM (
    SELECT b.d, b.max_customer, b.t::bigint * 1000000 + k AS key
    FROM browse_days b CROSS JOIN LATERAL generate_series(1, b.n) AS k
  ) keys
), all_sessions AS (
  SELECT order_id, browse_key, customer_id, started_at, device, pageviews, source_draw
  FROM order_sessions WHERE started_at >= timestamp '2024-01-01'
  UNION ALL
  SELECT order_id, browse_key, customer_id, started_at, device, pageviews, source_draw FROM browse
)
SELECT row_number() OVER (ORDER BY started_at, order_id NULLS LAST, browse_key),
  customer_id, started_at, device, pageviews,
  (ARRAY['google', 'facebook', 'instagram', 'newsletter', 'tiktok', 'affiliate', NULL])
    [1 + width_bucket(source_draw, '{0.30,0.40,0.50,0.58,0.63,0.70}'::float8[])] AS utm_source
FROM all_sessions`;

/** Needed by the checkout attribution below (and by conversion queries later). */
const INDEX_SESSIONS = `CREATE INDEX web_sessions_customer_id_idx ON demo.web_sessions (customer_id, started_at)`;

/**
 * Every web/app order went through a checkout 1-3 minutes before it, attributed to the
 * customer's latest session that started in the hour before the order (if any). Abandoned
 * checkouts (no order) come from 20% of identified and 6% of anonymous sessions.
 */
const FILL_CHECKOUTS = `
INSERT INTO demo.checkouts (checkout_id, session_id, customer_id, order_id, checkout_at, payment_method)
SELECT row_number() OVER (ORDER BY checkout_at, order_id NULLS LAST, session_id),
  session_id, customer_id, order_id, checkout_at,
  (ARRAY['card', 'paypal', 'apple_pay', 'klarna'])[1 + width_bucket(u, '{0.62,0.82,0.94}'::float8[])]
FROM (
  SELECT s.session_id, o.customer_id, o.order_id,
    o.ordered_at - (1 + 2 * demo.rnd(o.order_id, 50)) * interval '1 minute' AS checkout_at,
    demo.rnd(o.order_id, 51) AS u
  FROM demo.orders o
  LEFT JOIN LATERAL (
    SELECT ws.session_id FROM demo.web_sessions ws
    WHERE ws.customer_id = o.customer_id
      AND ws.started_at BETWEEN o.ordered_at - interval '1 hour' AND o.ordered_at
    ORDER BY ws.started_at DESC
    LIMIT 1
  ) s ON true
  WHERE o.channel IN ('web', 'app')
  UNION ALL
  SELECT s.session_id, s.customer_id, NULL,
    s.started_at + (4 + 36 * demo.rnd(s.session_id, 52)) * interval '1 minute',
    demo.rnd(s.session_id, 53)
  FROM demo.web_sessions s
  WHERE demo.rnd(s.session_id, 54) < CASE WHEN s.customer_id IS NULL THEN 0.06 ELSE 0.20 END
    AND s.started_at < timestamp '2025-12-31 23:00'
) c`;

// ---------------------------------------------------------------------------------------
// Inventory
// ---------------------------------------------------------------------------------------

/**
 * Weekly (Sunday) stock per stocked store x product pair, from the store's opening on.
 * Stock covers the product's actual weekly demand (split over the stores carrying it) with a
 * replenishment saw-tooth of 7.5 down to 2.5 weeks of cover, plus 2-6 units safety stock:
 * on average ~5 weeks (~35 days) of inventory. $1 = share of pairs stocked.
 */
const FILL_INVENTORY = `
INSERT INTO demo.inventory_snapshots (snapshot_date, store_id, product_id, quantity_on_hand, unit_cost, inventory_value)
SELECT snapshot_date, store_id, product_id, qty, unit_cost, qty * unit_cost
FROM (
  SELECT st.snapshot_date, st.store_id, st.product_id, st.unit_cost,
    (ceil(coalesce(dm.units, 0)::double precision / st.stores_carrying * (7.5::double precision - (st.week_no + st.phase) % 6))
      + 2 + floor(5 * demo.rnd(st.pair_key + st.week_no, 62)))::int AS qty
  FROM (
    SELECT w.week_start, w.snapshot_date, w.week_no, pr.store_id, pr.product_id, pr.unit_cost, pr.phase, pr.pair_key,
      count(*) OVER (PARTITION BY w.week_no, pr.product_id) AS stores_carrying
    FROM (
      SELECT g::date AS week_start, g::date + 6 AS snapshot_date, (g::date - date '2024-01-01') / 7 AS week_no
      FROM generate_series(date '2024-01-01', date '2025-12-22', interval '7 days') AS g
    ) w
    JOIN (
      SELECT s.store_id, s.opened_at, p.product_id, p.unit_cost, (s.store_id * 100000 + p.product_id) * 1000 AS pair_key,
        floor(6 * demo.rnd(s.store_id * 100000 + p.product_id, 61))::int AS phase
      FROM demo.stores s CROSS JOIN demo.products p
      WHERE demo.rnd(s.store_id * 100000 + p.product_id, 60) < $1::double precision
    ) pr ON pr.opened_at <= w.snapshot_date
  ) st
  LEFT JOIN (
    SELECT product_id, date_trunc('week', ordered_at)::date AS week_start, sum(quantity) AS units
    FROM demo.order_items GROUP BY 1, 2
  ) dm ON dm.product_id = st.product_id AND dm.week_start = st.week_start
) q`;

// ---------------------------------------------------------------------------------------
// Keys, indexes, statistics, clean-up
// ---------------------------------------------------------------------------------------

const CREATE_KEYS = `
ALTER TABLE demo.time_spine ADD PRIMARY KEY (ds);
ALTER TABLE demo.stores ADD PRIMARY KEY (store_id);
ALTER TABLE demo.customers ADD PRIMARY KEY (customer_id);
ALTER TABLE demo.products ADD PRIMARY KEY (product_id);
ALTER TABLE demo.orders ADD PRIMARY KEY (order_id);
ALTER TABLE demo.order_items ADD PRIMARY KEY (order_item_id);
ALTER TABLE demo.web_sessions ADD PRIMARY KEY (session_id);
ALTER TABLE demo.checkouts ADD PRIMARY KEY (checkout_id);
ALTER TABLE demo.inventory_snapshots ADD PRIMARY KEY (snapshot_date, store_id, product_id)`;

/** Declared for documentation and tools; NOT VALID skips re-checking rows generated consistently. */
const CREATE_FOREIGN_KEYS = `
ALTER TABLE demo.orders
  ADD FOREIGN KEY (customer_id) REFERENCES demo.customers NOT VALID,
  ADD FOREIGN KEY (store_id) REFERENCES demo.stores NOT VALID;
ALTER TABLE demo.order_items
  ADD FOREIGN KEY (order_id) REFERENCES demo.orders NOT VALID,
  ADD FOREIGN KEY (product_id) REFERENCES demo.products NOT VALID;
ALTER TABLE demo.web_sessions ADD FOREIGN KEY (customer_id) REFERENCES demo.customers NOT VALID;
ALTER TABLE demo.checkouts
  ADD FOREIGN KEY (session_id) REFERENCES demo.web_sessions NOT VALID,
  ADD FOREIGN KEY (customer_id) REFERENCES demo.customers NOT VALID,
  ADD FOREIGN KEY (order_id) REFERENCES demo.orders NOT VALID;
ALTER TABLE demo.inventory_snapshots
  ADD FOREIGN KEY (store_id) REFERENCES demo.stores NOT VALID,
  ADD FOREIGN KEY (product_id) REFERENCES demo.products NOT VALID`;

/**
 * Time columns of the event tables (range filters) and order lines by order. Aggregate queries
 * over order_items scan it whole, so it gets no time index.
 */
const CREATE_INDEXES = `
CREATE INDEX orders_ordered_at_idx ON demo.orders (ordered_at);
CREATE INDEX order_items_order_id_idx ON demo.order_items (order_id);
CREATE INDEX web_sessions_started_at_idx ON demo.web_sessions (started_at);
CREATE INDEX checkouts_checkout_at_idx ON demo.checkouts (checkout_at)`;

/** Fresh tables have no statistics; without them the planner may sort 750k lines for a merge join. */
const ANALYZE_STAGING = `ANALYZE demo.products; ANALYZE demo._days; ANALYZE demo._orders`;

const DROP_STAGING = `
DROP TABLE demo._orders;
DROP TABLE demo._days;
DROP FUNCTION demo.rnd(bigint, bigint)`;

const COMMENTS = `
COMMENT ON SCHEMA demo IS 'Northstar demo: an online shop, 2024-01-01 .. 2025-12-31 (deterministic synthetic data)';
COMMENT ON TABLE demo.time_spine IS 'One row per day, 2023-01-01 .. 2026-12-31';
COMMENT ON TABLE demo.stores IS 'Physical stores; online orders are fulfilled by a store too';
COMMENT ON TABLE demo.customers IS 'Registered customers; country and acquisition_channel may be NULL';
COMMENT ON TABLE demo.products IS 'Catalog: category, brand, unit cost and list price';
COMMENT ON TABLE demo.orders IS 'One row per order; order_total = gross_amount - discount; customer_id NULL for guest store orders';
COMMENT ON TABLE demo.order_items IS 'Order lines; ordered_at copied from the order, unit_cost from the product at sale time';
COMMENT ON TABLE demo.web_sessions IS 'Web and app sessions; customer_id NULL when anonymous, utm_source NULL for direct traffic';
COMMENT ON TABLE demo.checkouts IS 'Checkouts; order_id NULL when abandoned';
COMMENT ON TABLE demo.inventory_snapshots IS 'Weekly (Sunday) stock on hand per stocked store x product'`;

const ANALYZE = `
ANALYZE demo.time_spine;
ANALYZE demo.stores;
ANALYZE demo.customers;
ANALYZE demo.products;
ANALYZE demo.orders;
ANALYZE demo.order_items;
ANALYZE demo.web_sessions;
ANALYZE demo.checkouts;
ANALYZE demo.inventory_snapshots`;

/** In order; steps with several statements carry no parameters (simple query protocol). */
const SEED_STEPS: readonly SeedStep[] = [
  { name: 'bulk-load settings', sql: TUNE_TRANSACTION },
  { name: 'reset schema', sql: RESET_SCHEMA },
  { name: 'random helper', sql: CREATE_RND },
  { name: 'create tables', sql: CREATE_TABLES },
  { name: 'time spine', sql: FILL_TIME_SPINE },
  { name: 'stores', sql: FILL_STORES },
  { name: 'customers', sql: FILL_CUSTOMERS, params: (s) => [s.customers] },
  { name: 'products', sql: FILL_PRODUCTS, params: (s) => [s.products] },
  { name: 'calendar', sql: CREATE_DAYS, params: (s) => [s.orders, s.customers] },
  { name: 'order headers', sql: CREATE_ORDER_HEADERS },
  { name: 'staging statistics', sql: ANALYZE_STAGING },
  { name: 'order items', sql: FILL_ORDER_ITEMS, params: (s) => [s.products] },
  { name: 'orders', sql: FILL_ORDERS },
  { name: 'web sessions', sql: FILL_SESSIONS, params: (s) => [s.sessions] },
  { name: 'session index', sql: INDEX_SESSIONS },
  { name: 'checkouts', sql: FILL_CHECKOUTS },
  { name: 'inventory snapshots', sql: FILL_INVENTORY, params: (s) => [s.stockedShare] },
  { name: 'primary keys', sql: CREATE_KEYS },
  { name: 'foreign keys', sql: CREATE_FOREIGN_KEYS },
  { name: 'indexes', sql: CREATE_INDEXES },
  { name: 'clean up', sql: DROP_STAGING },
  { name: 'comments', sql: COMMENTS },
  { name: 'analyze', sql: ANALYZE },
];
