-- Stages the day signals of a pass at {t} under {inputs}; the placeholder below is day-signals.sql.
INSERT INTO {{db}}.day_signals (day, inputs, key, product_code, cell, spot, counties, n90, f90, n365, f365, p0, p90, p365,
    repeat_enterprises, rebound, below_target, z, top_enterprise, top_n, callers7)
SELECT day, inputs, key, product_code, cell, spot, counties, n90, f90, n365, f365, p0, p90, p365,
    repeat_enterprises, rebound, below_target, z, top_enterprise, top_n, callers7
FROM (
{{day_signals}}
)
SETTINGS final = 0
