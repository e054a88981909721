import { FrameGeometrySourceBuilder, FrameGeometrySourceMode, MapLayerOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { FieldColorBuilder, FieldColorModeId, type ThresholdsConfigBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { ControlsOptionsBuilder, MapCenterID, MapViewConfigBuilder, PanelBuilder, TooltipMode, TooltipOptionsBuilder } from '@grafana/grafana-foundation-sdk/geomap';
import { ClickHouseQueryBuilder, sql } from './clickhouse.ts';

// A Geomap of regions as markers. Positions come from the query's `latitude` and `longitude`
// columns, which the SQL takes from the region_centroids table (schemas/gazetteer/region_centroids.tsv, loaded by qrm migrate), so the
// map needs no gazetteer file inside Grafana.

export type GeomapSpec = {
  title: string;
  description: string;
  sql: string;
  colourField: string;
  sizeField: string;
  sizeRange: [number, number];
  thresholds: ThresholdsConfigBuilder;
  unit: string;
};

export const geomapColumns = { latitude: 'latitude', longitude: 'longitude' } as const;

export function geomapPanel(s: GeomapSpec) {
  const markers = new MapLayerOptionsBuilder()
    .type('markers')
    .name(s.title)
    .location(new FrameGeometrySourceBuilder().mode(FrameGeometrySourceMode.Coords).latitude(geomapColumns.latitude).longitude(geomapColumns.longitude))
    .tooltip(true)
    .config({
      showLegend: true,
      style: {
        color: { field: s.colourField, fixed: 'dark-green' },
        size: { field: s.sizeField, fixed: 5, min: s.sizeRange[0], max: s.sizeRange[1] },
        opacity: 0.7,
        symbol: { mode: 'fixed', fixed: 'img/icons/marker/circle.svg' },
        symbolAlign: { horizontal: 'center', vertical: 'center' },
        rotation: { fixed: 0, min: -360, max: 360, mode: 'mod' },
        textConfig: { fontSize: 12, offsetX: 0, offsetY: 0, textAlign: 'center', textBaseline: 'middle' },
      },
    });
  return new PanelBuilder()
    .title(s.title)
    .description(s.description)
    .withTarget(new ClickHouseQueryBuilder(s.sql).refId('A'))
    // Centred on China at a zoom that shows all provinces.
    .view(new MapViewConfigBuilder().id(MapCenterID.Coords).lat(35).lon(104).zoom(3.6))
    .controls(new ControlsOptionsBuilder().showZoom(true).mouseWheelZoom(true).showAttribution(true))
    .basemap(new MapLayerOptionsBuilder().type('default').name('Basemap'))
    .layers([markers])
    .tooltip(new TooltipOptionsBuilder().mode(TooltipMode.Details))
    .thresholds(s.thresholds)
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.Thresholds))
    .unit(s.unit);
}
