-- request: {"metrics":["booking_value_mtd"],"groupBy":["metric_time__day"],"timeConstraint":{"start":"2020-02-25","end":"2020-03-05"}}
WITH agg_bookings AS (
  SELECT
    CAST(DATE_TRUNC('day', base.ds) AS DATE) AS __metric_time_day,
    SUM(base.booking_value) AS booking_value_mtd
  FROM (
    SELECT
      ds,
      booking_value
    FROM marketplace.bookings AS bookings
    WHERE ds >= $1::date AND ds < $2::date
  ) AS base
  GROUP BY CAST(DATE_TRUNC('day', base.ds) AS DATE)
),
cumulative_booking_value_mtd AS (
  SELECT
    daily.__day AS metric_time__day,
    daily.__value AS booking_value_mtd_2
  FROM (
    SELECT
      periods.t AS __day,
      SUM(r.booking_value_mtd) AS __value
    FROM (
      SELECT
        spine.ds AS t
      FROM marketplace.time_spine_days AS spine
      WHERE spine.ds >= $3::date AND spine.ds <= CAST($4::date - 1 AS DATE)
    ) AS periods
    INNER JOIN agg_bookings AS r
      ON r.__metric_time_day <= periods.t AND r.__metric_time_day >= CAST(DATE_TRUNC('month', periods.t) AS DATE)
    GROUP BY periods.t
  ) AS daily
)
SELECT
  metric_time__day AS metric_time__day,
  booking_value_mtd_2 AS booking_value_mtd
FROM cumulative_booking_value_mtd
ORDER BY metric_time__day
-- values: ["2020-02-01","2020-03-06","2020-02-25","2020-03-06"]
