import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboards } from '../../dashboards/src/index.ts';

// The dashboards as plain JSON (what Grafana reads), flattened to panels and their queries.

export type Target = { refId?: string; datasource?: { type?: string; uid?: string }; rawSql?: string; format?: number; queryType?: string; expr?: string; legendFormat?: string };
export type Override = { matcher: { id: string; options?: unknown }; properties: { id: string; value?: unknown }[] };
export type PanelJson = {
  id: number;
  type: string;
  title: string;
  interval?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  transformations?: { id: string; options: Record<string, unknown> }[];
  fieldConfig?: { defaults?: Record<string, unknown>; overrides?: Override[] };
  options?: Record<string, unknown>;
  panels?: PanelJson[];
};
export type VariableJson = { type: string; name: string; query?: unknown; datasource?: { type?: string; uid?: string }; includeAll?: boolean; multi?: boolean };

export type DashboardJson = Omit<Dashboard, 'panels' | 'templating'> & { uid: string; title: string; panels: PanelJson[]; templating: { list: VariableJson[] } };
export type Built = { file: string; json: DashboardJson };

export function builtDashboards(): Built[] {
  return Object.entries(dashboards).map(([file, build]) => ({ file, json: JSON.parse(JSON.stringify(build())) as Built['json'] }));
}

export function panelsOf(d: DashboardJson): PanelJson[] {
  return d.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

export const isClickHouse = (t: Target) => t.datasource?.type === 'grafana-clickhouse-datasource';
export const isPrometheus = (t: Target) => t.datasource?.type === 'prometheus';
