import { marketplaceSuite } from '../support/semantics';

const { check } = marketplaceSuite();

/*
 * Offsets in derived metrics (src/planner/README.md): `offset_window: N unit` shifts the input's
 * rows forward by N unit before aggregating (the value at T is computed from rows at T - N unit);
 * `offset_to_grain: g` gives each period the input's value at the start of its g period. The time
 * constraint applies to each measure's aggregation time shifted by its offset.
 *
 * Inputs of a derived metric are combined as a full outer join on the group-by keys, so a period
 * where only one input has rows appears, with NULL for the other input and (NULL arithmetic) a
 * NULL derived value.
 *
 * Open choice: periods where an offset input has no value. MetricFlow joins the time spine to the
 * offset input with an INNER JOIN ("Join to Time Spine Dataset", spec.md section 11), so an
 * offset input contributes no row there; e.g. bookings_start_of_month has no row for the days
 * of February and May 2020 (no bookings on 2020-02-01 / 2020-05-01), and without a time
 * constraint the offset input reaches past the data (bookings_1w_ago has rows up to 2020-07-07).
 *
 * Month arithmetic follows the README literally (rows shifted forward): date + interval '1 month'
 * in PostgreSQL, so bookings of Jan 29, 30 and 31 all land on Feb 29, and nothing lands on
 * Mar 30 / Mar 31.
 */

const DAILY = `SELECT ds AS day, count(*)::numeric AS n FROM marketplace.bookings GROUP BY ds`;

describe('offset_window 1 week (bookings_growth)', () => {
  it('per day over all data: (bookings - bookings 7 days earlier) / bookings 7 days earlier', () =>
    check(
      { metrics: ['bookings_growth'], groupBy: ['metric_time__day'] },
      `WITH cur AS (${DAILY}),
            prev AS (SELECT day + 7 AS day, n FROM cur)
       SELECT coalesce(cur.day, prev.day) AS metric_time__day,
              CAST(cur.n - prev.n AS double precision) / NULLIF(prev.n, 0) AS bookings_growth
         FROM cur FULL JOIN prev ON prev.day = cur.day`,
    ));

  it('per day with a time constraint: the offset input reads rows from before the start', () =>
    check(
      { metrics: ['bookings_growth'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-03-20', end: '2020-04-05' } },
      `WITH cur AS (${DAILY}),
            prev AS (SELECT day + 7 AS day, n FROM cur)
       SELECT coalesce(cur.day, prev.day) AS metric_time__day,
              CAST(cur.n - prev.n AS double precision) / NULLIF(prev.n, 0) AS bookings_growth
         FROM (SELECT * FROM cur WHERE day BETWEEN '2020-03-20' AND '2020-04-05') cur
         FULL JOIN (SELECT * FROM prev WHERE day BETWEEN '2020-03-20' AND '2020-04-05') prev ON prev.day = cur.day`,
    ));

  it('per week: each week against the previous week', () =>
    check(
      { metrics: ['bookings_growth'], groupBy: ['metric_time__week'], timeConstraint: { start: '2019-12-30', end: '2020-03-29' } },
      `WITH cur AS (SELECT date_trunc('week', ds)::date AS w, count(*) AS n FROM marketplace.bookings
                     WHERE ds BETWEEN '2019-12-30' AND '2020-03-29' GROUP BY 1),
            prev AS (SELECT date_trunc('week', ds + 7)::date AS w, count(*) AS n FROM marketplace.bookings
                     WHERE ds + 7 BETWEEN '2019-12-30' AND '2020-03-29' GROUP BY 1)
       SELECT coalesce(cur.w, prev.w) AS metric_time__week,
              CAST(cur.n - prev.n AS double precision) / NULLIF(prev.n, 0) AS bookings_growth
         FROM cur FULL JOIN prev ON prev.w = cur.w`,
    ));

  it('per month: rows shifted by 7 days, then summed per month', () =>
    check(
      { metrics: ['bookings_growth'], groupBy: ['metric_time__month'] },
      `WITH cur AS (SELECT date_trunc('month', ds)::date AS m, count(*) AS n FROM marketplace.bookings GROUP BY 1),
            prev AS (SELECT date_trunc('month', ds + 7)::date AS m, count(*) AS n FROM marketplace.bookings GROUP BY 1)
       SELECT coalesce(cur.m, prev.m) AS metric_time__month,
              CAST(cur.n - prev.n AS double precision) / NULLIF(prev.n, 0) AS bookings_growth
         FROM cur FULL JOIN prev ON prev.m = cur.m`,
    ));

  it('bookings_growth_pct (derived over the offset derived metric) per week', () =>
    check(
      { metrics: ['bookings_growth_pct'], groupBy: ['metric_time__week'] },
      `WITH cur AS (SELECT date_trunc('week', ds)::date AS w, count(*) AS n FROM marketplace.bookings GROUP BY 1),
            prev AS (SELECT date_trunc('week', ds + 7)::date AS w, count(*) AS n FROM marketplace.bookings GROUP BY 1)
       SELECT coalesce(cur.w, prev.w) AS metric_time__week,
              CAST(cur.n - prev.n AS double precision) / NULLIF(prev.n, 0) * 100 AS bookings_growth_pct
         FROM cur FULL JOIN prev ON prev.w = cur.w`,
    ));

  it('bookings_growth with bookings in the same request', () =>
    check(
      { metrics: ['bookings', 'bookings_growth'], groupBy: ['metric_time__week'], timeConstraint: { start: '2020-03-02', end: '2020-04-12' } },
      `WITH cur AS (SELECT date_trunc('week', ds)::date AS w, count(*) AS n FROM marketplace.bookings
                     WHERE ds BETWEEN '2020-03-02' AND '2020-04-12' GROUP BY 1),
            prev AS (SELECT date_trunc('week', ds + 7)::date AS w, count(*) AS n FROM marketplace.bookings
                     WHERE ds + 7 BETWEEN '2020-03-02' AND '2020-04-12' GROUP BY 1)
       SELECT coalesce(cur.w, prev.w) AS metric_time__week, cur.n AS bookings,
              CAST(cur.n - prev.n AS double precision) / NULLIF(prev.n, 0) AS bookings_growth
         FROM cur FULL JOIN prev ON prev.w = cur.w`,
    ));

  it('instant_booking_rate_wow_change (ratio minus the ratio 7 days earlier) per day', () =>
    check(
      { metrics: ['instant_booking_rate_wow_change'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-01-10', end: '2020-01-31' } },
      `WITH r AS (SELECT ds AS day, CAST(count(*) FILTER (WHERE is_instant) AS double precision) / NULLIF(count(*), 0) AS rate
                    FROM marketplace.bookings GROUP BY ds),
            cur AS (SELECT * FROM r WHERE day BETWEEN '2020-01-10' AND '2020-01-31'),
            prev AS (SELECT day + 7 AS day, rate FROM r WHERE day + 7 BETWEEN '2020-01-10' AND '2020-01-31')
       SELECT coalesce(cur.day, prev.day) AS metric_time__day, cur.rate - prev.rate AS instant_booking_rate_wow_change
         FROM cur FULL JOIN prev ON prev.day = cur.day`,
    ));

  it('bookings_growth per week and booking__is_instant', () =>
    check(
      { metrics: ['bookings_growth'], groupBy: ['metric_time__week', 'booking__is_instant'], timeConstraint: { start: '2020-01-06', end: '2020-02-23' } },
      `WITH cur AS (SELECT date_trunc('week', ds)::date AS w, is_instant, count(*) AS n FROM marketplace.bookings
                     WHERE ds BETWEEN '2020-01-06' AND '2020-02-23' GROUP BY 1, 2),
            prev AS (SELECT date_trunc('week', ds + 7)::date AS w, is_instant, count(*) AS n FROM marketplace.bookings
                     WHERE ds + 7 BETWEEN '2020-01-06' AND '2020-02-23' GROUP BY 1, 2)
       SELECT coalesce(cur.w, prev.w) AS metric_time__week, coalesce(cur.is_instant, prev.is_instant) AS booking__is_instant,
              CAST(cur.n - prev.n AS double precision) / NULLIF(prev.n, 0) AS bookings_growth
         FROM cur FULL JOIN prev ON prev.w = cur.w AND prev.is_instant IS NOT DISTINCT FROM cur.is_instant`,
    ));
});

describe('offset_window 1 month (bookings_mom)', () => {
  it('metric_time without a grain takes the metric time_granularity (month)', () =>
    check(
      { metrics: ['bookings_mom'], groupBy: ['metric_time'] },
      `WITH cur AS (SELECT date_trunc('month', ds)::date AS m, count(*) AS n FROM marketplace.bookings GROUP BY 1),
            prev AS (SELECT date_trunc('month', ds + interval '1 month')::date AS m, count(*) AS n FROM marketplace.bookings GROUP BY 1)
       SELECT coalesce(cur.m, prev.m) AS metric_time__month, cur.n - prev.n AS bookings_mom
         FROM cur FULL JOIN prev ON prev.m = cur.m`,
    ));

  it('per month with a time constraint (the offset input reads the month before the start)', () =>
    check(
      { metrics: ['bookings_mom'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-02-01', end: '2020-04-30' } },
      `WITH cur AS (SELECT date_trunc('month', ds)::date AS m, count(*) AS n FROM marketplace.bookings
                     WHERE ds BETWEEN '2020-02-01' AND '2020-04-30' GROUP BY 1),
            prev AS (SELECT date_trunc('month', ds + interval '1 month')::date AS m, count(*) AS n FROM marketplace.bookings
                     WHERE (ds + interval '1 month')::date BETWEEN '2020-02-01' AND '2020-04-30' GROUP BY 1)
       SELECT coalesce(cur.m, prev.m) AS metric_time__month, cur.n - prev.n AS bookings_mom
         FROM cur FULL JOIN prev ON prev.m = cur.m`,
    ));

  it('per day across month ends (rows shifted forward by one calendar month)', () =>
    check(
      { metrics: ['bookings_mom'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-02-20', end: '2020-03-31' } },
      `WITH cur AS (SELECT ds AS day, count(*) AS n FROM marketplace.bookings WHERE ds BETWEEN '2020-02-20' AND '2020-03-31' GROUP BY 1),
            prev AS (SELECT (ds + interval '1 month')::date AS day, count(*) AS n FROM marketplace.bookings
                     WHERE (ds + interval '1 month')::date BETWEEN '2020-02-20' AND '2020-03-31' GROUP BY 1)
       SELECT coalesce(cur.day, prev.day) AS metric_time__day, cur.n - prev.n AS bookings_mom
         FROM cur FULL JOIN prev ON prev.day = cur.day`,
    ));

  it('per week', () =>
    check(
      { metrics: ['bookings_mom'], groupBy: ['metric_time__week'], timeConstraint: { start: '2020-01-27', end: '2020-03-29' } },
      `WITH cur AS (SELECT date_trunc('week', ds)::date AS w, count(*) AS n FROM marketplace.bookings
                     WHERE ds BETWEEN '2020-01-27' AND '2020-03-29' GROUP BY 1),
            prev AS (SELECT date_trunc('week', ds + interval '1 month')::date AS w, count(*) AS n FROM marketplace.bookings
                     WHERE (ds + interval '1 month')::date BETWEEN '2020-01-27' AND '2020-03-29' GROUP BY 1)
       SELECT coalesce(cur.w, prev.w) AS metric_time__week, cur.n - prev.n AS bookings_mom
         FROM cur FULL JOIN prev ON prev.w = cur.w`,
    ));
});

describe('offset_to_grain month (bookings_start_of_month)', () => {
  it('per day: each day gets the bookings of the first day of its month; no row where that day had none', () =>
    check(
      { metrics: ['bookings_start_of_month'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-01-20', end: '2020-03-10' } },
      `SELECT s.d::date AS metric_time__day, count(*) AS bookings_start_of_month
         FROM generate_series(date '2020-01-20', date '2020-03-10', interval '1 day') AS s(d)
         JOIN marketplace.bookings b ON b.ds = date_trunc('month', s.d)::date
        GROUP BY 1`,
    ));

  it('next to bookings: February days appear (from bookings) with a NULL start-of-month value', () =>
    check(
      { metrics: ['bookings', 'bookings_start_of_month'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-01-20', end: '2020-03-10' } },
      `WITH cur AS (SELECT ds AS day, count(*) AS n FROM marketplace.bookings WHERE ds BETWEEN '2020-01-20' AND '2020-03-10' GROUP BY 1),
            som AS (SELECT s.d::date AS day, count(*) AS n
                      FROM generate_series(date '2020-01-20', date '2020-03-10', interval '1 day') AS s(d)
                      JOIN marketplace.bookings b ON b.ds = date_trunc('month', s.d)::date GROUP BY 1)
       SELECT coalesce(cur.day, som.day) AS metric_time__day, cur.n AS bookings, som.n AS bookings_start_of_month
         FROM cur FULL JOIN som ON som.day = cur.day`,
    ));

  it('per day in April 2020 (every day carries the 2020-04-01 count)', () =>
    check(
      { metrics: ['bookings_start_of_month'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-04-01', end: '2020-04-30' } },
      `SELECT s.d::date AS metric_time__day, (SELECT count(*) FROM marketplace.bookings WHERE ds = '2020-04-01') AS bookings_start_of_month
         FROM generate_series(date '2020-04-01', date '2020-04-30', interval '1 day') AS s(d)`,
    ));
});

describe('offset_to_grain without a time constraint', () => {
  it('per day over all data: only months whose first day has bookings (Dec, Jan, Mar, Apr, Jun), every day of them', () =>
    check(
      { metrics: ['bookings_start_of_month'], groupBy: ['metric_time__day'] },
      `SELECT s.ds AS metric_time__day, count(*) AS bookings_start_of_month
         FROM marketplace.time_spine_days s
         JOIN marketplace.bookings b ON b.ds = date_trunc('month', s.ds)::date
        GROUP BY s.ds`,
    ));
});

describe('offsets with filters, dimensions and coarser grains', () => {
  it('bookings_growth per week with a where filter on a joined dimension (both inputs filtered)', () =>
    check(
      { metrics: ['bookings_growth'], groupBy: ['metric_time__week'], where: [`{{ Dimension('listing__country') }} = 'us'`], timeConstraint: { start: '2020-01-06', end: '2020-03-01' } },
      `WITH us AS (SELECT b.* FROM marketplace.bookings b JOIN marketplace.listings l ON l.listing_id = b.listing_id WHERE l.country = 'us'),
            cur AS (SELECT date_trunc('week', ds)::date AS w, count(*) AS n FROM us WHERE ds BETWEEN '2020-01-06' AND '2020-03-01' GROUP BY 1),
            prev AS (SELECT date_trunc('week', ds + 7)::date AS w, count(*) AS n FROM us WHERE ds + 7 BETWEEN '2020-01-06' AND '2020-03-01' GROUP BY 1)
       SELECT coalesce(cur.w, prev.w) AS metric_time__week, CAST(cur.n - prev.n AS double precision) / NULLIF(prev.n, 0) AS bookings_growth
         FROM cur FULL JOIN prev ON prev.w = cur.w`,
    ));

  it('bookings_mom per month and listing__country (orphan listings and NULL countries in one NULL group)', () =>
    check(
      { metrics: ['bookings_mom'], groupBy: ['metric_time__month', 'listing__country'] },
      `WITH bl AS (SELECT b.ds, l.country FROM marketplace.bookings b LEFT JOIN marketplace.listings l ON l.listing_id = b.listing_id),
            cur AS (SELECT date_trunc('month', ds)::date AS m, coalesce(country, '~') AS c, count(*) AS n FROM bl GROUP BY 1, 2),
            prev AS (SELECT date_trunc('month', ds + interval '1 month')::date AS m, coalesce(country, '~') AS c, count(*) AS n FROM bl GROUP BY 1, 2)
       SELECT coalesce(cur.m, prev.m) AS metric_time__month, NULLIF(coalesce(cur.c, prev.c), '~') AS listing__country, cur.n - prev.n AS bookings_mom
         FROM cur FULL JOIN prev ON prev.m = cur.m AND prev.c = cur.c`,
    ));

  it('bookings_mom per quarter (one month shift re-aggregated to quarters)', () =>
    check(
      { metrics: ['bookings_mom'], groupBy: ['metric_time__quarter'] },
      `WITH cur AS (SELECT date_trunc('quarter', ds)::date AS q, count(*) AS n FROM marketplace.bookings GROUP BY 1),
            prev AS (SELECT date_trunc('quarter', ds + interval '1 month')::date AS q, count(*) AS n FROM marketplace.bookings GROUP BY 1)
       SELECT coalesce(cur.q, prev.q) AS metric_time__quarter, cur.n - prev.n AS bookings_mom FROM cur FULL JOIN prev ON prev.q = cur.q`,
    ));

  it('bookings_start_of_month per day and booking__is_instant: each day gets the month-start rows per group', () =>
    check(
      { metrics: ['bookings_start_of_month'], groupBy: ['metric_time__day', 'booking__is_instant'], timeConstraint: { start: '2020-03-25', end: '2020-04-05' } },
      `SELECT s.d::date AS metric_time__day, b.is_instant AS booking__is_instant, count(*) AS bookings_start_of_month
         FROM generate_series(date '2020-03-25', date '2020-04-05', interval '1 day') AS s(d)
         JOIN marketplace.bookings b ON b.ds = date_trunc('month', s.d)::date
        GROUP BY 1, 2`,
    ));

  it('bookings and bookings_growth per month, ordered by month', () =>
    check(
      { metrics: ['bookings', 'bookings_growth'], groupBy: ['metric_time__month'], orderBy: ['metric_time__month'] },
      `WITH cur AS (SELECT date_trunc('month', ds)::date AS m, count(*) AS n FROM marketplace.bookings GROUP BY 1),
            prev AS (SELECT date_trunc('month', ds + 7)::date AS m, count(*) AS n FROM marketplace.bookings GROUP BY 1)
       SELECT coalesce(cur.m, prev.m) AS metric_time__month, cur.n AS bookings, CAST(cur.n - prev.n AS double precision) / NULLIF(prev.n, 0) AS bookings_growth
         FROM cur FULL JOIN prev ON prev.m = cur.m ORDER BY 1`,
      [],
      { ordered: true },
    ));
});

describe('offsets: two grains, metric_time filters, month grain offset_to_grain', () => {
  it('bookings_growth per day and month (both time keys shifted together)', () =>
    check(
      { metrics: ['bookings_growth'], groupBy: ['metric_time__day', 'metric_time__month'], timeConstraint: { start: '2020-02-25', end: '2020-03-08' } },
      `WITH cur AS (SELECT ds AS day, count(*) AS n FROM marketplace.bookings WHERE ds BETWEEN '2020-02-25' AND '2020-03-08' GROUP BY 1),
            prev AS (SELECT ds + 7 AS day, count(*) AS n FROM marketplace.bookings WHERE ds + 7 BETWEEN '2020-02-25' AND '2020-03-08' GROUP BY 1)
       SELECT coalesce(cur.day, prev.day) AS metric_time__day, date_trunc('month', coalesce(cur.day, prev.day))::date AS metric_time__month,
              CAST(cur.n - prev.n AS double precision) / NULLIF(prev.n, 0) AS bookings_growth
         FROM cur FULL JOIN prev ON prev.day = cur.day`,
    ));

  it('a where filter on metric_time applies to the shifted time (the output period), not to the rows read', () =>
    check(
      { metrics: ['bookings_growth'], groupBy: ['metric_time__day'], where: [`{{ TimeDimension('metric_time', 'day') }} BETWEEN '2020-03-20' AND '2020-04-05'`] },
      `WITH cur AS (SELECT ds AS day, count(*) AS n FROM marketplace.bookings WHERE ds BETWEEN '2020-03-20' AND '2020-04-05' GROUP BY 1),
            prev AS (SELECT ds + 7 AS day, count(*) AS n FROM marketplace.bookings WHERE ds + 7 BETWEEN '2020-03-20' AND '2020-04-05' GROUP BY 1)
       SELECT coalesce(cur.day, prev.day) AS metric_time__day, CAST(cur.n - prev.n AS double precision) / NULLIF(prev.n, 0) AS bookings_growth
         FROM cur FULL JOIN prev ON prev.day = cur.day`,
    ));

  it('bookings_start_of_month per day and month', () =>
    check(
      { metrics: ['bookings_start_of_month'], groupBy: ['metric_time__day', 'metric_time__month'], timeConstraint: { start: '2020-03-28', end: '2020-04-03' } },
      `SELECT s.d::date AS metric_time__day, date_trunc('month', s.d)::date AS metric_time__month, count(*) AS bookings_start_of_month
         FROM generate_series(date '2020-03-28', date '2020-04-03', interval '1 day') AS s(d)
         JOIN marketplace.bookings b ON b.ds = date_trunc('month', s.d)::date
        GROUP BY 1, 2`,
    ));

  it('bookings_start_of_month per month and day (month requested first): still the month-start value on each day of the range', () =>
    check(
      { metrics: ['bookings_start_of_month'], groupBy: ['metric_time__month', 'metric_time__day'], timeConstraint: { start: '2020-03-30', end: '2020-04-02' } },
      `SELECT date_trunc('month', s.d)::date AS metric_time__month, s.d::date AS metric_time__day, count(*) AS bookings_start_of_month
         FROM generate_series(date '2020-03-30', date '2020-04-02', interval '1 day') AS s(d)
         JOIN marketplace.bookings b ON b.ds = date_trunc('month', s.d)::date
        GROUP BY 1, 2`,
    ));

  it('bookings_start_of_month at month grain: the input value of the month itself (MetricFlow joins the monthly input on the month start)', () =>
    check(
      { metrics: ['bookings_start_of_month'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, count(*) AS bookings_start_of_month FROM marketplace.bookings GROUP BY 1`,
    ));
});

describe('offsets grouped by date parts', () => {
  it('bookings_mom per month of year (the shifted rows land in the next month number)', () =>
    check(
      { metrics: ['bookings_mom'], groupBy: ['metric_time__extract_month'] },
      `WITH cur AS (SELECT extract(month FROM ds)::int AS k, count(*) AS n FROM marketplace.bookings GROUP BY 1),
            prev AS (SELECT extract(month FROM ds + interval '1 month')::int AS k, count(*) AS n FROM marketplace.bookings GROUP BY 1)
       SELECT coalesce(cur.k, prev.k) AS metric_time__extract_month, cur.n - prev.n AS bookings_mom FROM cur FULL JOIN prev ON prev.k = cur.k`,
    ));

  it('bookings_growth per year (2019 gets the December rows, 2020 the rest shifted by 7 days)', () =>
    check(
      { metrics: ['bookings_growth'], groupBy: ['metric_time__extract_year'] },
      `WITH cur AS (SELECT extract(year FROM ds)::int AS k, count(*) AS n FROM marketplace.bookings GROUP BY 1),
            prev AS (SELECT extract(year FROM ds + 7)::int AS k, count(*) AS n FROM marketplace.bookings GROUP BY 1)
       SELECT coalesce(cur.k, prev.k) AS metric_time__extract_year, CAST(cur.n - prev.n AS double precision) / NULLIF(prev.n, 0) AS bookings_growth
         FROM cur FULL JOIN prev ON prev.k = cur.k`,
    ));
});
