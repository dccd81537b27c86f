-- request: {"metrics":["bookings","instant_bookings_filtered"],"groupBy":["metric_time__month"],"timeConstraint":{"start":"2020-01-01","end":"2020-03-31"}}
WITH agg_bookings AS (
  SELECT
    CAST(DATE_TRUNC('month', base.ds) AS DATE) AS metric_time__month,
    SUM(base.bookings) AS bookings,
    SUM(base.bookings) FILTER (WHERE base.is_instant) AS instant_bookings_filtered,
    COUNT(*) FILTER (WHERE base.is_instant) > 0 AS __has_instant_bookings_filtered
  FROM (
    SELECT
      ds,
      (1) AS bookings,
      is_instant
    FROM marketplace.bookings AS bookings
    WHERE ds >= $1::date AND ds < $2::date
  ) AS base
  GROUP BY CAST(DATE_TRUNC('month', base.ds) AS DATE)
)
SELECT
  metric_time__month AS metric_time__month,
  bookings AS bookings,
  instant_bookings_filtered AS instant_bookings_filtered
FROM agg_bookings
ORDER BY metric_time__month
-- values: ["2020-01-01","2020-04-01"]
