import { marketplaceSuite } from '../support/semantics';

const { check } = marketplaceSuite();

/*
 * Cumulative metrics (src/planner/README.md "Cumulative metrics"): for each day D of the range,
 * aggregate the rows with time <= D and, for `window: N unit`, time > D - N unit; for
 * `grain_to_date: g`, time >= the start of D's g period. The range is the time constraint, else
 * the span of the metric's data. Coarser grains pick the first (default) / last / average daily
 * value per period. Without metric_time the metric is its plain aggregate.
 *
 * Open choice (README does not say): a day whose window holds no rows at all. We follow
 * MetricFlow, which INNER JOINs the time spine to the measure rows over the window
 * (spec.md section 11; MetricFlow "Join Self Over Time Range"): such a day has NO row, and
 * period_agg first/last/average then work over the days that have a row. In the fixture this
 * concerns 2020-03-22 for 7-day windows (the whole week 2020-03-16..22 has no bookings) and
 * 2020-02-01 / 2020-05-01 for month-to-date (no bookings on those first days).
 */

/** Every day from the first to the last booking (the span of the bookings data). */
const BOOKING_DAYS = `SELECT d::date AS day FROM generate_series((SELECT min(ds) FROM marketplace.bookings), (SELECT max(ds) FROM marketplace.bookings), interval '1 day') AS d`;
const VISIT_DAYS = `SELECT d::date AS day FROM generate_series((SELECT min(ds) FROM marketplace.visits), (SELECT max(ds) FROM marketplace.visits), interval '1 day') AS d`;
const days = (start: string, end: string) => `SELECT d::date AS day FROM generate_series(date '${start}', date '${end}', interval '1 day') AS d`;

/** Trailing-7-day booking count per day of the given spine (inner join: empty windows give no row). */
const bookings7dDaily = (spine: string) => `
  SELECT s.day, count(*) AS v
    FROM (${spine}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
   GROUP BY s.day`;

describe('cumulative metrics with a window', () => {
  it('bookings_7d per day over the span of the data (the empty-window day 2020-03-22 has no row)', () =>
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time__day'] },
      `SELECT day AS metric_time__day, v AS bookings_7d FROM (${bookings7dDaily(BOOKING_DAYS)}) x`,
    ));

  it('bookings_7d per day on a window that is never empty (2020-04-01..2020-06-30)', () =>
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-04-01', end: '2020-06-30' } },
      `SELECT day AS metric_time__day, v AS bookings_7d FROM (${bookings7dDaily(days('2020-04-01', '2020-06-30'))}) x`,
    ));

  it('metric_time without a grain is day; rows before the time constraint start count toward the window', () =>
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time'], timeConstraint: { start: '2020-01-03', end: '2020-01-20' } },
      `SELECT s.day AS metric_time__day, count(*) AS bookings_7d
         FROM (${days('2020-01-03', '2020-01-20')}) s
         JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
        GROUP BY s.day`,
    ));

  it('the range is the time constraint: days after the last booking keep their trailing window', () =>
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-06-25', end: '2020-07-10' } },
      `SELECT day AS metric_time__day, v AS bookings_7d FROM (${bookings7dDaily(days('2020-06-25', '2020-07-10'))}) x`,
    ));

  it('a 7-day window excludes the row exactly 7 days back (day 2020-01-08 vs 2020-01-01)', () =>
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-01-08', end: '2020-01-08' } },
      `SELECT date '2020-01-08' AS metric_time__day, count(*) AS bookings_7d
         FROM marketplace.bookings WHERE ds BETWEEN date '2020-01-02' AND date '2020-01-08'`,
    ));

  it('bookings_7d at month grain takes the first daily value of each month (period_agg default first)', () =>
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time__month'] },
      `SELECT DISTINCT ON (date_trunc('month', day)) date_trunc('month', day)::date AS metric_time__month, v AS bookings_7d
         FROM (${bookings7dDaily(BOOKING_DAYS)}) x ORDER BY date_trunc('month', day), day`,
    ));

  it('bookings_7d at week grain across the 2019/2020 boundary (ISO weeks, Monday start)', () =>
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time__week'], timeConstraint: { start: '2019-12-18', end: '2020-01-19' } },
      `SELECT DISTINCT ON (date_trunc('week', day)) date_trunc('week', day)::date AS metric_time__week, v AS bookings_7d
         FROM (${bookings7dDaily(days('2019-12-18', '2020-01-19'))}) x ORDER BY date_trunc('week', day), day`,
    ));

  it('bookings_7d at month grain with a time constraint: the first day of the range inside each month', () =>
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-01-15', end: '2020-03-10' } },
      `SELECT DISTINCT ON (date_trunc('month', day)) date_trunc('month', day)::date AS metric_time__month, v AS bookings_7d
         FROM (${bookings7dDaily(days('2020-01-15', '2020-03-10'))}) x ORDER BY date_trunc('month', day), day`,
    ));

  it('trailing_7d_bookers recomputes count_distinct over each window (not a sum of daily counts)', () =>
    check(
      { metrics: ['trailing_7d_bookers'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-01-01', end: '2020-01-31' } },
      `SELECT s.day AS metric_time__day, count(DISTINCT b.guest_id) AS trailing_7d_bookers
         FROM (${days('2020-01-01', '2020-01-31')}) s
         JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
        GROUP BY s.day`,
    ));

  it('trailing_7d_bookers at month grain reports the last day of each month (period_agg last)', () =>
    check(
      { metrics: ['trailing_7d_bookers'], groupBy: ['metric_time__month'] },
      `WITH daily AS (
         SELECT s.day, count(DISTINCT b.guest_id) AS v
           FROM (${BOOKING_DAYS}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
          GROUP BY s.day)
       SELECT DISTINCT ON (date_trunc('month', day)) date_trunc('month', day)::date AS metric_time__month, v AS trailing_7d_bookers
         FROM daily ORDER BY date_trunc('month', day), day DESC`,
    ));

  it('trailing_7d_bookers at week grain: the last day that has a value (week of 2020-03-16 ends on an empty window)', () =>
    check(
      { metrics: ['trailing_7d_bookers'], groupBy: ['metric_time__week'], timeConstraint: { start: '2020-03-02', end: '2020-04-05' } },
      `WITH daily AS (
         SELECT s.day, count(DISTINCT b.guest_id) AS v
           FROM (${days('2020-03-02', '2020-04-05')}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
          GROUP BY s.day)
       SELECT DISTINCT ON (date_trunc('week', day)) date_trunc('week', day)::date AS metric_time__week, v AS trailing_7d_bookers
         FROM daily ORDER BY date_trunc('week', day), day DESC`,
    ));

  it('bookings_28d_average (window 4 weeks) at month grain averages the daily values', () =>
    check(
      { metrics: ['bookings_28d_average'], groupBy: ['metric_time__month'] },
      `WITH daily AS (
         SELECT s.day, count(*) AS v
           FROM (${BOOKING_DAYS}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 28
          GROUP BY s.day)
       SELECT date_trunc('month', day)::date AS metric_time__month, avg(v) AS bookings_28d_average FROM daily GROUP BY 1`,
    ));

  it('bookings_28d_average per day: 4 weeks is 28 days', () =>
    check(
      { metrics: ['bookings_28d_average'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-03-10', end: '2020-04-20' } },
      `SELECT s.day AS metric_time__day, count(*) AS bookings_28d_average
         FROM (${days('2020-03-10', '2020-04-20')}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 28
        GROUP BY s.day`,
    ));

  it('bookings_28d_average at week grain with a constraint starting on a Sunday (one-day first week)', () =>
    check(
      { metrics: ['bookings_28d_average'], groupBy: ['metric_time__week'], timeConstraint: { start: '2020-03-01', end: '2020-04-05' } },
      `WITH daily AS (
         SELECT s.day, count(*) AS v
           FROM (${days('2020-03-01', '2020-04-05')}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 28
          GROUP BY s.day)
       SELECT date_trunc('week', day)::date AS metric_time__week, avg(v) AS bookings_28d_average FROM daily GROUP BY 1`,
    ));

  it('visits_7d (legacy window in type_params) per week over the span of the visits', () =>
    check(
      { metrics: ['visits_7d'], groupBy: ['metric_time__week'] },
      `WITH daily AS (
         SELECT s.day, count(*) AS v
           FROM (${VISIT_DAYS}) s JOIN marketplace.visits v ON v.ds <= s.day AND v.ds > s.day - 7
          GROUP BY s.day)
       SELECT DISTINCT ON (date_trunc('week', day)) date_trunc('week', day)::date AS metric_time__week, v AS visits_7d
         FROM daily ORDER BY date_trunc('week', day), day`,
    ));

  it('visits_7d (legacy) per day with a time constraint', () =>
    check(
      { metrics: ['visits_7d'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-02-10', end: '2020-03-05' } },
      `SELECT s.day AS metric_time__day, count(*) AS visits_7d
         FROM (${days('2020-02-10', '2020-03-05')}) s JOIN marketplace.visits v ON v.ds <= s.day AND v.ds > s.day - 7
        GROUP BY s.day`,
    ));
});

describe('cumulative metrics with grain_to_date and all-time', () => {
  it('booking_value_mtd per day resets at the start of each month', () =>
    check(
      { metrics: ['booking_value_mtd'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-03-20', end: '2020-04-10' } },
      `SELECT s.day AS metric_time__day, sum(b.booking_value) AS booking_value_mtd
         FROM (${days('2020-03-20', '2020-04-10')}) s
         JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds >= date_trunc('month', s.day)::date
        GROUP BY s.day`,
    ));

  it('booking_value_mtd per day over the span (no row on 2020-02-01 / 2020-05-01: nothing month-to-date yet)', () =>
    check(
      { metrics: ['booking_value_mtd'], groupBy: ['metric_time__day'] },
      `SELECT s.day AS metric_time__day, sum(b.booking_value) AS booking_value_mtd
         FROM (${BOOKING_DAYS}) s
         JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds >= date_trunc('month', s.day)::date
        GROUP BY s.day`,
    ));

  it('booking_value_mtd at month grain: first daily value that exists in each month', () =>
    check(
      { metrics: ['booking_value_mtd'], groupBy: ['metric_time__month'] },
      `WITH daily AS (
         SELECT s.day, sum(b.booking_value) AS v
           FROM (${BOOKING_DAYS}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds >= date_trunc('month', s.day)::date
          GROUP BY s.day)
       SELECT DISTINCT ON (date_trunc('month', day)) date_trunc('month', day)::date AS metric_time__month, v AS booking_value_mtd
         FROM daily ORDER BY date_trunc('month', day), day`,
    ));

  it('booking_value_mtd at week grain (month resets inside a week)', () =>
    check(
      { metrics: ['booking_value_mtd'], groupBy: ['metric_time__week'], timeConstraint: { start: '2020-03-23', end: '2020-04-26' } },
      `WITH daily AS (
         SELECT s.day, sum(b.booking_value) AS v
           FROM (${days('2020-03-23', '2020-04-26')}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds >= date_trunc('month', s.day)::date
          GROUP BY s.day)
       SELECT DISTINCT ON (date_trunc('week', day)) date_trunc('week', day)::date AS metric_time__week, v AS booking_value_mtd
         FROM daily ORDER BY date_trunc('week', day), day`,
    ));

  it('bookings_all_time per day is the running total since the first booking', () =>
    check(
      { metrics: ['bookings_all_time'], groupBy: ['metric_time__day'] },
      `SELECT s.day AS metric_time__day, count(*) AS bookings_all_time
         FROM (${BOOKING_DAYS}) s JOIN marketplace.bookings b ON b.ds <= s.day GROUP BY s.day`,
    ));

  it('bookings_all_time at month grain with a time constraint counts everything before the start', () =>
    check(
      { metrics: ['bookings_all_time'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-02-01', end: '2020-04-30' } },
      `WITH daily AS (
         SELECT s.day, count(*) AS v FROM (${days('2020-02-01', '2020-04-30')}) s JOIN marketplace.bookings b ON b.ds <= s.day GROUP BY s.day)
       SELECT DISTINCT ON (date_trunc('month', day)) date_trunc('month', day)::date AS metric_time__month, v AS bookings_all_time
         FROM daily ORDER BY date_trunc('month', day), day`,
    ));
});

describe('cumulative metrics with another dimension', () => {
  it('bookings_7d per day and booking__is_instant (NULL is its own group)', () =>
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time__day', 'booking__is_instant'], timeConstraint: { start: '2020-01-01', end: '2020-01-31' } },
      `SELECT s.day AS metric_time__day, b.is_instant AS booking__is_instant, count(*) AS bookings_7d
         FROM (${days('2020-01-01', '2020-01-31')}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
        GROUP BY s.day, b.is_instant`,
    ));

  it('bookings_7d per month and listing__country (first day per month and country; orphans and NULL countries together)', () =>
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time__month', 'listing__country'] },
      `WITH daily AS (
         SELECT s.day, l.country, count(*) AS v
           FROM (${BOOKING_DAYS}) s
           JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
           LEFT JOIN marketplace.listings l ON l.listing_id = b.listing_id
          GROUP BY s.day, l.country)
       SELECT DISTINCT ON (date_trunc('month', day), country) date_trunc('month', day)::date AS metric_time__month,
              country AS listing__country, v AS bookings_7d
         FROM daily ORDER BY date_trunc('month', day), country, day`,
    ));

  it('trailing_7d_bookers per month and booking__is_instant (last day per month and group)', () =>
    check(
      { metrics: ['trailing_7d_bookers'], groupBy: ['metric_time__month', 'booking__is_instant'] },
      `WITH daily AS (
         SELECT s.day, b.is_instant, count(DISTINCT b.guest_id) AS v
           FROM (${BOOKING_DAYS}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
          GROUP BY s.day, b.is_instant)
       SELECT DISTINCT ON (date_trunc('month', day), is_instant) date_trunc('month', day)::date AS metric_time__month,
              is_instant AS booking__is_instant, v AS trailing_7d_bookers
         FROM daily ORDER BY date_trunc('month', day), is_instant, day DESC`,
    ));

  it('booking_value_mtd per day and listing__country', () =>
    check(
      { metrics: ['booking_value_mtd'], groupBy: ['metric_time__day', 'listing__country'], timeConstraint: { start: '2020-04-01', end: '2020-04-15' } },
      `SELECT s.day AS metric_time__day, l.country AS listing__country, sum(b.booking_value) AS booking_value_mtd
         FROM (${days('2020-04-01', '2020-04-15')}) s
         JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds >= date_trunc('month', s.day)::date
         LEFT JOIN marketplace.listings l ON l.listing_id = b.listing_id
        GROUP BY s.day, l.country`,
    ));
});

describe('cumulative metrics without metric_time, and combined', () => {
  it('without metric_time each cumulative metric is its plain aggregate', () =>
    check(
      { metrics: ['bookings_7d', 'bookings_all_time', 'trailing_7d_bookers', 'booking_value_mtd', 'bookings_28d_average'] },
      `SELECT count(*) AS bookings_7d, count(*) AS bookings_all_time, count(DISTINCT guest_id) AS trailing_7d_bookers,
              sum(booking_value) AS booking_value_mtd, count(*) AS bookings_28d_average
         FROM marketplace.bookings`,
    ));

  it('without metric_time, grouped by listing__country', () =>
    check(
      { metrics: ['booking_value_mtd', 'trailing_7d_bookers'], groupBy: ['listing__country'] },
      `SELECT l.country AS listing__country, sum(b.booking_value) AS booking_value_mtd, count(DISTINCT b.guest_id) AS trailing_7d_bookers
         FROM marketplace.bookings b LEFT JOIN marketplace.listings l ON l.listing_id = b.listing_id GROUP BY l.country`,
    ));

  it('visits_7d without metric_time grouped by a visit dimension', () =>
    check(
      { metrics: ['visits_7d'], groupBy: ['visit__page'] },
      `SELECT page AS visit__page, count(*) AS visits_7d FROM marketplace.visits GROUP BY page`,
    ));

  it('a derived metric over a cumulative metric (bookings_7d / 7.0)', () =>
    check(
      { metrics: ['bookings_7d_daily_average'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-02-01', end: '2020-02-29' } },
      `SELECT s.day AS metric_time__day, count(*) / 7.0 AS bookings_7d_daily_average
         FROM (${days('2020-02-01', '2020-02-29')}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
        GROUP BY s.day`,
    ));

  it('a cumulative and a simple metric together: days with a window but no bookings keep bookings NULL', () =>
    check(
      { metrics: ['bookings_7d', 'bookings'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-04-25', end: '2020-05-05' } },
      `WITH c AS (${bookings7dDaily(days('2020-04-25', '2020-05-05'))}),
            s AS (SELECT ds AS day, count(*) AS n FROM marketplace.bookings WHERE ds BETWEEN '2020-04-25' AND '2020-05-05' GROUP BY ds)
       SELECT coalesce(c.day, s.day) AS metric_time__day, c.v AS bookings_7d, s.n AS bookings
         FROM c FULL JOIN s ON s.day = c.day`,
    ));

  it('bookings_7d at month grain next to booking_value (per month)', () =>
    check(
      { metrics: ['bookings_7d', 'booking_value'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-01-01', end: '2020-06-30' } },
      `WITH c AS (
         SELECT DISTINCT ON (date_trunc('month', day)) date_trunc('month', day)::date AS m, v
           FROM (${bookings7dDaily(days('2020-01-01', '2020-06-30'))}) x ORDER BY date_trunc('month', day), day),
            s AS (SELECT date_trunc('month', ds)::date AS m, sum(booking_value) AS bv FROM marketplace.bookings
                   WHERE ds BETWEEN '2020-01-01' AND '2020-06-30' GROUP BY 1)
       SELECT coalesce(c.m, s.m) AS metric_time__month, c.v AS bookings_7d, s.bv AS booking_value FROM c FULL JOIN s ON s.m = c.m`,
    ));
});

describe('cumulative metrics with filters, coarse grains and ordering', () => {
  it('bookings_7d per day with a where filter on a joined dimension (window over US bookings only)', () =>
    check(
      {
        metrics: ['bookings_7d'],
        groupBy: ['metric_time__day'],
        where: [`{{ Dimension('listing__country') }} = 'us'`],
        timeConstraint: { start: '2020-01-01', end: '2020-01-31' },
      },
      `SELECT s.day AS metric_time__day, count(*) AS bookings_7d
         FROM (${days('2020-01-01', '2020-01-31')}) s
         JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
         JOIN marketplace.listings l ON l.listing_id = b.listing_id AND l.country = 'us'
        GROUP BY s.day`,
    ));

  it('trailing_7d_bookers per week with a where filter on booking__is_instant (last day per week)', () =>
    check(
      {
        metrics: ['trailing_7d_bookers'],
        groupBy: ['metric_time__week'],
        where: [`{{ Dimension('booking__is_instant') }}`],
        timeConstraint: { start: '2020-01-06', end: '2020-02-16' },
      },
      `WITH daily AS (
         SELECT s.day, count(DISTINCT b.guest_id) AS v
           FROM (${days('2020-01-06', '2020-02-16')}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7 AND b.is_instant
          GROUP BY s.day)
       SELECT DISTINCT ON (date_trunc('week', day)) date_trunc('week', day)::date AS metric_time__week, v AS trailing_7d_bookers
         FROM daily ORDER BY date_trunc('week', day), day DESC`,
    ));

  it('bookings_all_time per quarter and per year (first day of each period in the data span)', async () => {
    for (const grain of ['quarter', 'year']) {
      await check(
        { metrics: ['bookings_all_time'], groupBy: [`metric_time__${grain}`] },
        `WITH daily AS (SELECT s.day, count(*) AS v FROM (${BOOKING_DAYS}) s JOIN marketplace.bookings b ON b.ds <= s.day GROUP BY s.day)
         SELECT DISTINCT ON (date_trunc('${grain}', day)) date_trunc('${grain}', day)::date AS metric_time__${grain}, v AS bookings_all_time
           FROM daily ORDER BY date_trunc('${grain}', day), day`,
      );
    }
  });

  it('bookings_28d_average per month and booking__is_instant (average over the days each group has a value)', () =>
    check(
      { metrics: ['bookings_28d_average'], groupBy: ['metric_time__month', 'booking__is_instant'] },
      `WITH daily AS (
         SELECT s.day, b.is_instant, count(*) AS v
           FROM (${BOOKING_DAYS}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 28
          GROUP BY s.day, b.is_instant)
       SELECT date_trunc('month', day)::date AS metric_time__month, is_instant AS booking__is_instant, avg(v) AS bookings_28d_average
         FROM daily GROUP BY 1, 2`,
    ));

  it('bookings_7d ordered by metric_time descending with a limit', () =>
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time__day'], orderBy: ['-metric_time__day'], limit: 5, timeConstraint: { start: '2020-02-01', end: '2020-02-29' } },
      `SELECT s.day AS metric_time__day, count(*) AS bookings_7d
         FROM (${days('2020-02-01', '2020-02-29')}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
        GROUP BY s.day ORDER BY s.day DESC LIMIT 5`,
      [],
      { ordered: true },
    ));

  it('booking_value_mtd per month with a time constraint ending mid-month (last month is partial)', () =>
    check(
      { metrics: ['booking_value_mtd', 'trailing_7d_bookers'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-01-10', end: '2020-03-12' } },
      `WITH mtd AS (
         SELECT s.day, sum(b.booking_value) AS v
           FROM (${days('2020-01-10', '2020-03-12')}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds >= date_trunc('month', s.day)::date
          GROUP BY s.day),
            t7 AS (
         SELECT s.day, count(DISTINCT b.guest_id) AS v
           FROM (${days('2020-01-10', '2020-03-12')}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
          GROUP BY s.day),
            a AS (SELECT DISTINCT ON (date_trunc('month', day)) date_trunc('month', day)::date AS m, v FROM mtd ORDER BY date_trunc('month', day), day),
            z AS (SELECT DISTINCT ON (date_trunc('month', day)) date_trunc('month', day)::date AS m, v FROM t7 ORDER BY date_trunc('month', day), day DESC)
       SELECT coalesce(a.m, z.m) AS metric_time__month, a.v AS booking_value_mtd, z.v AS trailing_7d_bookers FROM a FULL JOIN z ON z.m = a.m`,
    ));
});

describe('cumulative metrics: two grains, a metric_time filter, two spans', () => {
  it('per month and day (month requested first): still one daily value per day, with its month', () =>
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time__month', 'metric_time__day'], timeConstraint: { start: '2020-02-25', end: '2020-03-05' } },
      `SELECT date_trunc('month', s.day)::date AS metric_time__month, s.day AS metric_time__day, count(*) AS bookings_7d
         FROM (${days('2020-02-25', '2020-03-05')}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
        GROUP BY s.day`,
    ));

  it('per day and month: the daily value with its month alongside (MetricFlow groups the windowed rows by both)', () =>
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time__day', 'metric_time__month'], timeConstraint: { start: '2020-02-25', end: '2020-03-05' } },
      `SELECT s.day AS metric_time__day, date_trunc('month', s.day)::date AS metric_time__month, count(*) AS bookings_7d
         FROM (${days('2020-02-25', '2020-03-05')}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
        GROUP BY s.day`,
    ));

  it('a where filter on metric_time selects output days; the windows still read earlier rows (MetricFlow filters after the window join)', () =>
    // README leaves where-filters on metric_time for cumulative metrics open. MetricFlow applies them
    // to the spine day after "Join Self Over Time Range" (spec.md section 11; snapshot
    // test_cumulative_metric_with_non_adjustable_time_filter), so the window of 2020-03-01 still
    // counts the bookings of 2020-02-24..29.
    check(
      { metrics: ['bookings_7d'], groupBy: ['metric_time__day'], where: [`{{ TimeDimension('metric_time', 'day') }} >= '2020-03-01'`, `{{ TimeDimension('metric_time', 'day') }} <= '2020-03-10'`] },
      `SELECT s.day AS metric_time__day, count(*) AS bookings_7d
         FROM (${days('2020-03-01', '2020-03-10')}) s JOIN marketplace.bookings b ON b.ds <= s.day AND b.ds > s.day - 7
        GROUP BY s.day`,
    ));

  it('two cumulative metrics of different models per day: each over the span of its own data', () =>
    check(
      { metrics: ['bookings_7d', 'visits_7d'], groupBy: ['metric_time__day'] },
      `WITH b AS (${bookings7dDaily(BOOKING_DAYS)}),
            v AS (SELECT s.day, count(*) AS v FROM (${VISIT_DAYS}) s JOIN marketplace.visits x ON x.ds <= s.day AND x.ds > s.day - 7 GROUP BY s.day)
       SELECT coalesce(b.day, v.day) AS metric_time__day, b.v AS bookings_7d, v.v AS visits_7d FROM b FULL JOIN v ON v.day = b.day`,
    ));
});
