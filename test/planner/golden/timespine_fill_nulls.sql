-- request: {"metrics":["bookings_fill_nulls"],"groupBy":["metric_time__day"],"timeConstraint":{"start":"2020-03-14","end":"2020-03-24"}}
WITH agg_bookings AS (
  SELECT
    CAST(DATE_TRUNC('day', base.ds) AS DATE) AS metric_time__day,
    SUM(base.bookings) AS bookings_fill_nulls
  FROM (
    SELECT
      ds,
      (1) AS bookings
    FROM marketplace.bookings AS bookings
    WHERE ds >= $1::date AND ds < $2::date
  ) AS base
  GROUP BY CAST(DATE_TRUNC('day', base.ds) AS DATE)
),
spine AS (
  SELECT
    periods.t AS metric_time__day,
    input.bookings_fill_nulls AS bookings_fill_nulls
  FROM (
    SELECT
      spine.ds AS t
    FROM marketplace.time_spine_days AS spine
    WHERE spine.ds >= $3::date AND spine.ds <= CAST($4::date - 1 AS DATE)
  ) AS periods
  LEFT OUTER JOIN agg_bookings AS input
    ON input.metric_time__day = periods.t
),
fill AS (
  SELECT
    metric_time__day AS metric_time__day,
    COALESCE(bookings_fill_nulls, 0) AS bookings_fill_nulls_filled
  FROM spine
)
SELECT
  metric_time__day AS metric_time__day,
  COALESCE(bookings_fill_nulls_filled, 0) AS bookings_fill_nulls
FROM fill
ORDER BY metric_time__day
-- values: ["2020-03-14","2020-03-25","2020-03-14","2020-03-25"]
