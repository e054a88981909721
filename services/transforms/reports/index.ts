export { fontFamily, formatPercent, niceTicks, passRateChart, textWidth, trendChart } from './chart.ts';
export type { ChartPoint, ChartSeries, PassRateBar, PassRateChartOptions, TrendChartOptions } from './chart.ts';
export { passRateTarget, reportData } from './data.ts';
export { describePeriod, parseReportTime, periodsFor, reportKinds, timeZone, trendDays } from './period.ts';
export type { Period, ReportKind } from './period.ts';
export { kindNames, levelColors, renderReport } from './render.ts';
export type { RenderOptions, RenderedReport, ReportAttachment } from './render.ts';
export type * from './types.ts';
