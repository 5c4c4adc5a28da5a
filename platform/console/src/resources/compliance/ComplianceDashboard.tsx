import ListAltIcon from '@mui/icons-material/ListAlt';
import { Alert, Box, Button, Card, CardContent, Chip, Grid, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Loading, Title, useTranslate } from 'react-admin';
import { api } from '../../api/http';
import { DateTimeText } from '../../components/fields';
import { SectionCard } from '../../components/Section';
import { ScoreBars, scoreColour, TrendChart } from './charts';
import { ExportButton, RunChecksButton } from './ComplianceActions';
import { getOverview } from './complianceApi';
import { ItemIdText, RiskChip, VerdictChip } from './ComplianceFields';
import type { CatalogueId, ComplianceItem, Counts, Drag, Overview } from './types';

type CatalogueIndex = Map<string, Pick<ComplianceItem, 'id' | 'zh' | 'controlPoint' | 'provisional'>>;

/** The list, pre-filtered (react-admin reads `filter` from the query string). */
export const itemsLink = (filter: Record<string, string>) => `/compliance?${new URLSearchParams({ filter: JSON.stringify(filter) }).toString()}`;

/** The overview plus both catalogues' names for the items (the overview names items by id only). */
function useOverview() {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [index, setIndex] = useState<CatalogueIndex>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    getOverview(ctl.signal).then(setOverview, (e: Error) => e.name !== 'AbortError' && setError(e.message));
    return () => ctl.abort();
  }, [version]);
  useEffect(() => {
    const ctl = new AbortController();
    Promise.all(
      (['dengbao-l3', 'miping-l3'] as const).map((id) => api<{ items: ComplianceItem[] }>('GET', `/api/compliance/catalogues/${id}`, { signal: ctl.signal })),
    ).then(
      (cs) => setIndex(new Map(cs.flatMap((c) => c.items.map((i) => [i.id, i] as const)))),
      () => undefined, // names are a comfort: ids still show
    );
    return () => ctl.abort();
  }, []);
  return { overview, index, error, reload: useCallback(() => setVersion((v) => v + 1), []) };
}

const BigScore = ({ score, testId }: { score: number; testId: string }) => (
  <Typography component="div" sx={{ fontSize: 44, fontWeight: 700, lineHeight: 1.1, color: scoreColour(score) }} data-testid={testId} data-score={score}>
    {score.toFixed(1)}
  </Typography>
);

/** Counts by verdict, each a link to the list filtered by it. */
const CountChips = ({ catalogue, counts }: { catalogue: CatalogueId; counts: Counts }) => {
  const translate = useTranslate();
  const navigate = useNavigate();
  return (
    <Stack direction="row" spacing={0.75} useFlexGap flexWrap="wrap" data-testid={`counts-${catalogue}`}>
      {(['pass', 'partial', 'fail', 'na', 'pending'] as const).map((v) => (
        <Box key={v} onClick={() => navigate(itemsLink({ catalogue, verdict: v }))} sx={{ cursor: 'pointer' }} data-testid={`count-${catalogue}-${v}`}>
          <VerdictChip verdict={v === 'pending' ? null : v} testId={`count-chip-${v}`} />
          <Typography component="span" variant="body2" sx={{ ml: 0.5, fontWeight: 600 }}>
            {counts[v]}
          </Typography>
        </Box>
      ))}
      <Typography variant="body2" color="text.secondary" sx={{ alignSelf: 'center' }}>
        {translate('resources.compliance.dashboard.total', { total: counts.total })}
      </Typography>
    </Stack>
  );
};

/** The items whose move to 符合 would gain the most points, largest first; each opens the item. */
const DragTable = ({ drag, index, testId }: { drag: Drag[]; index: CatalogueIndex; testId: string }) => {
  const translate = useTranslate();
  const navigate = useNavigate();
  if (drag.length === 0) return <Typography variant="body2" color="text.secondary">{translate('resources.compliance.dashboard.no_drag')}</Typography>;
  return (
    <Table size="small" data-testid={testId}>
      <TableHead>
        <TableRow>
          <TableCell>{translate('resources.compliance.fields.id')}</TableCell>
          <TableCell>{translate('resources.compliance.fields.zh')}</TableCell>
          <TableCell>{translate('resources.compliance.fields.verdict')}</TableCell>
          <TableCell align="right">{translate('resources.compliance.dashboard.gain')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {drag.map((d) => {
          const item = index.get(d.itemId);
          return (
            <TableRow key={d.itemId} hover sx={{ cursor: 'pointer' }} onClick={() => navigate(`/compliance/${encodeURIComponent(d.itemId)}/show`)} data-testid="drag-row">
              <TableCell>
                <ItemIdText item={{ id: d.itemId, provisional: item?.provisional ?? false }} />
              </TableCell>
              <TableCell sx={{ maxWidth: 320 }}>
                <Typography variant="body2" noWrap title={item?.zh}>
                  {item ? `${item.controlPoint} · ${item.zh}` : '…'}
                </Typography>
              </TableCell>
              <TableCell>
                <VerdictChip verdict={d.verdict} />
              </TableCell>
              <TableCell align="right" sx={{ fontWeight: 600, color: 'error.main', whiteSpace: 'nowrap' }}>
                +{d.gain.toFixed(2)}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
};

const Fact = ({ label, children }: { label: string; children: React.ReactNode }) => {
  const translate = useTranslate();
  return (
    <Box>
      <Typography variant="caption" color="text.secondary" component="div">
        {translate(label)}
      </Typography>
      <Box sx={{ typography: 'body2', fontWeight: 500 }}>{children}</Box>
    </Box>
  );
};

const PassChip = ({ passes, testId }: { passes: boolean; testId: string }) => {
  const translate = useTranslate();
  return <Chip color={passes ? 'success' : 'error'} label={translate(passes ? 'resources.compliance.dashboard.passes' : 'resources.compliance.dashboard.fails')} data-testid={testId} data-passes={String(passes)} />;
};

/** The compliance dashboard: 等保 and 密评 scores with conclusion, categories, the items dragging most, the trend, and the actions. */
export const ComplianceDashboard = () => {
  const translate = useTranslate();
  const navigate = useNavigate();
  const { overview: o, index, error, reload } = useOverview();
  if (error) return <Alert severity="error" sx={{ mt: 2 }}>{error}</Alert>;
  if (!o) return <Loading />;
  const d = o.dengbao;
  const m = o.miping;
  return (
    <Box sx={{ mt: 2 }} data-testid="compliance-dashboard">
      <Title title={translate('resources.compliance.menu.dashboard')} />
      <Card sx={{ mb: 2 }}>
        <CardContent sx={{ display: 'flex', gap: 2, alignItems: 'center', flexWrap: 'wrap', py: 1.5, '&:last-child': { pb: 1.5 } }}>
          <Box sx={{ flex: 1, minWidth: 260 }}>
            <Typography variant="h6" component="h1">
              {translate('resources.compliance.dashboard.title')}
            </Typography>
            <Typography variant="body2" color="text.secondary" data-testid="latest-run">
              {o.latestRun ? (
                <>
                  {translate('resources.compliance.dashboard.latest_run')} <DateTimeText value={o.latestRun.finishedAt ?? o.latestRun.startedAt} /> ·{' '}
                  {translate('resources.compliance.dashboard.checks', { checks: o.latestRun.checks, failed: o.latestRun.failedChecks })}
                </>
              ) : (
                translate('resources.compliance.dashboard.never_run')
              )}
            </Typography>
          </Box>
          <Button component={Link} to="/compliance" size="small" startIcon={<ListAltIcon />}>
            {translate('resources.compliance.menu.items')}
          </Button>
          <RunChecksButton onDone={reload} />
          <ExportButton />
        </CardContent>
      </Card>
      {o.scope.tenantId && (
        <Alert severity="info" sx={{ mb: 2 }}>
          {translate('resources.compliance.dashboard.tenant_scope')}
        </Alert>
      )}
      {o.latestRun && o.latestRun.failedChecks > 0 && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          {translate('resources.compliance.dashboard.failed_checks', { failed: o.latestRun.failedChecks })}
        </Alert>
      )}
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 6 }}>
          <SectionCard title="resources.compliance.dashboard.dengbao" testId="dengbao-card">
            <Stack direction="row" spacing={3} alignItems="center" useFlexGap flexWrap="wrap" sx={{ mb: 2 }}>
              <BigScore score={d.score} testId="dengbao-score" />
              <Fact label="resources.compliance.dashboard.grade">
                <Typography variant="h5" component="span" sx={{ fontWeight: 700 }} data-testid="dengbao-grade">
                  {d.grade}
                </Typography>
              </Fact>
              <Fact label="resources.compliance.dashboard.conclusion">
                <PassChip passes={d.passes} testId="dengbao-passes" />
              </Fact>
              <Fact label="resources.compliance.dashboard.worst_risk">
                <RiskChip risk={d.worstOpenRisk} />
              </Fact>
            </Stack>
            <CountChips catalogue="dengbao-l3" counts={d.counts} />
            <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1.5 }}>
              {translate('resources.compliance.dashboard.dengbao_note', { template: d.templateId })}
            </Typography>
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <SectionCard title="resources.compliance.dashboard.miping" testId="miping-card">
            <Stack direction="row" spacing={3} alignItems="center" useFlexGap flexWrap="wrap" sx={{ mb: 2 }}>
              <BigScore score={m.score} testId="miping-score" />
              <Fact label="resources.compliance.dashboard.conclusion">
                <PassChip passes={m.passes} testId="miping-passes" />
              </Fact>
              <Fact label="resources.compliance.dashboard.high_risk">
                {translate(m.highRiskOpen ? 'yiyun.common.yes' : 'yiyun.common.no')}
              </Fact>
            </Stack>
            <CountChips catalogue="miping-l3" counts={m.counts} />
            <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1.5 }}>
              {translate('resources.compliance.dashboard.miping_note', { template: m.templateId })}
            </Typography>
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <SectionCard title="resources.compliance.dashboard.by_category">
            <ScoreBars
              testId="dengbao-categories"
              bars={d.categories.map((c) => ({
                label: c.category,
                score: c.score,
                hint: translate('resources.compliance.dashboard.bar_hint', { pass: c.counts.pass, total: c.counts.total }),
                onClick: () => navigate(itemsLink({ catalogue: 'dengbao-l3', category: c.category })),
              }))}
            />
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <SectionCard title="resources.compliance.dashboard.trend_dengbao">
            <TrendChart points={d.trend} bands={d.bands.map((b) => b.minScore)} testId="dengbao-trend" />
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, lg: 7 }}>
          <SectionCard title="resources.compliance.dashboard.drag_dengbao">
            <DragTable drag={d.drag} index={index} testId="dengbao-drag" />
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, lg: 5 }}>
          <Stack spacing={2}>
            <SectionCard title="resources.compliance.dashboard.by_layer">
              <ScoreBars
                testId="miping-layers"
                bars={m.layers.map((l) => ({ label: l.layer, score: l.score, hint: translate('resources.compliance.dashboard.layer_hint', { weight: l.weight }) }))}
              />
            </SectionCard>
            <SectionCard title="resources.compliance.dashboard.trend_miping">
              <TrendChart points={m.trend} bands={[m.passScore]} testId="miping-trend" />
            </SectionCard>
          </Stack>
        </Grid>
        <Grid size={12}>
          <SectionCard title="resources.compliance.dashboard.drag_miping">
            <DragTable drag={m.drag} index={index} testId="miping-drag" />
          </SectionCard>
        </Grid>
      </Grid>
    </Box>
  );
};
