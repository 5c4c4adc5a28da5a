import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import type { YiyunRole } from './workloads';

const q = (expr: string, legend?: string) => {
  const b = new DataqueryBuilder().expr(expr);
  return legend ? b.legendFormat(legend) : b;
};

/** The overview of yiyun's own roles in one zone: up, request rate, errors, latency. Pure. */
export function rolesDashboard(zone: string, roles: readonly YiyunRole[]): object {
  const d = new DashboardBuilder(`yiyun — ${zone} roles`)
    .uid(`yiyun-${zone}-roles`)
    .tags(['yiyun', zone])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .withRow(new RowBuilder('Availability'));
  for (const r of roles) {
    d.withPanel(new StatPanel().title(`${r} up`).withTarget(q(`sum(up{app_kubernetes_io_name="${r}"})`)).span(24 / Math.min(roles.length, 6)).height(4));
  }
  d.withRow(new RowBuilder('Traffic'))
    .withPanel(new TimeseriesPanel().title('Requests per second').unit('reqps')
      .withTarget(q('sum by (app_kubernetes_io_name) (rate(http_requests_total[5m]))', '{{app_kubernetes_io_name}}')).span(12).height(8))
    .withPanel(new TimeseriesPanel().title('Errors (5xx) per second').unit('reqps')
      .withTarget(q('sum by (app_kubernetes_io_name) (rate(http_requests_total{status=~"5.."}[5m]))', '{{app_kubernetes_io_name}}')).span(12).height(8))
    .withPanel(new TimeseriesPanel().title('p95 latency').unit('s')
      .withTarget(q('histogram_quantile(0.95, sum by (le, app_kubernetes_io_name) (rate(http_request_duration_seconds_bucket[5m])))', '{{app_kubernetes_io_name}}')).span(12).height(8))
    .withPanel(new TimeseriesPanel().title('Log events ingested per second').unit('ops')
      .withTarget(q('sum(rate(yiyun_log_events_ingested_total[5m]))', 'ingested')).span(12).height(8));
  return d.build();
}

/** The zone's capacity as declared against its pool (fed by the control plane's exported gauges). Pure. */
export function capacityDashboard(zone: string): object {
  return new DashboardBuilder(`yiyun — ${zone} capacity`)
    .uid(`yiyun-${zone}-capacity`)
    .tags(['yiyun', zone, 'capacity'])
    .refresh('5m')
    .time({ from: 'now-7d', to: 'now' })
    .withPanel(new StatPanel().title('vCPU in use / pool').unit('percentunit')
      .withTarget(q(`yiyun_zone_vcpu_used{zone="${zone}"} / yiyun_zone_vcpu_capacity{zone="${zone}"}`)).span(8).height(6))
    .withPanel(new StatPanel().title('RAM in use / pool').unit('percentunit')
      .withTarget(q(`yiyun_zone_ram_bytes_used{zone="${zone}"} / yiyun_zone_ram_bytes_capacity{zone="${zone}"}`)).span(8).height(6))
    .withPanel(new StatPanel().title('Storage in use / pool').unit('percentunit')
      .withTarget(q(`yiyun_zone_storage_bytes_used{zone="${zone}"} / yiyun_zone_storage_bytes_capacity{zone="${zone}"}`)).span(8).height(6))
    .withPanel(new TimeseriesPanel().title('Node CPU busy').unit('percentunit')
      .withTarget(q('1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))', '{{instance}}')).span(24).height(8))
    .build();
}
