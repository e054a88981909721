-- The signals of a pass at {t} that change only with t's UTC day: the spot checks of complete days
-- before it and the complaint concentration of the seven complete days before it, one row per cell
-- with either (a cell without one has its zeros), in day_signals' columns; `inputs` is the
-- fingerprint they are staged under ({inputs}, day-signals-inputs.sql). Staged after a pass by
-- day-signals-store.sql, or computed inline by a pass that finds no trusted stage (day-signals.ts).
WITH
    toDate({t:DateTime64(3, 'UTC')}, 'UTC') AS t_day,
-- Concentration: when one enterprise is named by most of the week's callers, the signal is more
-- telling than the same count spread over many (x1.25). Callers, not tickets: one person phoning
-- thirty times about one shop is one voice (test/eval flood scenario). One scan gives each
-- enterprise's callers and, merging them, all of the cell's callers (a caller naming two enterprises,
-- or none, counted once); a cell where no complaint names an enterprise has no concentration.
concentration AS (
    SELECT key,
        maxIf(finalizeAggregation(merged), enterprise != '') AS top_n,
        argMaxIf(enterprise, (finalizeAggregation(merged), enterprise), enterprise != '') AS top_enterprise,
        uniqExactMerge(merged) AS callers7
    FROM (
        -- Grouped by the enterprise's hash, not its 18-character code: a sixth faster.
        SELECT cityHash64(product_code, cell) AS key, any(enterprise_credit_code) AS enterprise, uniqExactMergeState(callers) AS merged
        FROM {{db}}.complaints_enterprise_callers_daily
        ARRAY JOIN [region_code, substring(region_code, 1, 4), substring(region_code, 1, 2)] AS cell
        -- Seven whole days before t's day: the table is by UTC day, and t's own day would hold calls
        -- made after t (a backtest would see the future; a re-run later would differ).
        WHERE day >= t_day - 7 AND day < t_day
        GROUP BY key, cityHash64(enterprise_credit_code)
    )
    GROUP BY key
    HAVING top_n > 0
),
-- Spot checks, by the day results became known. Failed samples weigh 1 with a safety item, 0.6 with a
-- performance item, 0.3 with labelling only. The failure rate is shrunk towards the product's rate
-- (empirical Bayes, beta prior worth 10 samples; the product rate itself is the catalog prior
-- updated with the last year's national results).
s_cells AS (
    SELECT cityHash64(product_code, cell) AS key, any(product_code) AS product, any(cell) AS cell_code,
        uniqExactMergeIf(samples, day >= t_day - 90) AS n90,
        uniqExactMergeIf(fails, day >= t_day - 90) AS f90,
        uniqExactMergeIf(safety_fails, day >= t_day - 90) AS sf90,
        uniqExactMergeIf(performance_fails, day >= t_day - 90) AS pf90,
        uniqExactMerge(samples) AS n365,
        uniqExactMerge(fails) AS f365,
        uniqExactMerge(safety_fails) AS sf365,
        uniqExactMerge(performance_fails) AS pf365,
        uniqExactMergeIf(samples, day < t_day - 90) AS n_before,
        uniqExactMergeIf(fails, day < t_day - 90) AS f_before,
        uniqExact(region_code) AS counties
    FROM {{db}}.spot_checks_daily
    ARRAY JOIN [region_code, substring(region_code, 1, 4), substring(region_code, 1, 2)] AS cell
    WHERE day < t_day AND day >= t_day - 365
    GROUP BY key
    HAVING counties >= if(length(cell_code) = 6, 1, 2) AND f365 > 0
),
s_product AS (
    SELECT p.code AS product_code,
        (ifNull(d.f, 0) + 50 * p.national_fail_rate) / (ifNull(d.n, 0) + 50) AS p0
    FROM {{db}}.products AS p FINAL
    LEFT JOIN (
        SELECT product_code, uniqExactMerge(samples) AS n, uniqExactMerge(fails) AS f
        FROM {{db}}.spot_checks_daily WHERE day < t_day AND day >= t_day - 365 GROUP BY product_code
    ) AS d ON d.product_code = p.code
),
repeaters AS (
    SELECT key, countIf(n >= 2) AS repeat_enterprises
    FROM (
        SELECT cityHash64(product_code, cell) AS key, enterprise_credit_code, uniqExactMerge(fails) AS n
        FROM {{db}}.spot_check_failures_enterprise
        ARRAY JOIN [region_code, substring(region_code, 1, 4), substring(region_code, 1, 2)] AS cell
        WHERE day < t_day AND day >= t_day - 365
        GROUP BY key, enterprise_credit_code
    )
    GROUP BY key
),
spotcheck AS (
    SELECT c.key AS key, 1 AS spot, c.product AS product, c.cell_code AS cell_code, c.counties AS counties,
        n90, f90, n365, f365, p.p0 AS p0,
        sf90 + 0.6 * pf90 + 0.3 * (f90 - sf90 - pf90) AS wf90,
        sf365 + 0.6 * pf365 + 0.3 * (f365 - sf365 - pf365) AS wf365,
        (wf90 + 10 * p0) / (n90 + 10) AS p90,
        (wf365 + 10 * p0) / (n365 + 10) AS p365,
        (p90 - p0) / sqrt(p0 * (1 - p0) / (n90 + 10)) AS z90,
        (p365 - p0) / sqrt(p0 * (1 - p0) / (n365 + 10)) AS z365,
        ifNull(r.repeat_enterprises, 0) AS repeat_enterprises,
        f90 > 0 AND f_before = 0 AND n_before >= 3 AS rebound,
        n365 >= 5 AND (n365 - f365) / n365 < 0.85 AS below_target,
        -- Repeat offenders and rebounds are facts about enterprises in one county; summed over a
        -- province they would only measure its size, so they count at county level only.
        greatest(if(f90 > 0, z90, 0), if(f365 > 0, z365, 0), if(below_target, 2, 0))
            + if(f90 > 0 AND length(c.cell_code) = 6, least(2, repeat_enterprises) + 1.5 * rebound, 0) AS z
    FROM s_cells AS c
    INNER JOIN s_product AS p ON p.product_code = c.product
    LEFT JOIN repeaters AS r ON r.key = c.key
)
SELECT t_day AS day, {inputs:UInt64} AS inputs, key,
    -- Missing from one side of the join, a cell takes that side's zeros and empty strings (join_use_nulls = 0).
    s.product AS product_code, s.cell_code AS cell, s.spot AS spot, s.counties AS counties, s.n90 AS n90, s.f90 AS f90,
    s.n365 AS n365, s.f365 AS f365, s.p0 AS p0, s.p90 AS p90, s.p365 AS p365, s.repeat_enterprises AS repeat_enterprises,
    s.rebound AS rebound, s.below_target AS below_target, s.z AS z, k.top_enterprise AS top_enterprise, k.top_n AS top_n, k.callers7 AS callers7
FROM spotcheck AS s
FULL JOIN concentration AS k USING (key)
