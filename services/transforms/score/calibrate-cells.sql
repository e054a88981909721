-- County cells with a complaint or report in the 28 Beijing days before {end}, other than those in
-- {excluded} ('product|county'): the cells whose windows a pass could find above a threshold in the
-- week ending then. `qrm calibrate`'s denominator.
SELECT count() AS cells
FROM (
    SELECT DISTINCT product_code, region_code
    FROM {{db}}.complaints_daily
    WHERE day >= toDate({end:DateTime64(3, 'UTC')}, 'Asia/Shanghai') - 28
      AND day <= toDate({end:DateTime64(3, 'UTC')}, 'Asia/Shanghai')
)
WHERE NOT has({excluded:Array(String)}, concat(product_code, '|', region_code))
SETTINGS final = 0
