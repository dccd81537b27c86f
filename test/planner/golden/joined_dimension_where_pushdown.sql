-- request: {"metrics":["bookings","booking_value"],"groupBy":["metric_time__month","listing__is_lux"],"where":["{{ Dimension('listing__country') }} IN ('us', 'ca')"]}
WITH agg_bookings AS (
  SELECT
    CAST(DATE_TRUNC('month', base.ds) AS DATE) AS metric_time__month,
    listing__listings.is_lux AS listing__is_lux,
    SUM(base.bookings) AS bookings,
    SUM(base.booking_value) AS booking_value
  FROM (
    SELECT
      ds,
      listing_id AS listing,
      (1) AS bookings,
      booking_value
    FROM marketplace.bookings AS bookings
  ) AS base
  INNER JOIN (
    SELECT
      listing_id AS listing,
      is_lux
    FROM marketplace.listings AS listings
    WHERE country IN ($1, $2)
  ) AS listing__listings
    ON base.listing = listing__listings.listing
  GROUP BY CAST(DATE_TRUNC('month', base.ds) AS DATE), listing__listings.is_lux
)
SELECT
  metric_time__month AS metric_time__month,
  listing__is_lux AS listing__is_lux,
  bookings AS bookings,
  booking_value AS booking_value
FROM agg_bookings
ORDER BY metric_time__month, listing__is_lux
-- values: ["us","ca"]
