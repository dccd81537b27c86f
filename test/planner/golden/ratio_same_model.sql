-- request: {"metrics":["instant_booking_rate"],"groupBy":["booking__booking_source"]}
WITH agg_bookings AS (
  SELECT
    base.booking_source AS booking__booking_source,
    SUM(CASE WHEN base.instant_bookings THEN 1 ELSE 0 END) AS instant_bookings,
    SUM(base.bookings) AS bookings
  FROM (
    SELECT
      booking_source,
      is_instant AS instant_bookings,
      (1) AS bookings
    FROM marketplace.bookings AS bookings
  ) AS base
  GROUP BY base.booking_source
),
compute_instant_booking_rate AS (
  SELECT
    booking__booking_source AS booking__booking_source,
    CAST(instant_bookings AS DOUBLE PRECISION) / CAST(NULLIF(bookings, 0) AS DOUBLE PRECISION) AS instant_booking_rate
  FROM agg_bookings
)
SELECT
  booking__booking_source AS booking__booking_source,
  instant_booking_rate AS instant_booking_rate
FROM compute_instant_booking_rate
ORDER BY booking__booking_source
-- values: []
