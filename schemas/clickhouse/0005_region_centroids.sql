-- Centroids of the GB/T 2260 regions, for the Geomap panels (dashboards/*.json join it on code).
-- Reference data like `regions`: loaded from schemas/gazetteer/region_centroids.tsv on every
-- migrate, and ReplacingMergeTree keyed on code, so reloading replaces instead of duplicating.
-- approx = 1: the region's own boundary was not found, its parent's centroid stands in.
CREATE TABLE IF NOT EXISTS {{db}}.region_centroids
(
    code LowCardinality(String),
    level LowCardinality(String),
    name String,
    lat Float64,
    lon Float64,
    approx UInt8
)
ENGINE = ReplacingMergeTree
ORDER BY code;
