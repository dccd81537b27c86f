import { expectSameRows } from '../support/compare';
import { marketplaceSuite } from '../support/semantics';

/**
 * Simple metrics of every aggregation type, grouped by metric_time at every grain, by date
 * parts, by model time dimensions, by entities; the time constraint at several grains;
 * ordering and limits; request errors. Every expectation is hand-written SQL over the
 * marketplace tables.
 */
const { check, get } = marketplaceSuite();

const B = 'marketplace.bookings';

/** Every bookings measure, written out by hand over the bookings rows in scope. */
const ALL_AGGS = `
  count(*) AS bookings,
  sum(CASE WHEN is_instant THEN 1 ELSE 0 END) AS instant_bookings,
  sum(booking_value) AS booking_value,
  count(booking_id) AS booking_count,
  count(DISTINCT guest_id) AS bookers,
  avg(booking_value) AS average_booking_value,
  min(booking_value) AS min_booking_value,
  max(booking_value) AS max_booking_value,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY booking_value) AS median_booking_value,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY booking_value) AS booking_value_p90,
  percentile_disc(0.9) WITHIN GROUP (ORDER BY booking_value) AS booking_value_p90_discrete`;

const ALL_METRICS = [
  'bookings',
  'instant_bookings',
  'booking_value',
  'booking_count',
  'bookers',
  'average_booking_value',
  'min_booking_value',
  'max_booking_value',
  'median_booking_value',
  'booking_value_p90',
  'booking_value_p90_discrete',
];

describe('every aggregation type', () => {
  it('computes every aggregation over all bookings', () => check({ metrics: ALL_METRICS }, `SELECT ${ALL_AGGS} FROM ${B}`));

  it('knows the fixture values of the percentiles (continuous vs discrete)', async () => {
    const rows = await get().query({ metrics: ['booking_value_p90', 'booking_value_p90_discrete', 'median_booking_value'] });
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!['booking_value_p90'])).toBeCloseTo(1417.43, 2);
    expect(Number(rows[0]!['booking_value_p90_discrete'])).toBeCloseTo(1424.93, 2);
  });

  it('computes every aggregation per month', () =>
    check(
      { metrics: ALL_METRICS, groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, ${ALL_AGGS} FROM ${B} GROUP BY 1`,
    ));

  it('computes every aggregation per quarter within a time constraint', () =>
    check(
      { metrics: ALL_METRICS, groupBy: ['metric_time__quarter'], timeConstraint: { start: '2020-01-01', end: '2020-06-30' } },
      `SELECT date_trunc('quarter', ds)::date AS metric_time__quarter, ${ALL_AGGS} FROM ${B}
        WHERE ds >= '2020-01-01' AND ds <= '2020-06-30' GROUP BY 1`,
    ));

  it('keeps the NULL is_instant group for order statistics and counts (sum_boolean counts only TRUE)', () =>
    check(
      {
        metrics: ['instant_bookings', 'median_booking_value', 'booking_value_p90', 'booking_value_p90_discrete', 'min_booking_value', 'max_booking_value', 'average_booking_value'],
        groupBy: ['booking__is_instant'],
      },
      `SELECT is_instant AS booking__is_instant,
              sum(CASE WHEN is_instant THEN 1 ELSE 0 END) AS instant_bookings,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY booking_value) AS median_booking_value,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY booking_value) AS booking_value_p90,
              percentile_disc(0.9) WITHIN GROUP (ORDER BY booking_value) AS booking_value_p90_discrete,
              min(booking_value) AS min_booking_value, max(booking_value) AS max_booking_value,
              avg(booking_value) AS average_booking_value
         FROM ${B} GROUP BY 1`,
    ));

  it('counts non-NULL values, distinct guests and sums (NULL values ignored, 0.00 kept) per booking source', () =>
    check(
      { metrics: ['booking_count', 'bookers', 'booking_value', 'bookings', 'min_booking_value'], groupBy: ['booking__booking_source'] },
      `SELECT booking_source AS booking__booking_source, count(booking_id) AS booking_count, count(DISTINCT guest_id) AS bookers,
              sum(booking_value) AS booking_value, count(*) AS bookings, min(booking_value) AS min_booking_value
         FROM ${B} GROUP BY 1`,
    ));

  it('counts distinct guests per week (not the sum of daily distinct counts)', () =>
    check(
      { metrics: ['bookers'], groupBy: ['metric_time__week'] },
      `SELECT date_trunc('week', ds)::date AS metric_time__week, count(DISTINCT guest_id) AS bookers FROM ${B} GROUP BY 1`,
    ));

  it('aggregates a count_distinct measure with a timestamp aggregation time (listings created per month)', () =>
    check(
      { metrics: ['listings_created'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', created_at)::date AS metric_time__month, count(DISTINCT listing_id) AS listings_created
         FROM marketplace.listings GROUP BY 1`,
    ));

  it('gives new_users its time_granularity (week) when metric_time has no grain', () =>
    check(
      { metrics: ['new_users'], groupBy: ['metric_time'] },
      `SELECT date_trunc('week', signup_date)::date AS metric_time__week, count(user_id) AS new_users FROM marketplace.users GROUP BY 1`,
    ));

  it('lets new_users be asked for at month grain explicitly', () =>
    check(
      { metrics: ['new_users'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', signup_date)::date AS metric_time__month, count(user_id) AS new_users FROM marketplace.users GROUP BY 1`,
    ));

  it('puts paid_booking_value on the payment day (measure-level agg_time_dimension) within a time constraint', () =>
    check(
      { metrics: ['paid_booking_value'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-02-01', end: '2020-04-30' } },
      `SELECT date_trunc('month', paid_at)::date AS metric_time__month, sum(booking_value) AS paid_booking_value
         FROM ${B} WHERE paid_at >= '2020-02-01' AND paid_at < '2020-05-01' GROUP BY 1`,
    ));

  it('puts paid_booking_value on the payment day at day grain (timestamps truncated to dates)', () =>
    check(
      { metrics: ['paid_booking_value'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-03-01', end: '2020-03-15' } },
      `SELECT date_trunc('day', paid_at)::date AS metric_time__day, sum(booking_value) AS paid_booking_value
         FROM ${B} WHERE paid_at >= '2020-03-01' AND paid_at < '2020-03-16' GROUP BY 1`,
    ));

  it('applies a date time constraint to a timestamp aggregation time through the whole end day', () =>
    check(
      { metrics: ['listings_created'], groupBy: ['metric_time__month'], timeConstraint: { start: '2019-06-01', end: '2019-12-31' } },
      `SELECT date_trunc('month', created_at)::date AS metric_time__month, count(DISTINCT listing_id) AS listings_created
         FROM marketplace.listings WHERE created_at >= '2019-06-01' AND created_at < '2020-01-01' GROUP BY 1`,
    ));

  it('applies a timestamp time constraint to a timestamp aggregation time, both ends inclusive', () =>
    check(
      { metrics: ['paid_booking_value'], timeConstraint: { start: '2020-03-01T12:00:00', end: '2020-03-05T12:00:00' } },
      `SELECT sum(booking_value) AS paid_booking_value FROM ${B}
        WHERE paid_at >= timestamp '2020-03-01 12:00:00' AND paid_at <= timestamp '2020-03-05 12:00:00'`,
    ));
});

describe('date parts and time grains', () => {
  it('groups by year and quarter date parts as integers', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['metric_time__extract_year', 'metric_time__extract_quarter'] },
      `SELECT extract(year FROM ds)::int AS metric_time__extract_year, extract(quarter FROM ds)::int AS metric_time__extract_quarter,
              count(*) AS bookings, sum(booking_value) AS booking_value
         FROM ${B} GROUP BY 1, 2`,
    ));

  it('groups by month of year, merging December 2019 with nothing else', () =>
    check(
      { metrics: ['bookers'], groupBy: ['metric_time__extract_month'] },
      `SELECT extract(month FROM ds)::int AS metric_time__extract_month, count(DISTINCT guest_id) AS bookers FROM ${B} GROUP BY 1`,
    ));

  it('groups by ISO day of week (1 = Monday, 7 = Sunday)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__extract_dow'] },
      `SELECT extract(isodow FROM ds)::int AS metric_time__extract_dow, count(*) AS bookings FROM ${B} GROUP BY 1`,
    ));

  it('has Sunday as 7 (the ISO week spans 2019-12-29 .. 2020-01-01)', async () => {
    const rows = await get().query({
      metrics: ['bookings'],
      groupBy: ['metric_time__day', 'metric_time__extract_dow'],
      timeConstraint: { start: '2019-12-29', end: '2019-12-30' },
    });
    const byDay = Object.fromEntries(rows.map((r) => [String(r['metric_time__day']), Number(r['metric_time__extract_dow'])]));
    expect(byDay).toEqual({ '2019-12-29': 7, '2019-12-30': 1 });
  });

  it('groups by day of year within a time constraint', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__extract_doy'], timeConstraint: { start: '2019-12-25', end: '2020-01-10' } },
      `SELECT extract(doy FROM ds)::int AS metric_time__extract_doy, count(*) AS bookings FROM ${B}
        WHERE ds BETWEEN '2019-12-25' AND '2020-01-10' GROUP BY 1`,
    ));

  it('groups by week date part and day of month', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__extract_week', 'metric_time__extract_day'] },
      `SELECT extract(week FROM ds)::int AS metric_time__extract_week, extract(day FROM ds)::int AS metric_time__extract_day, count(*) AS bookings
         FROM ${B} GROUP BY 1, 2`,
    ));

  it('takes grain and date part from groupByItems objects', () =>
    check(
      {
        metrics: ['bookings', 'instant_bookings'],
        groupByItems: [
          { name: 'metric_time', grain: 'week' },
          { name: 'metric_time', datePart: 'dow' },
        ],
      },
      `SELECT date_trunc('week', ds)::date AS metric_time__week, extract(isodow FROM ds)::int AS metric_time__extract_dow,
              count(*) AS bookings, sum(CASE WHEN is_instant THEN 1 ELSE 0 END) AS instant_bookings
         FROM ${B} GROUP BY 1, 2`,
    ));

  it('groups by a model time dimension at a grain and a date part (booking__ds)', () =>
    check(
      { metrics: ['booking_value'], groupByItems: [{ name: 'booking__ds', grain: 'quarter' }, { name: 'booking__ds', datePart: 'year' }] },
      `SELECT date_trunc('quarter', ds)::date AS booking__ds__quarter, extract(year FROM ds)::int AS booking__ds__extract_year,
              sum(booking_value) AS booking_value
         FROM ${B} GROUP BY 1, 2`,
    ));

  it('gives a model time dimension without a grain its own grain and suffix (booking__ds -> booking__ds__day)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['booking__ds'], timeConstraint: { start: '2020-04-01', end: '2020-04-30' } },
      `SELECT ds AS booking__ds__day, count(*) AS bookings FROM ${B} WHERE ds BETWEEN '2020-04-01' AND '2020-04-30' GROUP BY 1`,
    ));

  it('mixes groupBy names and groupByItems objects (groupBy first)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['booking__is_instant'], groupByItems: [{ name: 'metric_time', grain: 'quarter' }] },
      `SELECT is_instant AS booking__is_instant, date_trunc('quarter', ds)::date AS metric_time__quarter, count(*) AS bookings
         FROM ${B} GROUP BY 1, 2 ORDER BY 1, 2`,
      [],
      { ordered: true },
    ));

  it('groups by a second time dimension of the model (paid_at by month, NULL while unpaid)', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['booking__paid_at__month'] },
      `SELECT date_trunc('month', paid_at)::date AS booking__paid_at__month, count(*) AS bookings, sum(booking_value) AS booking_value
         FROM ${B} GROUP BY 1`,
    ));

  it('groups by metric_time and a model time dimension together', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__month', 'booking__paid_at__month'], timeConstraint: { start: '2020-01-01', end: '2020-03-31' } },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, date_trunc('month', paid_at)::date AS booking__paid_at__month, count(*) AS bookings
         FROM ${B} WHERE ds BETWEEN '2020-01-01' AND '2020-03-31' GROUP BY 1, 2`,
    ));

  it('groups by year', () =>
    check(
      { metrics: ['bookings', 'bookers', 'median_booking_value'], groupBy: ['metric_time__year'] },
      `SELECT date_trunc('year', ds)::date AS metric_time__year, count(*) AS bookings, count(DISTINCT guest_id) AS bookers,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY booking_value) AS median_booking_value
         FROM ${B} GROUP BY 1`,
    ));
});

describe('entities as group-by items', () => {
  it('groups by the listing entity (orphan listing ids included)', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['listing'] },
      `SELECT listing_id AS listing, count(*) AS bookings, sum(booking_value) AS booking_value FROM ${B} GROUP BY 1`,
    ));

  it("groups by the model's own primary entity (booking)", () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['booking'], where: [`{{ Entity('booking') }} <= 25`] },
      `SELECT booking_id AS booking, count(*) AS bookings, sum(booking_value) AS booking_value FROM ${B} WHERE booking_id <= 25 GROUP BY 1`,
    ));

  it('groups by the guest and host entities', () =>
    check(
      { metrics: ['bookings'], groupBy: ['guest', 'host'] },
      `SELECT guest_id AS guest, host_id AS host, count(*) AS bookings FROM ${B} GROUP BY 1, 2`,
    ));

  it('groups by an entity and metric_time', () =>
    check(
      { metrics: ['bookings', 'max_booking_value'], groupBy: ['listing', 'metric_time__quarter'] },
      `SELECT listing_id AS listing, date_trunc('quarter', ds)::date AS metric_time__quarter, count(*) AS bookings, max(booking_value) AS max_booking_value
         FROM ${B} GROUP BY 1, 2`,
    ));
});

describe('time constraint', () => {
  it('constrains without grouping', () =>
    check(
      { metrics: ['booking_value', 'median_booking_value', 'bookers'], timeConstraint: { start: '2020-03-01', end: '2020-03-31' } },
      `SELECT sum(booking_value) AS booking_value, percentile_cont(0.5) WITHIN GROUP (ORDER BY booking_value) AS median_booking_value,
              count(DISTINCT guest_id) AS bookers
         FROM ${B} WHERE ds BETWEEN '2020-03-01' AND '2020-03-31'`,
    ));

  it('constrains a weekly grouping by days (partial weeks at both ends, across the year boundary)', () =>
    check(
      { metrics: ['bookings', 'bookers'], groupBy: ['metric_time__week'], timeConstraint: { start: '2019-12-31', end: '2020-01-14' } },
      `SELECT date_trunc('week', ds)::date AS metric_time__week, count(*) AS bookings, count(DISTINCT guest_id) AS bookers
         FROM ${B} WHERE ds BETWEEN '2019-12-31' AND '2020-01-14' GROUP BY 1`,
    ));

  it('constrains a monthly grouping on day boundaries (inclusive end day)', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-01-15', end: '2020-03-15' } },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, count(*) AS bookings, sum(booking_value) AS booking_value
         FROM ${B} WHERE ds >= '2020-01-15' AND ds <= '2020-03-15' GROUP BY 1`,
    ));

  it('constrains a quarterly grouping', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__quarter'], timeConstraint: { start: '2019-12-01', end: '2020-04-30' } },
      `SELECT date_trunc('quarter', ds)::date AS metric_time__quarter, count(*) AS bookings
         FROM ${B} WHERE ds BETWEEN '2019-12-01' AND '2020-04-30' GROUP BY 1`,
    ));

  it('takes an open-ended constraint (start only)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-05-10' } },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, count(*) AS bookings FROM ${B} WHERE ds >= '2020-05-10' GROUP BY 1`,
    ));

  it('takes an open-ended constraint (end only)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__year'], timeConstraint: { end: '2019-12-31' } },
      `SELECT date_trunc('year', ds)::date AS metric_time__year, count(*) AS bookings FROM ${B} WHERE ds <= '2019-12-31' GROUP BY 1`,
    ));

  it('returns no rows for a range without bookings when grouping (the week of 2020-03-16)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-03-16', end: '2020-03-22' } },
      `SELECT ds AS metric_time__day, count(*) AS bookings FROM ${B} WHERE ds BETWEEN '2020-03-16' AND '2020-03-22' GROUP BY 1`,
    ));
});

describe('ordering and limits', () => {
  it('orders by a metric descending with a limit', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__month'], orderBy: ['-bookings'], limit: 3 },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, count(*) AS bookings FROM ${B} GROUP BY 1 ORDER BY 2 DESC LIMIT 3`,
      [],
      { ordered: true },
    ));

  it('orders by a group-by item descending', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['metric_time__month'], orderBy: ['-metric_time__month'], limit: 2 },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, count(*) AS bookings, sum(booking_value) AS booking_value
         FROM ${B} GROUP BY 1 ORDER BY 1 DESC LIMIT 2`,
      [],
      { ordered: true },
    ));

  it('orders by metric_time named without its grain', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time'], orderBy: ['-metric_time'], limit: 5 },
      `SELECT ds AS metric_time__day, count(*) AS bookings FROM ${B} GROUP BY 1 ORDER BY 1 DESC LIMIT 5`,
      [],
      { ordered: true },
    ));

  it('orders by a metric ascending then by a key', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__extract_dow'], orderBy: ['bookings', 'metric_time__extract_dow'] },
      `SELECT extract(isodow FROM ds)::int AS metric_time__extract_dow, count(*) AS bookings FROM ${B} GROUP BY 1 ORDER BY 2, 1`,
      [],
      { ordered: true },
    ));

  it('orders by the group-by items in request order by default', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__extract_year', 'metric_time__extract_month'] },
      `SELECT extract(year FROM ds)::int AS metric_time__extract_year, extract(month FROM ds)::int AS metric_time__extract_month, count(*) AS bookings
         FROM ${B} GROUP BY 1, 2 ORDER BY 1, 2`,
      [],
      { ordered: true },
    ));

  it('orders by metric_time named without a grain as the metric_time item it names (day), next to a month key', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__month', 'metric_time'], orderBy: ['-metric_time'], limit: 5 },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, ds AS metric_time__day, count(*) AS bookings
         FROM ${B} GROUP BY 1, 2 ORDER BY 2 DESC LIMIT 5`,
      [],
      { ordered: true },
    ));

  it('answers a group-by item asked for twice once, or rejects it as INVALID_QUERY (never a warehouse error)', async () => {
    const request = { metrics: ['bookings'], groupBy: ['metric_time__month', 'metric_time__month'] };
    let rows: Array<Record<string, unknown>>;
    try {
      rows = await get().query(request);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_QUERY' });
      return;
    }
    expectSameRows(rows, await get().sql(`SELECT date_trunc('month', ds)::date AS metric_time__month, count(*) AS bookings FROM ${B} GROUP BY 1`));
  });

  it('applies limit 0', async () => {
    const rows = await get().query({ metrics: ['bookings'], groupBy: ['metric_time__month'], limit: 0 });
    expect(rows).toEqual([]);
  });
});

describe('request errors', () => {
  it('rejects an unknown metric, suggesting the closest name', async () => {
    const error = get().query({ metrics: ['booking'] });
    await expect(error).rejects.toMatchObject({ code: 'UNKNOWN_METRIC' });
    await expect(get().query({ metrics: ['bookngs'] })).rejects.toThrow(/bookings/);
  });

  it('rejects an unknown dimension with a did-you-mean', async () => {
    await expect(get().query({ metrics: ['bookings'], groupBy: ['listing__contry'] })).rejects.toMatchObject({
      code: 'UNKNOWN_DIMENSION',
      message: expect.stringMatching(/listing__country/),
    });
  });

  it('rejects a dimension on another entity path', async () => {
    await expect(get().query({ metrics: ['bookings'], groupBy: ['booking__country'] })).rejects.toMatchObject({ code: 'UNKNOWN_DIMENSION' });
  });

  it('rejects a grain that does not exist', async () => {
    await expect(get().query({ metrics: ['bookings'], groupByItems: [{ name: 'metric_time', grain: 'fortnight' }] })).rejects.toMatchObject({
      code: 'INVALID_QUERY',
    });
    await expect(get().query({ metrics: ['bookings'], groupByItems: [{ name: 'metric_time', datePart: 'century' }] })).rejects.toMatchObject({
      code: 'INVALID_QUERY',
    });
  });

  it('rejects a grain finer than the time dimension', async () => {
    await expect(get().query({ metrics: ['bookings'], groupBy: ['metric_time__hour'] })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
  });

  it('rejects a grain on a categorical dimension', async () => {
    await expect(get().query({ metrics: ['bookings'], groupByItems: [{ name: 'booking__booking_source', grain: 'month' }] })).rejects.toMatchObject({
      code: 'INVALID_QUERY',
    });
  });

  it('rejects ordering by something not requested', async () => {
    await expect(get().query({ metrics: ['bookings'], groupBy: ['metric_time__month'], orderBy: ['booking_value'] })).rejects.toMatchObject({
      code: 'INVALID_QUERY',
    });
    await expect(get().query({ metrics: ['bookings'], groupBy: ['metric_time__month'], orderBy: ['-listing__country'] })).rejects.toMatchObject({
      code: 'INVALID_QUERY',
    });
  });

  it('rejects a negative limit, a metric asked twice and a reversed time constraint', async () => {
    await expect(get().query({ metrics: ['bookings'], limit: -1 })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    await expect(get().query({ metrics: ['bookings', 'bookings'] })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    await expect(get().query({ metrics: ['bookings'], timeConstraint: { start: '2020-03-01', end: '2020-02-01' } })).rejects.toMatchObject({
      code: 'INVALID_QUERY',
    });
    await expect(get().query({ metrics: ['bookings'], timeConstraint: { start: '2020-13-01' } })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
  });
});
