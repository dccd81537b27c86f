-- request: {"metrics":["visit_to_buy_conversion_rate_7d"],"groupBy":["metric_time__month"]}
WITH agg_visits AS (
  SELECT
    CAST(DATE_TRUNC('month', base.ds) AS DATE) AS metric_time__month,
    SUM(base.visits) AS visits
  FROM (
    SELECT
      ds,
      (1) AS visits
    FROM marketplace.visits AS visits
  ) AS base
  GROUP BY CAST(DATE_TRUNC('month', base.ds) AS DATE)
),
rows_visits AS (
  SELECT
    CAST(DATE_TRUNC('month', base.ds) AS DATE) AS metric_time__month,
    base."user" AS __entity,
    CAST(DATE_TRUNC('day', base.ds) AS DATE) AS __time,
    base.visits AS visit_to_buy_conversion_rate_7d_base
  FROM (
    SELECT
      ds,
      user_id AS "user",
      (1) AS visits
    FROM marketplace.visits AS visits
  ) AS base
),
rows_buys AS (
  SELECT
    base."user" AS __entity,
    CAST(DATE_TRUNC('day', base.ds) AS DATE) AS __time,
    base.buys AS visit_to_buy_conversion_rate_7d_conversion
  FROM (
    SELECT
      user_id AS "user",
      ds,
      (1) AS buys
    FROM marketplace.buys AS buys
  ) AS base
),
conversion_visit_to_buy_conversion_rate_7d AS (
  SELECT
    matched.metric_time__month AS metric_time__month,
    SUM(matched.__value) AS visit_to_buy_conversion_rate_7d_conversions
  FROM (
    SELECT DISTINCT
      c.__uid AS __uid,
      FIRST_VALUE(b.metric_time__month) OVER (PARTITION BY c.__uid ORDER BY b.__time DESC, b.metric_time__month ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS metric_time__month,
      c.__value AS __value
    FROM (
      SELECT
        __entity AS __entity,
        __time AS __time,
        visit_to_buy_conversion_rate_7d_conversion AS __value,
        ROW_NUMBER() OVER (ORDER BY __entity, __time, visit_to_buy_conversion_rate_7d_conversion) AS __uid
      FROM rows_buys
    ) AS c
    INNER JOIN rows_visits AS b
      ON b.__entity = c.__entity AND b.__time <= c.__time AND b.__time > c.__time - INTERVAL '7 day'
  ) AS matched
  GROUP BY matched.metric_time__month
),
combine AS (
  SELECT
    combined.metric_time__month AS metric_time__month,
    MAX(combined.visit_to_buy_conversion_rate_7d_conversions) AS visit_to_buy_conversion_rate_7d_conversions,
    MAX(combined.visits) AS visits
  FROM (
    SELECT
      conversion_visit_to_buy_conversion_rate_7d.metric_time__month AS metric_time__month,
      conversion_visit_to_buy_conversion_rate_7d.visit_to_buy_conversion_rate_7d_conversions AS visit_to_buy_conversion_rate_7d_conversions,
      agg_visits.visits AS visits
    FROM conversion_visit_to_buy_conversion_rate_7d
    CROSS JOIN agg_visits
    WHERE FALSE
    UNION ALL
    SELECT
      metric_time__month AS metric_time__month,
      visit_to_buy_conversion_rate_7d_conversions AS visit_to_buy_conversion_rate_7d_conversions,
      NULL AS visits
    FROM conversion_visit_to_buy_conversion_rate_7d
    UNION ALL
    SELECT
      metric_time__month AS metric_time__month,
      NULL AS visit_to_buy_conversion_rate_7d_conversions,
      visits AS visits
    FROM agg_visits
  ) AS combined
  GROUP BY combined.metric_time__month
),
compute_visit_to_buy_conversion_rate_7d AS (
  SELECT
    metric_time__month AS metric_time__month,
    CAST(visit_to_buy_conversion_rate_7d_conversions AS DOUBLE PRECISION) / CAST(NULLIF(visits, 0) AS DOUBLE PRECISION) AS visit_to_buy_conversion_rate_7d
  FROM combine
)
SELECT
  metric_time__month AS metric_time__month,
  visit_to_buy_conversion_rate_7d AS visit_to_buy_conversion_rate_7d
FROM compute_visit_to_buy_conversion_rate_7d
ORDER BY metric_time__month
-- values: []
