-- request: {"metrics":["bookings"],"groupBy":["guest__company__industry"]}
WITH agg_bookings AS (
  SELECT
    guest__company__companies.industry AS guest__company__industry,
    SUM(base.bookings) AS bookings
  FROM (
    SELECT
      guest_id AS guest,
      (1) AS bookings
    FROM marketplace.bookings AS bookings
  ) AS base
  LEFT OUTER JOIN (
    SELECT
      user_id AS guest,
      company_id AS company
    FROM marketplace.users AS users
  ) AS guest__users
    ON base.guest = guest__users.guest
  LEFT OUTER JOIN (
    SELECT
      company_id AS company,
      industry
    FROM marketplace.companies AS companies
  ) AS guest__company__companies
    ON guest__users.company = guest__company__companies.company
  GROUP BY guest__company__companies.industry
)
SELECT
  guest__company__industry AS guest__company__industry,
  bookings AS bookings
FROM agg_bookings
ORDER BY guest__company__industry
-- values: []
