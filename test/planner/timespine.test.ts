import { marketplaceSuite } from '../support/semantics';

const { check } = marketplaceSuite();

/*
 * join_to_timespine / fill_nulls_with (src/planner/README.md): `join_to_timespine` produces every
 * period of the range (the time constraint, else the span of the metric's data) at the requested
 * grain; `fill_nulls_with` applies to the metric's own rows and again where metrics are combined
 * at the top of the query.
 *
 * Also here: date parts and week grains around the 2019/2020 year boundary (date parts are
 * integers, `dow` is ISO with 1 = Monday; PostgreSQL EXTRACT otherwise, so `week` is the ISO week
 * number and `year` the calendar year), and metric_time over metrics whose aggregation time
 * dimensions differ (bookings on ds, paid_booking_value on paid_at).
 */

const days = (start: string, end: string) => `SELECT d::date AS day FROM generate_series(date '${start}', date '${end}', interval '1 day') AS d`;
const BOOKING_DAYS = `SELECT d::date AS day FROM generate_series((SELECT min(ds) FROM marketplace.bookings), (SELECT max(ds) FROM marketplace.bookings), interval '1 day') AS d`;

describe('join_to_timespine + fill_nulls_with (bookings_fill_nulls)', () => {
  it('per day over the span of the data: every day, 0 where there were no bookings', () =>
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__day'] },
      `SELECT s.day AS metric_time__day, count(b.booking_id) AS bookings_fill_nulls
         FROM (${BOOKING_DAYS}) s LEFT JOIN marketplace.bookings b ON b.ds = s.day GROUP BY s.day`,
    ));

  it('per day inside a time constraint covering the empty week 2020-03-16..22', () =>
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-03-10', end: '2020-03-25' } },
      `SELECT s.day AS metric_time__day, count(b.booking_id) AS bookings_fill_nulls
         FROM (${days('2020-03-10', '2020-03-25')}) s LEFT JOIN marketplace.bookings b ON b.ds = s.day GROUP BY s.day`,
    ));

  it('per day with a time constraint reaching past the last booking: the days after it are 0', () =>
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-06-25', end: '2020-07-05' } },
      `SELECT s.day AS metric_time__day, count(b.booking_id) AS bookings_fill_nulls
         FROM (${days('2020-06-25', '2020-07-05')}) s LEFT JOIN marketplace.bookings b ON b.ds = s.day GROUP BY s.day`,
    ));

  it('per week over the span of the data (the empty ISO week of 2020-03-16 is 0)', () =>
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__week'] },
      `SELECT w.w::date AS metric_time__week, count(b.booking_id) AS bookings_fill_nulls
         FROM generate_series(date_trunc('week', (SELECT min(ds) FROM marketplace.bookings)),
                              date_trunc('week', (SELECT max(ds) FROM marketplace.bookings)), interval '1 week') AS w(w)
         LEFT JOIN marketplace.bookings b ON date_trunc('week', b.ds) = w.w
        GROUP BY w.w`,
    ));

  it('per month with a time constraint reaching past the data (July and August are 0)', () =>
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-04-01', end: '2020-08-31' } },
      `SELECT m.m::date AS metric_time__month, count(b.booking_id) AS bookings_fill_nulls
         FROM generate_series(date '2020-04-01', date '2020-08-01', interval '1 month') AS m(m)
         LEFT JOIN marketplace.bookings b ON date_trunc('month', b.ds) = m.m
        GROUP BY m.m`,
    ));

  it('next to bookings: bookings stays NULL on empty days, bookings_fill_nulls is 0', () =>
    check(
      { metrics: ['bookings_fill_nulls', 'bookings'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-04-25', end: '2020-05-05' } },
      `SELECT s.day AS metric_time__day, count(b.booking_id) AS bookings_fill_nulls, NULLIF(count(b.booking_id), 0) AS bookings
         FROM (${days('2020-04-25', '2020-05-05')}) s LEFT JOIN marketplace.bookings b ON b.ds = s.day GROUP BY s.day`,
    ));

  it('next to visits per day (both over the span of the bookings; visits NULL where none)', () =>
    check(
      { metrics: ['bookings_fill_nulls', 'visits'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-03-12', end: '2020-03-26' } },
      `SELECT s.day AS metric_time__day,
              (SELECT count(*) FROM marketplace.bookings b WHERE b.ds = s.day) AS bookings_fill_nulls,
              (SELECT NULLIF(count(*), 0) FROM marketplace.visits v WHERE v.ds = s.day) AS visits
         FROM (${days('2020-03-12', '2020-03-26')}) s`,
    ));

  it('next to paid_booking_value: days only the other metric has get the fill value at the top of the query', () =>
    check(
      { metrics: ['bookings_fill_nulls', 'paid_booking_value'], groupBy: ['metric_time__day'] },
      `WITH f AS (SELECT s.day, count(b.booking_id) AS n
                    FROM (${BOOKING_DAYS}) s LEFT JOIN marketplace.bookings b ON b.ds = s.day GROUP BY s.day),
            p AS (SELECT paid_at::date AS day, sum(booking_value) AS v FROM marketplace.bookings GROUP BY 1)
       SELECT coalesce(f.day, p.day) AS metric_time__day, coalesce(f.n, 0) AS bookings_fill_nulls, p.v AS paid_booking_value
         FROM f FULL JOIN p ON p.day = f.day`,
    ));

  it('without metric_time the time spine does nothing: plain bookings per booking__is_instant', () =>
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['booking__is_instant'] },
      `SELECT is_instant AS booking__is_instant, count(*) AS bookings_fill_nulls FROM marketplace.bookings GROUP BY is_instant`,
    ));

  it('fill_nulls_with alone (no metric_time): listings never booked get 0 where combined with listings_created', () =>
    check(
      { metrics: ['bookings_fill_nulls', 'listings_created'], groupBy: ['listing'] },
      `WITH b AS (SELECT listing_id, count(*) AS n FROM marketplace.bookings GROUP BY listing_id),
            l AS (SELECT listing_id, count(DISTINCT listing_id) AS n FROM marketplace.listings GROUP BY listing_id)
       SELECT coalesce(b.listing_id, l.listing_id) AS listing, coalesce(b.n, 0) AS bookings_fill_nulls, l.n AS listings_created
         FROM b FULL JOIN l ON l.listing_id = b.listing_id`,
    ));

  it('per day and booking__is_instant: the spine is joined on time only (MetricFlow), empty days get one NULL-keyed 0 row', () =>
    // README leaves the spine x dimension case open; MetricFlow LEFT JOINs the time spine to the
    // aggregated rows on metric_time only, so existing (day, is_instant) rows are kept as they are
    // and a day without any booking appears once, with is_instant NULL and the fill value.
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__day', 'booking__is_instant'], timeConstraint: { start: '2020-03-12', end: '2020-03-25' } },
      `WITH agg AS (SELECT ds, is_instant, count(*) AS n FROM marketplace.bookings WHERE ds BETWEEN '2020-03-12' AND '2020-03-25' GROUP BY 1, 2)
       SELECT s.day AS metric_time__day, agg.is_instant AS booking__is_instant, coalesce(agg.n, 0) AS bookings_fill_nulls
         FROM (${days('2020-03-12', '2020-03-25')}) s LEFT JOIN agg ON agg.ds = s.day`,
    ));
});

describe('week grain and date parts around the 2019/2020 year boundary', () => {
  it('ISO weeks: 2019-12-30 starts the week holding 2020-01-01..05', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['metric_time__week'], timeConstraint: { start: '2019-12-23', end: '2020-01-12' } },
      `SELECT date_trunc('week', ds)::date AS metric_time__week, count(*) AS bookings, sum(booking_value) AS booking_value
         FROM marketplace.bookings WHERE ds BETWEEN '2019-12-23' AND '2020-01-12' GROUP BY 1`,
    ));

  it('a constraint starting mid-week keeps the week key at its Monday (2019-12-30)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__week'], timeConstraint: { start: '2020-01-01', end: '2020-01-08' } },
      `SELECT date_trunc('week', ds)::date AS metric_time__week, count(*) AS bookings
         FROM marketplace.bookings WHERE ds BETWEEN '2020-01-01' AND '2020-01-08' GROUP BY 1`,
    ));

  it('date parts year / week / dow / doy as integers (groupByItems)', () =>
    check(
      {
        metrics: ['bookings'],
        groupByItems: [
          { name: 'metric_time', datePart: 'year' },
          { name: 'metric_time', datePart: 'week' },
          { name: 'metric_time', datePart: 'dow' },
          { name: 'metric_time', datePart: 'doy' },
        ],
        timeConstraint: { start: '2019-12-26', end: '2020-01-06' },
      },
      `SELECT extract(year FROM ds)::int AS metric_time__extract_year, extract(week FROM ds)::int AS metric_time__extract_week,
              extract(isodow FROM ds)::int AS metric_time__extract_dow, extract(doy FROM ds)::int AS metric_time__extract_doy,
              count(*) AS bookings
         FROM marketplace.bookings WHERE ds BETWEEN '2019-12-26' AND '2020-01-06' GROUP BY 1, 2, 3, 4`,
    ));

  it('date parts by name (metric_time__extract_year, __extract_week): 2019-12-30/31 are ISO week 1 of calendar year 2019', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__extract_year', 'metric_time__extract_week'], timeConstraint: { start: '2019-12-23', end: '2020-01-12' } },
      `SELECT extract(year FROM ds)::int AS metric_time__extract_year, extract(week FROM ds)::int AS metric_time__extract_week, count(*) AS bookings
         FROM marketplace.bookings WHERE ds BETWEEN '2019-12-23' AND '2020-01-12' GROUP BY 1, 2`,
    ));

  it('date parts quarter / month / day over everything', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__extract_quarter', 'metric_time__extract_month', 'metric_time__extract_day'] },
      `SELECT extract(quarter FROM ds)::int AS metric_time__extract_quarter, extract(month FROM ds)::int AS metric_time__extract_month,
              extract(day FROM ds)::int AS metric_time__extract_day, count(*) AS bookings
         FROM marketplace.bookings GROUP BY 1, 2, 3`,
    ));

  it('dow over everything (ISO: Monday 1 .. Sunday 7)', () =>
    check(
      { metrics: ['bookings', 'paid_booking_value'], groupBy: ['metric_time__extract_dow'] },
      `WITH b AS (SELECT extract(isodow FROM ds)::int AS k, count(*) AS n FROM marketplace.bookings GROUP BY 1),
            p AS (SELECT extract(isodow FROM paid_at)::int AS k, sum(booking_value) AS v FROM marketplace.bookings GROUP BY 1)
       SELECT coalesce(b.k, p.k) AS metric_time__extract_dow, b.n AS bookings, p.v AS paid_booking_value FROM b FULL JOIN p ON p.k = b.k`,
    ));

  it('a time dimension other than metric_time at week grain and year part (booking__paid_at)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['booking__paid_at__week', 'booking__paid_at__extract_year'], timeConstraint: { start: '2019-12-27', end: '2020-01-03' } },
      `SELECT date_trunc('week', paid_at)::date AS booking__paid_at__week, extract(year FROM paid_at)::int AS booking__paid_at__extract_year,
              count(*) AS bookings
         FROM marketplace.bookings WHERE ds BETWEEN '2019-12-27' AND '2020-01-03' GROUP BY 1, 2`,
    ));

  it('metric_time__year next to booking__ds__week', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__year', 'booking__ds__week'], timeConstraint: { start: '2019-12-25', end: '2020-01-08' } },
      `SELECT date_trunc('year', ds)::date AS metric_time__year, date_trunc('week', ds)::date AS booking__ds__week, count(*) AS bookings
         FROM marketplace.bookings WHERE ds BETWEEN '2019-12-25' AND '2020-01-08' GROUP BY 1, 2`,
    ));
});

/*
 * paid_booking_value aggregates on paid_at, which is NULL for 55 unpaid bookings. README does not
 * say what happens to rows whose aggregation time is NULL; MetricFlow neither filters them nor
 * drops them: without metric_time they count (the measure has no filter), and grouped by
 * metric_time they form a NULL metric_time group (unless a time constraint removes them). The
 * metric's description ("unpaid bookings are left out") reads differently; we follow MetricFlow.
 */
describe('metric_time over metrics with different aggregation time dimensions', () => {
  it('bookings on ds and paid_booking_value on paid_at, per day, each constrained on its own time', () =>
    check(
      { metrics: ['bookings', 'paid_booking_value'], groupBy: ['metric_time__day'], timeConstraint: { start: '2019-12-28', end: '2020-01-05' } },
      `WITH b AS (SELECT ds AS day, count(*) AS n FROM marketplace.bookings WHERE ds BETWEEN '2019-12-28' AND '2020-01-05' GROUP BY 1),
            p AS (SELECT paid_at::date AS day, sum(booking_value) AS v FROM marketplace.bookings
                   WHERE paid_at::date BETWEEN '2019-12-28' AND '2020-01-05' GROUP BY 1)
       SELECT coalesce(b.day, p.day) AS metric_time__day, b.n AS bookings, p.v AS paid_booking_value FROM b FULL JOIN p ON p.day = b.day`,
    ));

  it('booking_value and paid_booking_value per month over everything (July only has payments)', () =>
    check(
      { metrics: ['booking_value', 'paid_booking_value'], groupBy: ['metric_time__month'] },
      `WITH b AS (SELECT date_trunc('month', ds)::date AS m, sum(booking_value) AS v FROM marketplace.bookings GROUP BY 1),
            p AS (SELECT date_trunc('month', paid_at)::date AS m, sum(booking_value) AS v FROM marketplace.bookings GROUP BY 1)
       SELECT coalesce(b.m, p.m) AS metric_time__month, b.v AS booking_value, p.v AS paid_booking_value FROM b FULL JOIN p ON p.m = b.m`,
    ));

  it('per year: value booked in 2019 vs paid in 2019', () =>
    check(
      { metrics: ['booking_value', 'paid_booking_value'], groupBy: ['metric_time__year'] },
      `WITH b AS (SELECT date_trunc('year', ds)::date AS y, sum(booking_value) AS v FROM marketplace.bookings GROUP BY 1),
            p AS (SELECT date_trunc('year', paid_at)::date AS y, sum(booking_value) AS v FROM marketplace.bookings GROUP BY 1)
       SELECT coalesce(b.y, p.y) AS metric_time__year, b.v AS booking_value, p.v AS paid_booking_value FROM b FULL JOIN p ON p.y = b.y`,
    ));

  it('per week and booking__is_instant (NULL keys match across the two aggregations)', () =>
    check(
      { metrics: ['bookings', 'paid_booking_value'], groupBy: ['metric_time__week', 'booking__is_instant'], timeConstraint: { start: '2019-12-23', end: '2020-01-19' } },
      `WITH b AS (SELECT date_trunc('week', ds)::date AS w, is_instant, count(*) AS n FROM marketplace.bookings
                   WHERE ds BETWEEN '2019-12-23' AND '2020-01-19' GROUP BY 1, 2),
            p AS (SELECT date_trunc('week', paid_at)::date AS w, is_instant, sum(booking_value) AS v FROM marketplace.bookings
                   WHERE paid_at::date BETWEEN '2019-12-23' AND '2020-01-19' GROUP BY 1, 2)
       SELECT coalesce(b.w, p.w) AS metric_time__week, coalesce(b.is_instant, p.is_instant) AS booking__is_instant,
              b.n AS bookings, p.v AS paid_booking_value
         FROM b FULL JOIN p ON p.w = b.w AND p.is_instant IS NOT DISTINCT FROM b.is_instant`,
    ));

  it('without metric_time both are plain aggregates (paid_booking_value includes unpaid bookings, as in MetricFlow)', () =>
    check(
      { metrics: ['booking_value', 'paid_booking_value', 'bookings'] },
      `SELECT sum(booking_value) AS booking_value, sum(booking_value) AS paid_booking_value, count(*) AS bookings
         FROM marketplace.bookings`,
    ));

  it('paid_booking_value and visits per day with a constraint (three different tables/time columns)', () =>
    check(
      { metrics: ['paid_booking_value', 'visits', 'buys'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-06-25', end: '2020-07-03' } },
      `WITH p AS (SELECT paid_at::date AS day, sum(booking_value) AS v FROM marketplace.bookings WHERE paid_at::date BETWEEN '2020-06-25' AND '2020-07-03' GROUP BY 1),
            v AS (SELECT ds AS day, count(*) AS n FROM marketplace.visits WHERE ds BETWEEN '2020-06-25' AND '2020-07-03' GROUP BY 1),
            b AS (SELECT ds AS day, count(*) AS n FROM marketplace.buys WHERE ds BETWEEN '2020-06-25' AND '2020-07-03' GROUP BY 1)
       SELECT coalesce(p.day, v.day, b.day) AS metric_time__day, p.v AS paid_booking_value, v.n AS visits, b.n AS buys
         FROM p FULL JOIN v ON v.day = p.day FULL JOIN b ON b.day = coalesce(p.day, v.day)`,
    ));

  it('a cumulative metric on ds next to paid_booking_value on paid_at, per month', () =>
    check(
      { metrics: ['bookings_all_time', 'paid_booking_value'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-05-01', end: '2020-07-31' } },
      `WITH daily AS (SELECT s.day, count(*) AS n FROM (${days('2020-05-01', '2020-07-31')}) s JOIN marketplace.bookings b ON b.ds <= s.day GROUP BY s.day),
            c AS (SELECT DISTINCT ON (date_trunc('month', day)) date_trunc('month', day)::date AS m, n FROM daily ORDER BY date_trunc('month', day), day),
            p AS (SELECT date_trunc('month', paid_at)::date AS m, sum(booking_value) AS v FROM marketplace.bookings
                   WHERE paid_at::date BETWEEN '2020-05-01' AND '2020-07-31' GROUP BY 1)
       SELECT coalesce(c.m, p.m) AS metric_time__month, c.n AS bookings_all_time, p.v AS paid_booking_value FROM c FULL JOIN p ON p.m = c.m`,
    ));
});

describe('join_to_timespine: more ranges and filters', () => {
  it('per week with a constraint starting and ending mid-week (every week touching the range)', () =>
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__week'], timeConstraint: { start: '2020-03-11', end: '2020-03-25' } },
      `SELECT w.w::date AS metric_time__week, count(b.booking_id) AS bookings_fill_nulls
         FROM generate_series(date '2020-03-09', date '2020-03-23', interval '1 week') AS w(w)
         LEFT JOIN marketplace.bookings b ON date_trunc('week', b.ds) = w.w AND b.ds BETWEEN '2020-03-11' AND '2020-03-25'
        GROUP BY w.w`,
    ));

  it('per day with a where filter on booking__is_instant (days without instant bookings are 0)', () =>
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__day'], where: [`{{ Dimension('booking__is_instant') }}`], timeConstraint: { start: '2020-01-01', end: '2020-01-31' } },
      `SELECT s.day AS metric_time__day, count(b.booking_id) AS bookings_fill_nulls
         FROM (${days('2020-01-01', '2020-01-31')}) s LEFT JOIN marketplace.bookings b ON b.ds = s.day AND b.is_instant GROUP BY s.day`,
    ));

  it('per quarter over the span of the data', () =>
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__quarter'] },
      `SELECT date_trunc('quarter', ds)::date AS metric_time__quarter, count(*) AS bookings_fill_nulls FROM marketplace.bookings GROUP BY 1`,
    ));

  it('ordered by metric_time with a limit (the spine rows take part in the ordering)', () =>
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__day'], orderBy: ['metric_time__day'], limit: 10, timeConstraint: { start: '2020-03-14', end: '2020-04-14' } },
      `SELECT s.day AS metric_time__day, count(b.booking_id) AS bookings_fill_nulls
         FROM (${days('2020-03-14', '2020-04-14')}) s LEFT JOIN marketplace.bookings b ON b.ds = s.day GROUP BY s.day ORDER BY s.day LIMIT 10`,
      [],
      { ordered: true },
    ));
});

describe('join_to_timespine with two metric_time grains', () => {
  it('per month and day (month requested first): the spine is still daily, every day of the range appears', () =>
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__month', 'metric_time__day'], timeConstraint: { start: '2020-03-14', end: '2020-03-25' } },
      `SELECT date_trunc('month', s.day)::date AS metric_time__month, s.day AS metric_time__day, count(b.booking_id) AS bookings_fill_nulls
         FROM (${days('2020-03-14', '2020-03-25')}) s LEFT JOIN marketplace.bookings b ON b.ds = s.day GROUP BY s.day`,
    ));

  it('per day and month: the filled days carry their month too (every requested metric_time column comes from the spine)', () =>
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__day', 'metric_time__month'], timeConstraint: { start: '2020-04-25', end: '2020-05-05' } },
      `SELECT s.day AS metric_time__day, date_trunc('month', s.day)::date AS metric_time__month, count(b.booking_id) AS bookings_fill_nulls
         FROM (${days('2020-04-25', '2020-05-05')}) s LEFT JOIN marketplace.bookings b ON b.ds = s.day GROUP BY s.day`,
    ));
});

describe('join_to_timespine with a date part or a timestamp constraint', () => {
  it('grouped by a metric_time date part only: no period to fill, bookings per ISO weekday', () =>
    // README: date parts are ordinary group-by items; with no metric_time grain there is no spine
    // period to produce, so the metric is its (filled) aggregate per weekday (every weekday has bookings).
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__extract_dow'] },
      `SELECT extract(isodow FROM ds)::int AS metric_time__extract_dow, count(*) AS bookings_fill_nulls FROM marketplace.bookings GROUP BY 1`,
    ));

  it('a timestamp end is inclusive: the day it falls on is the last day of the range', () =>
    check(
      { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-03-14', end: '2020-03-18T00:00:00' } },
      `SELECT s.day AS metric_time__day, count(b.booking_id) AS bookings_fill_nulls
         FROM (${days('2020-03-14', '2020-03-18')}) s LEFT JOIN marketplace.bookings b ON b.ds = s.day GROUP BY s.day`,
    ));
});
