import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

// The SDK has no query type for the official ClickHouse plugin (grafana-clickhouse-datasource), so
// this is one, as the SDK's README describes for third-party plugins. Fields follow the plugin's
// CHSqlQuery: raw SQL in the SQL editor, the plugin's macros ($__timeFilter, $__timeInterval,
// $__conditionalAll, ...) expanded by the plugin, and `format` telling its backend how to shape the
// frame (0 = time series: long rows are pivoted into one series per string column value; 1 = table).

export const clickhouseType = 'grafana-clickhouse-datasource';
export const clickhouseDatasource: DataSourceRef = { type: clickhouseType, uid: '${datasource}' };

export enum Format {
  TimeSeries = 0,
  Table = 1,
}

export interface ClickHouseQuery {
  refId?: string;
  hide?: boolean;
  datasource?: DataSourceRef;
  editorType: 'sql';
  queryType: 'table' | 'timeseries';
  format: Format;
  rawSql: string;
  // Marks this type as a Dataquery variant for the SDK (not serialised: JSON drops functions).
  _implementsDataqueryVariant(): void;
}

export class ClickHouseQueryBuilder implements Builder<Dataquery> {
  private readonly internal: ClickHouseQuery;

  constructor(rawSql: string) {
    this.internal = {
      datasource: clickhouseDatasource,
      editorType: 'sql',
      queryType: 'table',
      format: Format.Table,
      rawSql: dedent(rawSql),
      _implementsDataqueryVariant() {},
    };
  }

  build(): ClickHouseQuery {
    return this.internal;
  }

  refId(refId: string): this {
    this.internal.refId = refId;
    return this;
  }

  hide(hide: boolean): this {
    this.internal.hide = hide;
    return this;
  }

  datasource(ref: DataSourceRef): this {
    this.internal.datasource = ref;
    return this;
  }

  /** Long rows (time, labels..., values...) pivoted into series by the plugin. */
  timeSeries(): this {
    this.internal.format = Format.TimeSeries;
    this.internal.queryType = 'timeseries';
    return this;
  }

  table(): this {
    this.internal.format = Format.Table;
    this.internal.queryType = 'table';
    return this;
  }
}

/** A query variable's query for the plugin: raw SQL, first column the value, second the text. */
export function variableQuery(rawSql: string): Record<string, unknown> {
  return { refId: 'var', queryType: 'sql', editorType: 'sql', rawSql: dedent(rawSql) };
}

/**
 * SQL kept readable in the source and in Grafana's editor: common indentation removed, ends trimmed.
 * Text that starts on the line of its opening backtick is inline: its first line is not indented
 * and does not count.
 */
export function dedent(text: string): string {
  const block = /^\s*\n/.test(text);
  const lines = text.replace(/^\s*\n/, '').replace(/\s+$/, '').split('\n');
  const rest = block ? lines : lines.slice(1);
  const indents = rest.filter((l) => l.trim() !== '').map((l) => l.match(/^ */)![0].length);
  const indent = indents.length ? Math.min(...indents) : 0;
  return lines.map((l, i) => (!block && i === 0 ? l.trim() : l.slice(indent))).join('\n');
}

/**
 * Template tag for SQL built from fragments: a multi-line fragment keeps the indentation of the line
 * it is placed on (one level deeper when it is a block placed after text, as in `FROM (${sub}`), so
 * the SQL a user opens in Grafana reads like hand-written SQL.
 */
export function sql(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  let out = strings[0]!;
  values.forEach((value, i) => {
    const text = String(value);
    const line = out.slice(out.lastIndexOf('\n') + 1);
    const indent = line.match(/^ */)![0];
    const lines = dedent(text).split('\n');
    if (lines.length === 1) out += lines[0];
    else if (/^\s*\n/.test(text)) {
      const pad = indent + (line.trim() === '' ? '' : '    ');
      out += `\n${lines.map((l) => (l ? pad + l : l)).join('\n')}`;
    } else {
      // Conditions continued after WHERE line up two spaces in, as `AND` does under `WHERE`.
      const pad = indent + (/^\s*(WHERE|HAVING|ON)\s/i.test(line) ? '  ' : '');
      out += [lines[0], ...lines.slice(1).map((l) => (l ? pad + l : l))].join('\n');
    }
    out += strings[i + 1]!;
  });
  // A block stays a block (leading newline) when it is placed into another one.
  return /^\s*\n/.test(strings[0]!) ? `\n${dedent(out)}` : dedent(out);
}
