-- Messages rejected in the period, per feed and reason code (a closed list, schemas/dlq/headers.ts).
SELECT feed, reason_code, count() AS n
FROM {{db}}.dead_letters
WHERE rejected_at >= {start:DateTime64(3, 'UTC')} AND rejected_at < {end:DateTime64(3, 'UTC')}
GROUP BY feed, reason_code
ORDER BY n DESC, feed, reason_code
