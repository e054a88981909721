-- Scoring passes in the period, counted by their evaluation times. Only cells scoring 10 or more are
-- stored, so a pass over a completely quiet database leaves no row and is not counted.
SELECT uniqExact(evaluated_at) AS passes, toString(max(evaluated_at)) AS last_at
FROM {{db}}.risk_scores
WHERE evaluated_at >= {start:DateTime64(3, 'UTC')} AND evaluated_at < {end:DateTime64(3, 'UTC')}
