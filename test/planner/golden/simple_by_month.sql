-- request: {"metrics":["bookings"],"groupBy":["metric_time__month"]}
WITH agg_bookings AS (
  SELECT
    CAST(DATE_TRUNC('month', base.ds) AS DATE) AS metric_time__month,
    SUM(base.bookings) AS bookings
  FROM (
    SELECT
      ds,
      (1) AS bookings
    FROM marketplace.bookings AS bookings
  ) AS base
  GROUP BY CAST(DATE_TRUNC('month', base.ds) AS DATE)
)
SELECT
  metric_time__month AS metric_time__month,
  bookings AS bookings
FROM agg_bookings
ORDER BY metric_time__month
-- values: []
