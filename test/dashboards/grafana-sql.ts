// What Grafana and the official ClickHouse plugin (grafana-clickhouse-datasource) do to a panel's
// SQL before ClickHouse sees it, in the same order, so tests run the very text a dashboard sends:
//
// 1. the plugin's frontend expands $__conditionalAll(condition, $var) to the condition, or to 1=1
//    when the variable is "All" (CHDatasource.applyConditionalAll, ported with its argument parser);
// 2. Grafana's template service replaces $var, ${var} and ${var:format} (the plugin's own formatter
//    is used when no format is given: a multi-value becomes 'a','b', a single value stays raw);
// 3. the plugin's backend expands its macros through grafana/sqlds, whose older releases match a
//    macro's arguments with a non-greedy regex up to the first ")" and split them on ",". Arguments
//    are therefore required to be plain columns: `$__timeFilter(coalesce(a, b))` breaks there.

export type VarValue = string | string[];

export type Context = {
  from: Date;
  to: Date;
  /** Grafana's $__interval for the panel, in seconds. */
  intervalSeconds: number;
  vars: Record<string, VarValue>;
  /** Every option of a variable, for "All" without a custom all value. */
  options?: Record<string, string[]>;
};

export const ALL = '$__all';

export function expand(rawSql: string, ctx: Context): string {
  const afterConditional = applyConditionalAll(rawSql, ctx.vars);
  const afterVars = replaceVariables(afterConditional, ctx);
  const sql = expandMacros(afterVars, ctx);
  const left = sql.match(/\$__\w+/);
  if (left) throw new Error(`unexpanded macro ${left[0]} in:\n${sql}`);
  const leftVar = sql.match(/\$\{?\w+/);
  if (leftVar) throw new Error(`unresolved variable ${leftVar[0]} in:\n${sql}`);
  return sql;
}

// --- 1. the plugin frontend: $__conditionalAll ---------------------------------------------------

export function applyConditionalAll(rawQuery: string, vars: Record<string, VarValue>): string {
  const macro = '$__conditionalAll(';
  let macroIndex = rawQuery.lastIndexOf(macro);
  while (macroIndex !== -1) {
    const params = getMacroArgs(rawQuery, macroIndex + macro.length - 1);
    if (params.length !== 2) throw new Error(`$__conditionalAll needs two arguments at: ${rawQuery.slice(macroIndex, macroIndex + 80)}`);
    const templateVar = /(?<=\$\{)[\w\d]+(?=\})|(?<=\$)[\w\d]+/.exec(params[1]!.trim());
    let phrase = params[0]!;
    if (templateVar) {
      // The plugin reads the variable's current value and would throw on an unknown variable.
      const value = vars[templateVar[0]];
      if (value === undefined) throw new Error(`$__conditionalAll names unknown variable ${templateVar[0]}`);
      const text = value.toString();
      if (text === '' || text === ALL) phrase = '1=1';
    }
    rawQuery = rawQuery.replace(`${macro}${params[0]},${params[1]})`, phrase);
    macroIndex = rawQuery.lastIndexOf(macro);
  }
  return rawQuery;
}

function getMacroArgs(query: string, argsIndex: number): string[] {
  const args: string[] = [];
  const re = /\(|\)|,/g;
  let bracketCount = 0;
  let lastArgEndIndex = 1;
  let m: RegExpExecArray | null;
  const argsSubstr = query.substring(argsIndex, query.length);
  while ((m = re.exec(argsSubstr)) !== null) {
    const found = m[0];
    if (found === '(') bracketCount++;
    else if (found === ')') bracketCount--;
    if (found === ',' && bracketCount === 1) {
      args.push(argsSubstr.substring(lastArgEndIndex, re.lastIndex - 1));
      lastArgEndIndex = re.lastIndex;
    }
    if (bracketCount === 0) {
      args.push(argsSubstr.substring(lastArgEndIndex, re.lastIndex - 1));
      return args;
    }
  }
  return [];
}

// --- 2. Grafana's template service -------------------------------------------------------------

// Grafana's variable syntax: $name, [[name]] / [[name:format]], ${name}, ${name.field}, ${name:format}.
const variableRegex = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

export function replaceVariables(sql: string, ctx: Context): string {
  return sql.replace(variableRegex, (match, v1: string | undefined, v2: string | undefined, f2: string | undefined, v3: string | undefined, _field: string | undefined, f3: string | undefined) => {
    const name = v1 ?? v2 ?? v3!;
    const format = f2 ?? f3;
    let value: VarValue | undefined = ctx.vars[name];
    if (value === undefined) {
      const builtin = builtins(ctx)[name];
      if (builtin === undefined) return match; // not a variable: macros such as $__timeFilter stay
      value = builtin;
    }
    if (value === ALL || (Array.isArray(value) && value.length === 1 && value[0] === ALL)) {
      const all = ctx.options?.[name];
      if (!all) throw new Error(`variable ${name} is All but its options are not known`);
      value = all;
    }
    return format ? applyFormat(value, format) : pluginFormat(value);
  });
}

function builtins(ctx: Context): Record<string, string> {
  return {
    __from: String(ctx.from.getTime()),
    __to: String(ctx.to.getTime()),
    __interval: `${ctx.intervalSeconds}s`,
    __interval_ms: String(ctx.intervalSeconds * 1000),
  };
}

function applyFormat(value: VarValue, format: string): string {
  const values = Array.isArray(value) ? value : [value];
  switch (format) {
    case 'sqlstring':
      return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
    case 'singlequote':
      return values.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(',');
    case 'raw':
    case 'csv':
      return values.join(',');
    default:
      throw new Error(`variable format ${format} is not emulated here`);
  }
}

/** CHDatasource.format: arrays become quoted lists, single values are pasted as they are. */
function pluginFormat(value: VarValue): string {
  return Array.isArray(value) ? `'${value.join("','")}'` : value;
}

// --- 3. the plugin backend: sqlds macros -------------------------------------------------------

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

function macros(ctx: Context): Record<string, (args: string[]) => string> {
  const from = `toDateTime(${seconds(ctx.from)})`;
  const to = `toDateTime(${seconds(ctx.to)})`;
  const one = (name: string, args: string[]) => {
    if (args.length !== 1) throw new Error(`$__${name}: expected 1 argument, received ${args.length}`);
    return args[0]!;
  };
  return {
    fromTime: () => from,
    toTime: () => to,
    timeFilter: (args) => {
      const c = one('timeFilter', args);
      return `${c} >= ${from} AND ${c} <= ${to}`;
    },
    timeInterval: (args) => `toStartOfInterval(toDateTime(${one('timeInterval', args)}), INTERVAL ${Math.max(1, Math.floor(ctx.intervalSeconds))} second)`,
    interval_s: () => String(Math.max(1, Math.floor(ctx.intervalSeconds))),
  };
}

export function expandMacros(sql: string, ctx: Context): string {
  for (const [name, fn] of Object.entries(macros(ctx))) {
    // sqlds: `\$__name(?:\((.*?)\))?`, arguments split on commas.
    const re = new RegExp(`\\$__${name}(?!\\w)(?:\\((.*?)\\))?`, 'g');
    sql = sql.replace(re, (_m, inner: string | undefined) => {
      const args = inner === undefined ? [] : inner.split(',').map((a) => a.trim());
      for (const a of args) {
        if (/[()]/.test(a)) throw new Error(`$__${name}(${inner}): macro arguments must be plain columns for the plugin's backend`);
      }
      return fn(args);
    });
  }
  return sql;
}
