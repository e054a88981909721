-- The fingerprint of what day-signals.sql reads for a pass at {t}: the raw spot checks of the year
-- before t's UTC day (by the day their result became known, as spot_checks_daily and
-- spot_check_failures_enterprise bucket them), the raw complaints and reports of the seven days before
-- it (complaints_enterprise_callers_daily), and the product catalog. Every row stored is counted and
-- hashed with its ingestion time, so any row written into those days changes it, a redelivered copy
-- included; so does a merge that drops a replaced copy, which only costs a re-stage. Reading the raw
-- rows' ids is a tenth of the time merging the aggregates' states takes. `marked`: whether a trusted
-- stage of these inputs exists (0011_day_signals.sql: stages are kept two days from when they were
-- written, and a mark is trusted for one, so all of its rows are there).
WITH
    toDate({t:DateTime64(3, 'UTC')}, 'UTC') AS t_day,
    toDateTime64(t_day, 3, 'UTC') AS t_day_start,
    cityHash64(
        (SELECT (count(), sum(cityHash64(id, ingested_at))) FROM {{db}}.spot_checks
            WHERE toDate(coalesce(published_at, sampled_at), 'UTC') >= t_day - 365 AND toDate(coalesce(published_at, sampled_at), 'UTC') < t_day),
        (SELECT (count(), sum(cityHash64(id, ingested_at))) FROM {{db}}.complaints
            WHERE received_at >= t_day_start - INTERVAL 7 DAY AND received_at < t_day_start AND kind IN ('complaint', 'report')),
        (SELECT (count(), sum(cityHash64(code, national_fail_rate))) FROM {{db}}.products)
    ) AS fingerprint
SELECT toString(fingerprint) AS inputs,
    (SELECT count() FROM {{db}}.day_signals_marks WHERE day = t_day AND inputs = fingerprint AND staged_at > now64(3) - INTERVAL 1 DAY) AS marked
SETTINGS final = 0
