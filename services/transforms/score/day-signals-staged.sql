-- The day signals staged for a pass at {t} under {day_inputs}. FINAL: two processes staging at once
-- write a cell's row twice.
SELECT key, product_code, cell, counties, n90, f90, n365, f365, p0, p90, p365,
    repeat_enterprises, rebound, below_target, z, top_enterprise, top_n, callers7
FROM {{db}}.day_signals FINAL
WHERE day = toDate({t:DateTime64(3, 'UTC')}, 'UTC') AND inputs = {day_inputs:UInt64}
