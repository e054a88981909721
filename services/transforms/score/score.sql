-- One scoring pass at evaluation time {t}, every region level at once: a cell is a product in a county
-- (6-digit code), a prefecture (its first 4 digits) or a province (first 2); rollups add their
-- counties' data up, counting a caller or an item once. A pure function of the stored aggregates,
-- {t} and the county complaint windows' alarm thresholds ({alarm_z_1d} etc.): complete hours before
-- {t} only (complaints, media), complete days before {t} only (spot checks by UTC day, as
-- spot_checks_daily is bucketed; complaint history by Beijing day, below), so a pass sees exactly
-- what was known at {t} and re-running it gives the same rows. The statistics are explained in
-- docs/scoring.md.
--
-- Observed windows (1, 7, 28 days) are the 24-hour spans ending at the last complete hour before {t},
-- exact distinct counts from the hourly states. Complaint history (the baselines) is by Beijing day:
-- day k = 0 is the last complete Beijing day before {t}'s hour, k = 7, 14, ... fall on its weekday.
-- Finished days come from complaints_voices_daily, sealed plain numbers, when their `inserts` total
-- is the one they were sealed at ({sealed}); the other days ({stale}) are merged from their states.
-- Media history is sealed the same way, by UTC day and hour (m_hours). Sealed tables are read with
-- FINAL: a day sealed by two passes at once holds its numbers twice (history.ts).
--
-- ClickHouse inlines a CTE at every reference, so each CTE below is read exactly once. Cells are
-- grouped and joined by key = cityHash64(product_code, cell): by the two LowCardinality strings
-- ClickHouse aggregates several times slower.

WITH
    toStartOfHour({t:DateTime64(3, 'UTC')}) AS t_h,
    toDate(t_h, 'Asia/Shanghai') AS b_day,
    -- History day k = dateDiff('day', day, b_day) - 1 is read by c_series when k = 7, 14 <= k <= 195
    -- or k >= 350.
    (day = b_day - 8 OR (day >= b_day - 196 AND day <= b_day - 15) OR day <= b_day - 351) AS in_reference,

-- Complaints: the exact distinct counts over the observed windows (a caller repeating across days is
-- still one voice in a window), merged per county first and then rolled up, which reads the hourly
-- states once for all three levels. Rollups need at least two counties with complaints; otherwise
-- they would repeat their one county.
c_obs AS (
    SELECT cityHash64(p, cell) AS key, any(p) AS product, any(cell) AS cell_code,
        uniqExactMerge(v1) AS o1,
        uniqExactMerge(v7) AS o7,
        uniqExactMerge(v28) AS o28,
        uniqExactMerge(ids7) AS n7,
        count() AS counties
    FROM (
        SELECT cityHash64(product_code, region_code) AS county_key, any(product_code) AS p, any(region_code) AS r,
            uniqExactMergeStateIf(voices, hour >= t_h - INTERVAL 1 DAY) AS v1,
            uniqExactMergeStateIf(voices, hour >= t_h - INTERVAL 7 DAY) AS v7,
            uniqExactMergeState(voices) AS v28,
            uniqExactMergeStateIf(ids, hour >= t_h - INTERVAL 7 DAY) AS ids7
        FROM {{db}}.complaints_hourly
        WHERE hour < t_h AND hour >= t_h - INTERVAL 28 DAY
        GROUP BY county_key
    )
    ARRAY JOIN [r, substring(r, 1, 4), substring(r, 1, 2)] AS cell
    GROUP BY key
    HAVING counties >= if(length(cell_code) = 6, 1, 2)
),
-- Weighted voices per cell and history day, summed into 66 weekly values (one scan, no window
-- functions) and the same weekday of each of the last 9 weeks. Only the days `windows` reads are
-- read (in_reference): weeks 3 to 28 and 51 to 66 and the same weekday a week back (k = 7); weeks 1,
-- 2 and 29 to 50, a third of the history, stay zero.
c_series AS (
    SELECT key,
        sumResample(0, 66, 1)(v, intDiv(k, 7)) AS weeks,
        sumIfResample(0, 9, 1)(v, k % 7 = 0, intDiv(k, 7)) AS same_weekday,
        max(k) AS oldest_k
    FROM (
        SELECT cell_key AS key, dateDiff('day', day, b_day) - 1 AS k, toFloat64(voices) AS v
        FROM {{db}}.complaints_voices_daily FINAL
        WHERE day < b_day AND day >= b_day - {history_days:UInt16} AND in_reference AND day IN {sealed:Array(Date)}
        UNION ALL
        SELECT cityHash64(product_code, cell) AS key, dateDiff('day', day, b_day) - 1 AS k, toFloat64(uniqExactMerge(voices)) AS v
        FROM {{db}}.complaints_daily
        ARRAY JOIN [region_code, substring(region_code, 1, 4), substring(region_code, 1, 2)] AS cell
        -- has() rather than IN: ClickHouse folds IN over an empty set into a constant it then rejects.
        WHERE day < b_day AND day >= b_day - {history_days:UInt16} AND in_reference AND has({stale:Array(Date)}, day)
        GROUP BY key, day
    )
    GROUP BY key
),
-- Media: reach-weighted negativity per cell and hour (an item naming two counties of a rollup counts
-- once) and the largest exposé reach; finished UTC days from media_negativity_hourly, sealed plain
-- numbers, when their `inserts` total is the one they were sealed at ({media_sealed}), the other days
-- ({media_stale}, and the day of t's hour, never sealed) merged from their item sets. An item is
-- published in one hour, so an hour's distinct items summed over a span's hours are its distinct items.
m_hours AS (
    SELECT cell_key AS key, product_code, cell, hour, negativity, exposure_reach
    FROM {{db}}.media_negativity_hourly FINAL
    WHERE hour < t_h AND hour >= t_h - INTERVAL {media_history_days:UInt16} DAY AND day IN {media_sealed:Array(Date)}
    UNION ALL
    SELECT cityHash64(product_code, cell) AS key, any(product_code), any(cell), hour,
        arraySum(x -> x.2, groupUniqArrayMerge(items)), arrayMax(x -> x.3, groupUniqArrayMerge(items))
    FROM {{db}}.media_hourly_counted
    ARRAY JOIN [region_code, substring(region_code, 1, 4), substring(region_code, 1, 2)] AS cell
    WHERE hour < t_h AND hour >= t_h - INTERVAL {media_history_days:UInt16} DAY
        AND (hour >= toStartOfDay(t_h) OR has({media_stale:Array(Date)}, toDate(hour)))
    GROUP BY key, hour
),
-- The most counties with media in any of the last 28 24-hour spans. A county has media in an hour
-- exactly when media_hourly_counted has its row (every hour with items has a row in m_hours too, sealed
-- or merged), so the (county, span) pairs come from that table's keys alone: no item sets merged and
-- no second evaluation of m_hours (a CTE is inlined at every reference). Codes of other lengths are
-- no county, as in m_hours.
m_coverage AS (
    SELECT key, max(n) AS counties
    FROM (
        SELECT cityHash64(product_code, cell) AS key, k, count() AS n
        FROM (
            SELECT DISTINCT product_code, region_code AS county, intDiv(dateDiff('hour', hour, t_h) - 1, 24) AS k
            FROM {{db}}.media_hourly_counted
            WHERE hour < t_h AND hour >= t_h - INTERVAL 28 DAY AND length(region_code) = 6
        )
        ARRAY JOIN [county, substring(county, 1, 4), substring(county, 1, 2)] AS cell
        GROUP BY key, k
    )
    GROUP BY key
),
-- Negativity per 24-hour span k before t's hour (k = 0 the last), by day for 30 spans and by week for
-- 14; the largest exposé reach in 72 hours. A cell needs media in the last week, and a rollup two
-- counties with media in one span.
m_series AS (
    SELECT key, product_code, cell, days, weeks, exposure_reach, counties
    FROM (
        SELECT key, any(product_code) AS product_code, any(cell) AS cell,
            sumResample(0, 30, 1)(negativity, k) AS days,
            sumResample(0, 14, 1)(negativity, intDiv(k, 7)) AS weeks,
            maxIf(exposure_reach, k < 3) AS exposure_reach
        FROM (SELECT *, intDiv(dateDiff('hour', hour, t_h) - 1, 24) AS k FROM m_hours)
        GROUP BY key
    ) AS s
    INNER JOIN m_coverage AS c USING (key)
    WHERE weeks[1] > 0 AND counties >= if(length(cell) = 6, 1, 2)
),
-- Each cell with complaints in the observed windows, with its history. A cell whose complaints all
-- fall after its last complete Beijing day has no history yet: zeros, as for any quiet week. The
-- history arrays are columns here, not aliases in `windows`, which reads them many times (ClickHouse
-- copies an alias's expression at every use; see first_estimate).
c_cells AS (
    SELECT key, o.product AS product_code, o.cell_code AS cell, o.o1 AS o1, o.o7 AS o7, o.o28 AS o28, o.n7 AS n7, o.counties AS counties,
        if(empty(s.weeks), arrayWithConstant(66, 0.), s.weeks) AS weeks,
        if(empty(s.same_weekday), arrayWithConstant(9, 0.), s.same_weekday) AS same_weekday,
        s.oldest_k AS oldest_k
    FROM c_series AS s RIGHT JOIN c_obs AS o USING (key)
),
-- Reference windows for each observed window, one row per (cell, source, window): the same weekday
-- over eight weeks for one day, twelve earlier weeks for seven days, ten overlapping 28-day spans for
-- 28 days (media: the 28 previous days, and twelve earlier weeks). A guard band leaves out the weeks
-- just before the observed window, so an outbreak's own start does not raise its baseline. The yearly
-- factor compares the same weeks last year with the weeks before them (1 when there is too little
-- history).
windows AS (
    SELECT key, product_code, cell, 'complaints' AS source, counties, w.1 AS window_days, w.2 AS o, w.3 AS ys, w.4 AS floor_mu, w.5 AS o_min, w.6 AS floor_phi,
        season, toUInt64(0) AS exposure_reach, o1, o7, o28, n7
    FROM (
        SELECT *,
            -- A seasonal factor needs the whole year-ago span (weeks 51 to 66 back): in a cell whose
            -- complaints began later, the weeks before its first complaint would read as quiet weeks
            -- and the factor would double the baseline.
            arraySum(arraySlice(weeks, 52, 15)) >= 10 AND oldest_k >= 455 AS has_year,
            -- Five weeks around the same week last year against five times the mean of the eleven
            -- weeks before them, both plus 10 weighted voices: the added voices shrink the ratio
            -- towards 1 when counts are small, where a few quiet weeks by chance would otherwise
            -- halve the baseline (most false warnings of quiet simulated series came from that).
            -- Last year's outbreak is no season: a week more than 2.58 standard deviations (at
            -- dispersion 3) and 20 weighted voices above its span's median counts as that median.
            -- Unchecked, an outbreak in the five weeks raised this year's baseline by up to 75 % and
            -- hid outbreaks of ten standard deviations (test/eval). Smaller excesses stay: they are
            -- within the noise the added 10 voices absorb, and clipping them lowered the baseline
            -- and added false warnings (docs/scoring.md).
            arraySlice(weeks, 51, 5) AS year_now,
            arraySlice(weeks, 56, 11) AS year_before,
            arraySort(year_now)[3] AS year_now_median,
            arraySort(year_before)[6] AS year_before_median,
            arraySum(arrayMap(y -> if(y - year_now_median > greatest(20, 2.58 * sqrt(3 * greatest(year_now_median, 2))), year_now_median, y), year_now)) AS year_now_sum,
            arrayAvg(arrayMap(y -> if(y - year_before_median > greatest(20, 2.58 * sqrt(3 * greatest(year_before_median, 2))), year_before_median, y), year_before)) AS year_before_mean,
            if(has_year, least(3, greatest(0.5, (year_now_sum + 10) / (5 * year_before_mean + 10))), 1) AS season,
            -- The weekly dispersion over half a year (weeks 2 to 27 back), leaving out weeks far above
            -- the mean (past outbreaks): the 28-day window's own reference spans overlap and so
            -- understate its dispersion, and a sum of weeks is at least as dispersed as its weeks.
            arraySlice(weeks, 3, 26) AS ref26,
            arrayAvg(ref26) AS m26,
            arrayMap(y -> y - m26 <= 2.58 * sqrt(3 * greatest(m26, 2)), ref26) AS kept26,
            arraySum(arrayMap((y, k) -> k * y, ref26, kept26)) / greatest(arraySum(kept26), 1) AS mk26,
            arraySum(arrayMap((y, k) -> k * pow(y - mk26, 2), ref26, kept26)) / greatest(arraySum(kept26) - 1, 1) / greatest(mk26, 2) AS phi_week
        FROM c_cells
    )
    ARRAY JOIN [
        (1, toFloat64(o1), arraySlice(same_weekday, 2, 8), 1.0, 5.0, 3.0),
        (7, toFloat64(o7), arraySlice(weeks, 3, 12), 2.0, 6.0, 3.0),
        (28, toFloat64(o28), arrayMap(j -> arraySum(arraySlice(weeks, j + 1, 4)), range(5, 15)), 4.0, 10.0, greatest(3.0, phi_week))
    ] AS w
    UNION ALL
    SELECT key, product_code, cell, 'media' AS source, counties, w.1, w.2, w.3, w.4, w.5, 3.0, 1 AS season, exposure_reach,
        toUInt64(0), toUInt64(0), toUInt64(0), toUInt64(0)
    FROM m_series
    ARRAY JOIN [
        (1, days[1], arraySlice(days, 3, 28), 1.0, 10.0),
        (7, weeks[1], arraySlice(weeks, 3, 12), 3.0, 15.0)
    ] AS w
),
-- Baseline robust to past outbreaks (after Noufaily et al. 2013): a first estimate of mean and
-- dispersion, then reference values more than 2.58 standard deviations above it are down-weighted by
-- (2.58/s)^2 before the final mean and dispersion. Exceedance uses Farrington's 2/3-power transform,
-- under which an overdispersed count is close to normal:
-- z = (O^(2/3) - mu^(2/3)) / ((2/3) sqrt(phi) mu^(1/6)).
--
-- The steps are four CTEs, not one list of aliases: ClickHouse copies an alias's expression wherever
-- the alias is used, so in one SELECT each step repeated every step before it. The statement's query
-- tree was 8 MB (EXPLAIN QUERY TREE; 0.6 MB as CTEs), and over 60 cells it took 0.31 s a pass
-- against 0.22 s as CTEs (docs/scoring.md, Performance).
first_estimate AS (
    SELECT *,
        -- For complaints the first estimate is the median, with a dispersion from the median absolute
        -- deviation (at least 3), not the mean and spread of the reference values: an earlier
        -- outbreak among them would inflate both so much that it no longer stood out, and would go on
        -- masking the next one. Media negativity is no count; its first estimate stays the mean.
        -- (Medians by sorting: arrayReduce with an aggregate function per row costs a second a pass.)
        length(ys) AS n_ref,
        arraySort(ys) AS ys_sorted,
        if(source = 'complaints', (ys_sorted[intDiv(n_ref + 1, 2)] + ys_sorted[intDiv(n_ref + 2, 2)]) / 2, arrayAvg(ys)) AS m0
    FROM windows
),
weights AS (
    SELECT *,
        arraySort(arrayMap(y -> abs(y - m0), ys)) AS dev_sorted,
        if(source = 'complaints',
            greatest(3, pow(1.4826 * (dev_sorted[intDiv(n_ref + 1, 2)] + dev_sorted[intDiv(n_ref + 2, 2)]) / 2, 2) / greatest(m0, floor_mu)),
            greatest(1, arrayAvg(arrayMap(y -> pow(y - m0, 2), ys)) * n_ref / greatest(n_ref - 1, 1) / greatest(m0, floor_mu))) AS phi0,
        sqrt(phi0 * greatest(m0, floor_mu)) AS sd0,
        arrayMap(y -> if(y - m0 > 2.58 * sd0, pow(2.58 * sd0 / (y - m0), 2), 1), ys) AS ws
    FROM first_estimate
),
baseline AS (
    SELECT *,
        arraySum(arrayMap((y, wt) -> y * wt, ys, ws)) / arraySum(ws) AS mu_ref,
        greatest(mu_ref * season, floor_mu) AS mu,
        -- At least floor_phi (3, or the half-year weekly dispersion for 28 days): the point estimates
        -- leave out their own error (a seasonal ratio from one year, 8 to 12 reference values,
        -- overlapping 28-day spans) and severity weights alone make weighted voices about 1.5 times
        -- Poisson. With 1, quiet simulated series warned in about 5 % of weeks instead of 1 %
        -- (test/eval, docs/scoring.md).
        greatest(floor_phi, arraySum(arrayMap((y, wt) -> wt * pow(y - mu_ref, 2), ys, ws)) / (greatest(mu_ref, floor_mu) * greatest(arraySum(ws) - 1, 1))) AS phi
    FROM weights
),
stats AS (
    SELECT *,
        if(o >= o_min, (pow(o, 2 / 3) - pow(mu, 2 / 3)) / ((2 / 3) * sqrt(phi) * pow(mu, 1 / 6)), 0) AS z_stat,
        -- An investigative exposé by a large outlet is enough on its own (feeds-v1: exposure = true).
        multiIf(source != 'media', 0, exposure_reach >= 1000000, 7.6, exposure_reach >= 100000, 5.6, exposure_reach >= 10000, 3.6, 0) AS z_expose,
        greatest(z_stat, z_expose) AS z,
        -- One alarm threshold per complaint window of a county, so that the three together stay near
        -- 1 % of quiet weeks: tested daily, the 28-day window (overlapping reference spans that drift
        -- with the season) exceeds a given z by chance more often than the 7-day window, and gains
        -- fewer outbreaks for it. Set by configuration (transforms/score/alarm.ts: 3.5, 3.05 and 4.25,
        -- calibrated on simulated county series, docs/scoring.md); rollups, sums of counties with
        -- other noise, keep 3.5 for every window until they are calibrated too.
        -- z_level is z rescaled so that each window's threshold lands on level IV's 3.5.
        if(source = 'complaints' AND length(cell) = 6,
            multiIf(window_days = 7, {alarm_z_7d:Float64}, window_days = 28, {alarm_z_28d:Float64}, {alarm_z_1d:Float64}), 3.5) AS alarm_z,
        z * 3.5 / alarm_z AS z_level
    FROM baseline
),
-- Each cell's strongest window per source, measured against its threshold. On a tie (an exposé sets
-- both media windows) the shorter window is reported, so the evidence is the same on every run.
signals AS (
    SELECT key, any(product_code) AS product, any(cell) AS cell_code,
        maxIf(z_level, source = 'complaints') AS c_z,
        argMaxIf((window_days, o, round(mu, 2), round(phi, 2), round(z, 2), z_expose, exposure_reach, alarm_z), (z_level, -window_days), source = 'complaints') AS complaint_best,
        -- Every complaint window's z, not only the strongest: `qrm calibrate` sets thresholds from them.
        -- One array in no set order (evidence.ts orders it): 0.08 s a pass at 100k cells, three maxIf 0.23 s.
        groupArrayIf((window_days, round(z, 2)), source = 'complaints') AS complaint_windows,
        maxIf(counties, source = 'complaints') AS c_counties,
        max(o1) AS c_o1, max(o7) AS c_o7, max(o28) AS c_o28, max(n7) AS c_n7,
        maxIf(z_level, source = 'media') AS m_z,
        argMaxIf((window_days, o, round(mu, 2), round(phi, 2), round(z, 2), z_expose, exposure_reach, alarm_z), (z_level, -window_days), source = 'media') AS media_best,
        maxIf(counties, source = 'media') AS m_counties
    FROM stats
    GROUP BY key
),
-- Spot checks and the complaint concentration change only with t's UTC day: the placeholder below is
-- either their stage, read (day-signals-staged.sql), or day-signals.sql itself, inline, for a pass
-- that evaluates each day once (day-signals.ts). A cell without spot checks has their zeros, one
-- without a concentration top_n 0.
daily AS (
{{day_signals}}
)
SELECT
    if(x.product = '', s.product_code, x.product) AS product_code,
    if(x.cell_code = '', s.cell, x.cell_code) AS region_code,
    multiIf(length(region_code) = 6, 'county', length(region_code) = 4, 'prefecture', 'province') AS region_level,
    least(10, greatest(0, x.c_z)) * if(s.top_n >= 3 AND s.top_n >= 0.6 * s.callers7, 1.25, 1) AS complaint_z,
    least(10, greatest(0, s.z)) AS spotcheck_z,
    least(10, greatest(0, x.m_z)) AS media_z,
    -- Independent sources agreeing: the root of summed squares grows faster with two moderate
    -- signals than with one. 10 points per unit of z above 0.5: level IV (30) needs z = 3.5, which a
    -- cell without an outbreak reaches in well under 1 % of weeks even with three windows tested daily.
    least(100, greatest(0, round(10 * (sqrt(pow(complaint_z, 2) + pow(spotcheck_z, 2) + pow(media_z, 2)) - 0.5), 1))) AS score,
    x.complaint_best AS complaint_best, x.complaint_windows AS complaint_windows, x.c_o1 AS c_o1, x.c_o7 AS c_o7, x.c_o28 AS c_o28, x.c_n7 AS c_n7,
    s.top_enterprise AS top_enterprise, s.top_n AS top_enterprise_n, s.callers7 AS c_callers7,
    x.media_best AS media_best,
    s.n90 AS s_n90, s.f90 AS s_f90, s.n365 AS s_n365, s.f365 AS s_f365, round(s.p0, 4) AS s_p0,
    round(s.p90, 4) AS s_p90, round(s.p365, 4) AS s_p365, s.repeat_enterprises AS s_repeat, s.rebound AS s_rebound, s.below_target AS s_below_target,
    greatest(x.c_counties, x.m_counties, s.counties) AS counties
FROM signals AS x
-- A cell with a concentration but no other signal scores 0 and is left out below.
FULL JOIN daily AS s USING (key)
WHERE score >= 10
-- County rows first, then prefectures, then provinces, as the levels were once scored one by one.
ORDER BY length(region_code) DESC, product_code, region_code
-- The aggregates are merged explicitly above; FINAL (on by default for qrm's reads of raw tables)
-- would only make ClickHouse merge them a second time.
SETTINGS final = 0
