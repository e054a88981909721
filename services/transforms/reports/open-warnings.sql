-- Warnings open at {end}: the latest state change before {end} is not a resolution. Acknowledgements
-- are not state changes (a bureau acknowledging does not close a warning), so they only set a flag.
SELECT
    warning_id,
    argMax(product_code, evaluated_at) AS product_code,
    argMax(region_code, evaluated_at) AS region_code,
    argMax(region_level, evaluated_at) AS region_level,
    argMax(level, evaluated_at) AS level,
    argMax(score, evaluated_at) AS score,
    min(opened_at) AS opened_at,
    max(evaluated_at) AS last_change_at,
    argMax(event, evaluated_at) AS last_event,
    warning_id IN (
        SELECT warning_id FROM {{db}}.warnings
        WHERE event = 'acknowledged' AND evaluated_at < {end:DateTime64(3, 'UTC')}
    ) AS acknowledged
-- Filtered in a subquery: the aggregates above reuse the column names, and ClickHouse would resolve
-- a WHERE on region_code to the argMax alias.
FROM (
    SELECT * FROM {{db}}.warnings
    WHERE evaluated_at < {end:DateTime64(3, 'UTC')}
      AND event IN ('opened', 'escalated', 'deescalated', 'resolved')
      AND startsWith(region_code, {prefix:String})
)
GROUP BY warning_id
HAVING last_event != 'resolved'
ORDER BY indexOf(['I', 'II', 'III', 'IV'], level), score DESC, opened_at, warning_id
