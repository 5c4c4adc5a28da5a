import { Box, Card, CardContent, CardHeader, Grid, List, ListItemButton, ListItemText, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { Title, useTranslate } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import { api } from '../../api/http';

type Bucket = { key: string | number | null; id?: string | null; count: number; drilldown?: Record<string, unknown> };
type Dash = { totalEvents: number; volume: Bucket[]; topSources: Bucket[]; topAlerts: Bucket[]; alertsBySeverity: Bucket[]; categories: Bucket[] };

/** 日志审计首页: totals, volume trend, 24 h top-10 sources and alerts, alerts by severity, frequent categories — each drills down. */
export const LogDashboardPage = () => {
  const t = useTranslate();
  const navigate = useNavigate();
  const [d, setD] = useState<Dash | null>(null);
  useEffect(() => {
    void api<Dash>('GET', '/api/log-audit/dashboard').then(setD);
  }, []);
  const toSearch = (q?: Record<string, unknown>) => navigate('/log-search', { state: { query: q } });
  const toAlerts = (q?: Record<string, unknown>) => navigate(`/log-alerts?filter=${encodeURIComponent(JSON.stringify({ ...(q?.ruleId ? { ruleId: q.ruleId } : {}), ...(q?.severity ? { severity: q.severity } : {}) }))}`);
  const max = Math.max(1, ...(d?.volume ?? []).map((b) => b.count));
  const panel = (title: string, items: Bucket[], onClick: (b: Bucket) => void, testId: string) => (
    <Card data-testid={testId}>
      <CardHeader title={t(title)} />
      <List dense>
        {items.map((b) => (
          <ListItemButton key={String(b.id ?? b.key)} onClick={() => onClick(b)}>
            <ListItemText primary={String(b.key ?? t('yiyun.common.none'))} secondary={b.count.toLocaleString()} />
          </ListItemButton>
        ))}
      </List>
    </Card>
  );
  return (
    <Box sx={{ mt: 2 }}>
      <Title title={t('resources.log-dashboard.name')} />
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 4 }}>
          <Card><CardContent><Typography variant="overline">{t('resources.log-dashboard.total')}</Typography><Typography variant="h4">{d?.totalEvents.toLocaleString() ?? '…'}</Typography></CardContent></Card>
        </Grid>
        <Grid size={{ xs: 12, md: 8 }}>
          <Card>
            <CardHeader title={t('resources.log-dashboard.volume')} />
            <CardContent sx={{ display: 'flex', alignItems: 'flex-end', height: 120, gap: '2px' }}>
              {(d?.volume ?? []).map((b) => (
                <Box key={String(b.key)} title={`${String(b.key)}: ${b.count}`} onClick={() => toSearch({ from: b.key, to: new Date(new Date(String(b.key)).getTime() + 3_600_000).toISOString() })} sx={{ flex: 1, bgcolor: 'primary.main', cursor: 'pointer', height: `${(b.count / max) * 100}%` }} />
              ))}
            </CardContent>
          </Card>
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>{panel('resources.log-dashboard.top_sources', d?.topSources ?? [], (b) => toSearch(b.drilldown), 'log-top-sources')}</Grid>
        <Grid size={{ xs: 12, md: 6 }}>{panel('resources.log-dashboard.top_alerts', d?.topAlerts ?? [], (b) => toAlerts(b.drilldown), 'log-top-alerts')}</Grid>
        <Grid size={{ xs: 12, md: 6 }}>{panel('resources.log-dashboard.severity', d?.alertsBySeverity ?? [], (b) => toAlerts(b.drilldown), 'log-severity')}</Grid>
        <Grid size={{ xs: 12, md: 6 }}>{panel('resources.log-dashboard.categories', d?.categories ?? [], (b) => toSearch(b.drilldown), 'log-categories')}</Grid>
      </Grid>
    </Box>
  );
};
