-- request: {"metrics":[],"groupBy":["listing__country","listing__is_lux"]}
WITH distinct_listings AS (
  SELECT DISTINCT
    base.country AS listing__country,
    base.is_lux AS listing__is_lux
  FROM (
    SELECT
      country,
      is_lux
    FROM marketplace.listings AS listings
  ) AS base
)
SELECT
  listing__country AS listing__country,
  listing__is_lux AS listing__is_lux
FROM distinct_listings
ORDER BY listing__country, listing__is_lux
-- values: []
