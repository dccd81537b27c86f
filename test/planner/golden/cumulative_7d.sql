-- request: {"metrics":["bookings_7d"],"groupBy":["metric_time__day"],"timeConstraint":{"start":"2020-03-01","end":"2020-03-10"}}
WITH agg_bookings AS (
  SELECT
    CAST(DATE_TRUNC('day', base.ds) AS DATE) AS __metric_time_day,
    SUM(base.bookings) AS bookings_7d
  FROM (
    SELECT
      ds,
      (1) AS bookings
    FROM marketplace.bookings AS bookings
    WHERE ds >= $1::date AND ds < $2::date
  ) AS base
  GROUP BY CAST(DATE_TRUNC('day', base.ds) AS DATE)
),
cumulative_bookings_7d AS (
  SELECT
    daily.__day AS metric_time__day,
    daily.__value AS bookings_7d_2
  FROM (
    SELECT
      periods.t AS __day,
      SUM(r.bookings_7d) AS __value
    FROM (
      SELECT
        spine.ds AS t
      FROM marketplace.time_spine_days AS spine
      WHERE spine.ds >= $3::date AND spine.ds <= CAST($4::date - 1 AS DATE)
    ) AS periods
    INNER JOIN agg_bookings AS r
      ON r.__metric_time_day <= periods.t AND r.__metric_time_day > periods.t - INTERVAL '7 day'
    GROUP BY periods.t
  ) AS daily
)
SELECT
  metric_time__day AS metric_time__day,
  bookings_7d_2 AS bookings_7d
FROM cumulative_bookings_7d
ORDER BY metric_time__day
-- values: ["2020-02-23","2020-03-11","2020-03-01","2020-03-11"]
