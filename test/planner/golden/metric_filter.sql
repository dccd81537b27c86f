-- request: {"metrics":["booking_value"],"groupBy":["listing__country"],"where":["{{ Metric('bookings', group_by=['listing']) }} >= 20"]}
WITH agg_bookings AS (
  SELECT
    base.listing AS listing,
    SUM(base.bookings) AS bookings
  FROM (
    SELECT
      listing_id AS listing,
      (1) AS bookings
    FROM marketplace.bookings AS bookings
  ) AS base
  GROUP BY base.listing
),
agg_bookings_2 AS (
  SELECT
    listing__listings.country AS listing__country,
    SUM(base.booking_value) AS booking_value
  FROM (
    SELECT
      listing_id AS listing,
      booking_value
    FROM marketplace.bookings AS bookings
  ) AS base
  LEFT OUTER JOIN (
    SELECT
      listing_id AS listing,
      country
    FROM marketplace.listings AS listings
  ) AS listing__listings
    ON base.listing = listing__listings.listing
  LEFT OUTER JOIN agg_bookings AS metric_filter_1
    ON base.listing = metric_filter_1.listing
  WHERE metric_filter_1.bookings >= $1
  GROUP BY listing__listings.country
)
SELECT
  listing__country AS listing__country,
  booking_value AS booking_value
FROM agg_bookings_2
ORDER BY listing__country
-- values: [20]
