// The plan's measures (the server's list, src/modules/plan/plan.template.ts: names, kind, direction, money
// in fen, computed or entered) and how a figure of one reads: ¥ in whole yuan from fen, a rate as a
// percentage, a count with at most one decimal (a projection between two year-ends is rarely whole).
import { useTranslation } from 'react-i18next';
import { METRICS, ENTERED_KEYS, type MetricDef } from '../../../../../../src/modules/plan/plan.template.ts';
import type { TrackingStatus } from '../../../api';
import { useFormat } from '../format';

export { METRICS, ENTERED_KEYS };
export type { MetricDef };
export const metricByKey = new Map<string, MetricDef>(METRICS.map((m) => [m.key, m]));

/** The value a form shows for a stored figure (yuan, percent), and back. */
export const toForm = (key: string, v: number) => {
  const m = metricByKey.get(key);
  return m?.money ? v / 100 : m?.kind === 'rate' ? Math.round(v * 10000) / 100 : v;
};
export const fromForm = (key: string, v: number) => {
  const m = metricByKey.get(key);
  return m?.money ? Math.round(v * 100) : m?.kind === 'rate' ? v / 100 : v;
};

export function useMetricFormat() {
  const { i18n } = useTranslation();
  const f = useFormat();
  const en = i18n.language === 'en';
  const name = (key: string) => {
    const m = metricByKey.get(key);
    return m ? (en ? m.en : m.zh) : key;
  };
  /** A figure of the measure: null as a dash. */
  const fig = (key: string, v: number | null | undefined): string => {
    if (v === null || v === undefined) return '—';
    const m = metricByKey.get(key);
    if (m?.money) return `${v < 0 ? '-' : ''}¥${f.int(Math.abs(v) / 100)}`;
    if (m?.kind === 'rate') return f.pct(v, 1);
    return f.dec(v, 1);
  };
  /** The figure in the unit the chart and the form use: yuan, percent, or as it is. */
  const unit = (key: string, v: number) => {
    const m = metricByKey.get(key);
    return m?.money ? v / 100 : m?.kind === 'rate' ? v * 100 : v;
  };
  return { f, name, fig, unit, en };
}

/** The colours of plan vs actual: ahead green, on track blue, behind red, over budget orange, not yet grey. */
export const STATUS_COLOR: Record<TrackingStatus, string> = {
  ahead: '#389e0d', on_track: '#1677ff', behind: '#cf1322', over_budget: '#d46b08', future: '#bfbfbf', no_actual: '#8c8c8c', no_plan: '#8c8c8c',
};
export const STATUS_BG: Partial<Record<TrackingStatus, string>> = {
  ahead: '#f6ffed', on_track: '#f0f7ff', behind: '#fff1f0', over_budget: '#fff7e6',
};
export const STATUS_TAG: Record<TrackingStatus, string> = {
  ahead: 'success', on_track: 'processing', behind: 'error', over_budget: 'warning', future: 'default', no_actual: 'default', no_plan: 'default',
};
