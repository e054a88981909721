-- The state of what day-signals.sql reads for a pass at {t}, as one fingerprint: the `inserts` counts
-- of the aggregates it merges over the days it reads (a year of spot checks before t's UTC day, the
-- seven days of complaints before it), the product catalog as it is now, the schema version, and
-- {code}, a hash of the statements that write and read a stage (day-signals.ts). An `inserts` count is written in the same part as the
-- states it counts and only grows, so any row stored into those days changes the fingerprint from the
-- moment the pass can read it, and a fingerprint never comes back once its data has changed.
--
-- `marked`: whether a trusted stage of these inputs exists. Stages are kept two days from when they
-- were written (0011_day_signals.sql); a mark is trusted for one, and only while its stage holds every
-- cell it marked (a stage whose rows are not all there is not read).
WITH
    toDate({t:DateTime64(3, 'UTC')}, 'UTC') AS t_day,
    cityHash64(
        {code:UInt64},
        (SELECT max(version) FROM {{db}}.schema_migrations),
        (SELECT sum(inserts) FROM {{db}}.spot_checks_daily WHERE day >= t_day - 365 AND day < t_day),
        (SELECT sum(inserts) FROM {{db}}.spot_check_failures_enterprise WHERE day >= t_day - 365 AND day < t_day),
        (SELECT sum(inserts) FROM {{db}}.complaints_enterprise_callers_daily WHERE day >= t_day - 7 AND day < t_day),
        (SELECT arraySort(groupArray((code, national_fail_rate))) FROM {{db}}.products FINAL)
    ) AS fingerprint,
    (SELECT (count(), any(cells)) FROM {{db}}.day_signals_marks FINAL
        WHERE day = t_day AND inputs = fingerprint AND staged_at > now64(3) - INTERVAL 1 DAY) AS mark
SELECT toString(fingerprint) AS inputs,
    mark.1 > 0 AND mark.2 = (SELECT uniqExact(key) FROM {{db}}.day_signals WHERE day = t_day AND inputs = fingerprint) AS marked
SETTINGS final = 0
