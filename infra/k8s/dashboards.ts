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
  // Every metric below is one the app registers (core/http/metrics.ts; dashboards.test.ts holds it to that), plus
  // Prometheus's own `up`. Series carry the pod's labels (app_kubernetes_io_name) from the scrape job's labelmap.
  const rate = 'rate(yiyun_http_request_duration_seconds_count[5m])';
  d.withRow(new RowBuilder('Traffic'))
    .withPanel(new TimeseriesPanel().title('Requests per second').unit('reqps')
      .withTarget(q(`sum by (app_kubernetes_io_name) (${rate})`, '{{app_kubernetes_io_name}}')).span(12).height(8))
    .withPanel(new TimeseriesPanel().title('Errors (5xx) per second').unit('reqps')
      .withTarget(q('sum by (app_kubernetes_io_name) (rate(yiyun_http_request_duration_seconds_count{status=~"5.."}[5m]))', '{{app_kubernetes_io_name}}')).span(12).height(8))
    .withPanel(new TimeseriesPanel().title('p95 latency').unit('s')
      .withTarget(q('histogram_quantile(0.95, sum by (le, app_kubernetes_io_name) (rate(yiyun_http_request_duration_seconds_bucket[5m])))', '{{app_kubernetes_io_name}}')).span(12).height(8))
    // The syslog listeners share the event loop with HTTP: lag is where an ingest backlog shows first.
    .withPanel(new TimeseriesPanel().title('Event-loop lag p99').unit('s')
      .withTarget(q('max by (app_kubernetes_io_name) (yiyun_nodejs_eventloop_lag_p99_seconds)', '{{app_kubernetes_io_name}}')).span(12).height(8));
  return d.build();
}

/** What each role's processes use: CPU, resident memory, heap, open file descriptors. Pure. */
export function resourcesDashboard(zone: string, roles: readonly YiyunRole[]): object {
  const byRole = (expr: string) => q(`sum by (app_kubernetes_io_name) (${expr})`, '{{app_kubernetes_io_name}}');
  const only = `app_kubernetes_io_name=~"${roles.join('|')}"`;
  return new DashboardBuilder(`yiyun — ${zone} resources`)
    .uid(`yiyun-${zone}-resources`)
    .tags(['yiyun', zone, 'resources'])
    .refresh('1m')
    .time({ from: 'now-24h', to: 'now' })
    .withPanel(new TimeseriesPanel().title('CPU (cores)').withTarget(byRole(`rate(yiyun_process_cpu_seconds_total{${only}}[5m])`)).span(12).height(8))
    .withPanel(new TimeseriesPanel().title('Resident memory').unit('bytes').withTarget(byRole(`yiyun_process_resident_memory_bytes{${only}}`)).span(12).height(8))
    .withPanel(new TimeseriesPanel().title('JS heap used').unit('bytes').withTarget(byRole(`yiyun_nodejs_heap_size_used_bytes{${only}}`)).span(12).height(8))
    .withPanel(new TimeseriesPanel().title('Open file descriptors').withTarget(byRole(`yiyun_process_open_fds{${only}}`)).span(12).height(8))
    .build();
}

/** Every dashboard of a zone, by file name in the Grafana dashboards ConfigMap. Pure. */
export function zoneDashboards(zone: string, roles: readonly YiyunRole[]): Record<string, object> {
  return { 'roles.json': rolesDashboard(zone, roles), 'resources.json': resourcesDashboard(zone, roles) };
}
