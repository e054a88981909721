-- Marks the day signals of a pass at {t} as staged for {inputs}, once all their rows are stored.
INSERT INTO {{db}}.day_signals_marks (day, inputs, cells)
SELECT toDate({t:DateTime64(3, 'UTC')}, 'UTC'), {inputs:UInt64}, uniqExact(key)
FROM {{db}}.day_signals
WHERE day = toDate({t:DateTime64(3, 'UTC')}, 'UTC') AND inputs = {inputs:UInt64}
SETTINGS final = 0
