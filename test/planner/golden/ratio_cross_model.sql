-- request: {"metrics":["buys_per_visit"],"groupBy":["metric_time__month"]}
WITH agg_buys AS (
  SELECT
    CAST(DATE_TRUNC('month', base.ds) AS DATE) AS metric_time__month,
    SUM(base.buys) AS buys
  FROM (
    SELECT
      ds,
      (1) AS buys
    FROM marketplace.buys AS buys
  ) AS base
  GROUP BY CAST(DATE_TRUNC('month', base.ds) AS DATE)
),
agg_visits AS (
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
combine AS (
  SELECT
    combined.metric_time__month AS metric_time__month,
    MAX(combined.buys) AS buys,
    MAX(combined.visits) AS visits
  FROM (
    SELECT
      agg_buys.metric_time__month AS metric_time__month,
      agg_buys.buys AS buys,
      agg_visits.visits AS visits
    FROM agg_buys
    CROSS JOIN agg_visits
    WHERE FALSE
    UNION ALL
    SELECT
      metric_time__month AS metric_time__month,
      buys AS buys,
      NULL AS visits
    FROM agg_buys
    UNION ALL
    SELECT
      metric_time__month AS metric_time__month,
      NULL AS buys,
      visits AS visits
    FROM agg_visits
  ) AS combined
  GROUP BY combined.metric_time__month
),
compute_buys_per_visit AS (
  SELECT
    metric_time__month AS metric_time__month,
    CAST(buys AS DOUBLE PRECISION) / CAST(NULLIF(visits, 0) AS DOUBLE PRECISION) AS buys_per_visit
  FROM combine
)
SELECT
  metric_time__month AS metric_time__month,
  buys_per_visit AS buys_per_visit
FROM compute_buys_per_visit
ORDER BY metric_time__month
-- values: []
