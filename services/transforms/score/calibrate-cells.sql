-- County cells with a complaint or report on a Beijing day a pass of the week [{start}, {end}) can see
-- in its 28-day window (from 28 days before the week to its last day), other than those in
-- {excluded} ('product|county'). `qrm calibrate`'s denominator.
SELECT count() AS cells
FROM (
    SELECT DISTINCT product_code, region_code
    FROM {{db}}.complaints_daily
    WHERE day >= toDate({start:DateTime64(3, 'UTC')}, 'Asia/Shanghai') - 28
      AND day < toDate({end:DateTime64(3, 'UTC')}, 'Asia/Shanghai')
)
WHERE NOT has({excluded:Array(String)}, concat(product_code, '|', region_code))
SETTINGS final = 0
