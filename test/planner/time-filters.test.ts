import { marketplaceSuite } from '../support/semantics';

const { check } = marketplaceSuite();

describe('filters on metric_time around offsets', () => {
  it('offset_to_grain: a metric_time filter selects output days, whose values come from before it', () =>
    check(
      {
        metrics: ['bookings_start_of_month'],
        groupBy: ['metric_time__day'],
        where: ["{{ TimeDimension('metric_time', 'day') }} BETWEEN '2020-03-29' AND '2020-04-02'"],
      },
      `SELECT d::date AS metric_time__day, s.n AS bookings_start_of_month
         FROM generate_series(DATE '2020-03-29', DATE '2020-04-02', INTERVAL '1 day') AS d
         JOIN (SELECT ds, count(*) AS n FROM marketplace.bookings GROUP BY ds) s ON s.ds = date_trunc('month', d)::date`,
    ));

  it('offset_window: a metric_time filter applies to the shifted time', () =>
    check(
      {
        metrics: ['bookings_growth'],
        groupBy: ['metric_time__day'],
        where: ["{{ TimeDimension('metric_time', 'day') }} >= '2020-03-01'", "{{ TimeDimension('metric_time', 'day') }} <= '2020-03-10'"],
      },
      `WITH cur AS (SELECT ds, count(*) AS n FROM marketplace.bookings GROUP BY ds),
            prev AS (SELECT (ds + 7) AS ds, count(*) AS n FROM marketplace.bookings GROUP BY ds)
       SELECT coalesce(cur.ds, prev.ds) AS metric_time__day,
              CASE WHEN prev.n IS NULL OR prev.n = 0 THEN NULL ELSE (cur.n - prev.n)::double precision / prev.n END AS bookings_growth
         FROM cur FULL OUTER JOIN prev ON cur.ds = prev.ds
        WHERE coalesce(cur.ds, prev.ds) BETWEEN '2020-03-01' AND '2020-03-10'`,
    ));
});
