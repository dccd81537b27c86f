-- request: {"metrics":["bookings_growth"],"groupBy":["metric_time__day"],"timeConstraint":{"start":"2020-02-01","end":"2020-02-14"}}
WITH agg_bookings AS (
  SELECT
    CAST(DATE_TRUNC('day', base.ds) AS DATE) AS metric_time__day,
    SUM(base.bookings) AS bookings
  FROM (
    SELECT
      ds,
      (1) AS bookings
    FROM marketplace.bookings AS bookings
    WHERE ds >= $1::date AND ds < $2::date
  ) AS base
  GROUP BY CAST(DATE_TRUNC('day', base.ds) AS DATE)
),
agg_bookings_2 AS (
  SELECT
    CAST(DATE_TRUNC('day', base.ds + INTERVAL '1 week') AS DATE) AS metric_time__day,
    SUM(base.bookings) AS bookings_2
  FROM (
    SELECT
      ds,
      (1) AS bookings
    FROM marketplace.bookings AS bookings
    WHERE ds >= $3::date - INTERVAL '1 week' AND ds < $4::date - INTERVAL '1 week'
  ) AS base
  GROUP BY CAST(DATE_TRUNC('day', base.ds + INTERVAL '1 week') AS DATE)
),
combine AS (
  SELECT
    combined.metric_time__day AS metric_time__day,
    MAX(combined.bookings) AS bookings,
    MAX(combined.bookings_2) AS bookings_2
  FROM (
    SELECT
      agg_bookings.metric_time__day AS metric_time__day,
      agg_bookings.bookings AS bookings,
      agg_bookings_2.bookings_2 AS bookings_2
    FROM agg_bookings
    CROSS JOIN agg_bookings_2
    WHERE FALSE
    UNION ALL
    SELECT
      metric_time__day AS metric_time__day,
      bookings AS bookings,
      NULL AS bookings_2
    FROM agg_bookings
    UNION ALL
    SELECT
      metric_time__day AS metric_time__day,
      NULL AS bookings,
      bookings_2 AS bookings_2
    FROM agg_bookings_2
  ) AS combined
  GROUP BY combined.metric_time__day
),
compute_bookings_growth AS (
  SELECT
    metric_time__day AS metric_time__day,
    CAST((bookings - bookings_2) * CAST(1 AS NUMERIC) AS DOUBLE PRECISION) / CAST(NULLIF(NULLIF(bookings_2, 0), 0) AS DOUBLE PRECISION) AS bookings_growth
  FROM combine
)
SELECT
  metric_time__day AS metric_time__day,
  bookings_growth AS bookings_growth
FROM compute_bookings_growth
ORDER BY metric_time__day
-- values: ["2020-02-01","2020-02-15","2020-02-01","2020-02-15"]
