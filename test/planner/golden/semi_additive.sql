-- request: {"metrics":["account_balance"],"groupBy":["metric_time__month"]}
WITH agg_account_balances AS (
  SELECT
    rows.metric_time__month AS metric_time__month,
    SUM(rows.__input_1) AS account_balance
  FROM (
    SELECT
      CAST(DATE_TRUNC('month', base.ds) AS DATE) AS metric_time__month,
      base.account_balance AS __input_1,
      base.ds AS __nad,
      MAX(base.ds) OVER (PARTITION BY CAST(DATE_TRUNC('month', base.ds) AS DATE), base."user") AS __nad_edge
    FROM (
      SELECT
        ds,
        account_balance,
        user_id AS "user"
      FROM marketplace.account_balances AS account_balances
    ) AS base
  ) AS rows
  WHERE rows.__nad = rows.__nad_edge
  GROUP BY rows.metric_time__month
)
SELECT
  metric_time__month AS metric_time__month,
  account_balance AS account_balance
FROM agg_account_balances
ORDER BY metric_time__month
-- values: []
