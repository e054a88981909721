-- Display names for the product and region codes a report mentions.
SELECT 'product' AS kind, code, name_zh AS name, '' AS prefecture_name, '' AS province_name, '' AS level
FROM {{db}}.products
WHERE code IN {products:Array(String)}
UNION ALL
SELECT 'region' AS kind, code, name, prefecture_name, province_name, level
FROM {{db}}.regions
WHERE code IN {regions:Array(String)}
