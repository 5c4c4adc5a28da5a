import { Alert, Box, Card, CardContent, Chip, Divider, Grid, LinearProgress, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Link } from 'react-router-dom';
import { Show, TopToolbar, useRecordContext, useTranslate } from 'react-admin';
import { DateTimeText, Mono } from '../../components/fields';
import { FieldGrid, Item, SectionCard } from '../../components/Section';
import { ChoiceText, ItemIdText, RiskChip, VerdictChip } from './ComplianceFields';
import { EvidenceData, EvidenceFiles, ObjectsTable } from './EvidenceView';
import { ManualVerdictButton } from './ManualVerdictDialog';
import { itemsLink } from './ComplianceDashboard';
import type { CheckResult, ComplianceItemDetail, ManualVerdict } from './types';

const StatusChip = ({ status }: { status: string }) => {
  const translate = useTranslate();
  return <Chip size="small" variant="outlined" color={status === 'ok' ? 'default' : 'error'} label={translate(`resources.compliance.choices.result_status.${status}`, { _: status })} />;
};

/** One check's result: what it concluded, when, and the evidence it collected. */
const ResultCard = ({ r }: { r: CheckResult }) => {
  const translate = useTranslate();
  return (
    <Card variant="outlined" data-testid="check-result">
      <CardContent>
        <Stack direction="row" spacing={1} alignItems="center" useFlexGap flexWrap="wrap" sx={{ mb: 1 }}>
          <Typography variant="subtitle2" sx={{ mr: 1 }}>
            {r.checkTitle}
          </Typography>
          <VerdictChip verdict={r.verdict} testId="result-verdict" />
          <StatusChip status={r.status} />
          {r.risk && <RiskChip risk={r.risk} />}
        </Stack>
        <Typography variant="body2" sx={{ mb: 1 }}>
          {r.summary}
        </Typography>
        {r.error && (
          <Alert severity="error" sx={{ mb: 1 }}>
            {r.error}
          </Alert>
        )}
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mb: 1.5 }}>
          <Mono>{r.checkKey}</Mono> · {translate('resources.compliance.evidence.room', { room: r.room })} · {translate('resources.compliance.fields.collectedAt')}{' '}
          <DateTimeText value={r.collectedAt} /> · {translate('resources.compliance.evidence.duration', { ms: r.durationMs })}
        </Typography>
        <Divider sx={{ mb: 1.5 }} />
        <Typography variant="caption" color="text.secondary" component="div">
          {translate('resources.compliance.evidence.data')}
        </Typography>
        <EvidenceData evidence={r.evidence} />
        {r.objects && r.objects.length > 0 && (
          <Box sx={{ mt: 1.5 }}>
            <ObjectsTable objects={r.objects} />
          </Box>
        )}
        <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1.5, mb: 0.5 }}>
          {translate('resources.compliance.evidence.files')}
        </Typography>
        <EvidenceFiles files={r.files} />
      </CardContent>
    </Card>
  );
};

const ManualCard = ({ m }: { m: ManualVerdict }) => {
  const translate = useTranslate();
  return (
    <Card variant="outlined" data-testid="manual-verdict">
      <CardContent>
        <Stack direction="row" spacing={1} alignItems="center" useFlexGap flexWrap="wrap" sx={{ mb: 1 }}>
          <VerdictChip verdict={m.verdict} />
          {m.risk && <RiskChip risk={m.risk} />}
          <Chip size="small" variant="outlined" label={translate(`resources.compliance.evidence.kind.${m.kind}`)} data-testid="manual-kind" data-kind={m.kind} />
          <Typography variant="caption" color="text.secondary">
            {translate('resources.compliance.evidence.recorded_by', { who: m.recordedBy })} · <DateTimeText value={m.recordedAt} />
          </Typography>
        </Stack>
        <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap', mb: 1 }}>
          {m.note}
        </Typography>
        {m.objects && m.objects.length > 0 && <ObjectsTable objects={m.objects} />}
        <EvidenceFiles files={m.files} />
      </CardContent>
    </Card>
  );
};

/** Earlier results of every run for this item, newest first. */
const HistoryTable = ({ rows }: { rows: CheckResult[] }) => {
  const translate = useTranslate();
  if (rows.length === 0) return <Typography variant="body2" color="text.secondary">{translate('resources.compliance.evidence.no_history')}</Typography>;
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table size="small" data-testid="item-history">
        <TableHead>
          <TableRow>
            <TableCell>{translate('resources.compliance.fields.collectedAt')}</TableCell>
            <TableCell>{translate('resources.compliance.evidence.check')}</TableCell>
            <TableCell>{translate('resources.compliance.fields.verdict')}</TableCell>
            <TableCell>{translate('resources.compliance.fields.status')}</TableCell>
            <TableCell>{translate('resources.compliance.fields.summary')}</TableCell>
            <TableCell>{translate('resources.compliance.evidence.run')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((r) => (
            <TableRow key={r.id}>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                <DateTimeText value={r.collectedAt} />
              </TableCell>
              <TableCell>{r.checkTitle}</TableCell>
              <TableCell>
                <VerdictChip verdict={r.verdict} />
              </TableCell>
              <TableCell>
                <StatusChip status={r.status} />
              </TableCell>
              <TableCell sx={{ maxWidth: 420 }}>{r.summary}</TableCell>
              <TableCell>
                <Mono>{r.runId.slice(0, 8)}</Mono>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
};

const ItemDetails = () => {
  const r = useRecordContext<ComplianceItemDetail>();
  const translate = useTranslate();
  if (!r) return null;
  // Coming from the list, react-admin shows the list's row until the detail arrives: it has no evidence yet.
  const loaded = Array.isArray(r.results) && Array.isArray(r.history) && Array.isArray(r.manualVerdicts);
  return (
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={12}>
        <Card data-testid="item-header">
          <CardContent sx={{ display: 'flex', gap: 2, alignItems: 'flex-start', flexWrap: 'wrap' }}>
            <Box sx={{ flex: 1, minWidth: 280 }}>
              <Stack direction="row" spacing={1} alignItems="center" useFlexGap flexWrap="wrap" sx={{ mb: 1 }}>
                <ItemIdText item={r} />
                <Chip size="small" label={translate(`resources.compliance.choices.catalogue.${r.catalogue}`)} />
                <Typography variant="body2" color="text.secondary" component={Link} to={itemsLink({ catalogue: r.catalogue, category: r.category })} sx={{ textDecoration: 'none' }}>
                  {r.category} · {r.controlPoint}
                </Typography>
              </Stack>
              <Typography variant="h6" component="h1" data-testid="item-zh">
                {r.zh}
              </Typography>
              <Typography variant="body2" color="text.secondary" data-testid="item-en">
                {r.en}
              </Typography>
            </Box>
            <Stack spacing={1} alignItems="flex-end">
              <VerdictChip verdict={r.verdict} size="medium" testId="item-verdict" />
              <ManualVerdictButton item={r} />
              <ManualVerdictButton item={r} mode="conclusion" />
            </Stack>
          </CardContent>
        </Card>
      </Grid>
      <Grid size={{ xs: 12, md: 6 }}>
        <SectionCard title="resources.compliance.sections.item">
          <FieldGrid>
            <Item source="clause">
              {r.clause} {r.index}
            </Item>
            <Item source="part">
              <ChoiceText group="part" value={r.part} /> · <ChoiceText group="domain" value={r.domain} />
            </Item>
            <Item source="importance">
              <ChoiceText group="importance" value={r.importance} />
            </Item>
            <Item source="weight">{r.weight}</Item>
            <Item source="responsibility">
              <ChoiceText group="responsibility" value={r.responsibility} />
            </Item>
            <Item source="checkKind">
              <ChoiceText group="checkKind" value={r.checkKind} />
            </Item>
          </FieldGrid>
          <Box sx={{ mt: 2 }}>
            <Item source="checkReason">{r.checkReason}</Item>
          </Box>
          {(r.expects ?? []).length > 0 && (
            <Box sx={{ mt: 2 }}>
              <Item source="expects">
                <Stack direction="row" spacing={0.5} useFlexGap flexWrap="wrap">
                  {(r.expects ?? []).map((k) => (
                    <Chip key={k} size="small" variant="outlined" label={k} sx={{ fontFamily: 'monospace' }} />
                  ))}
                </Stack>
              </Item>
            </Box>
          )}
          {r.provisional && (
            <Alert severity="warning" sx={{ mt: 2 }}>
              {translate('resources.compliance.provisional_hint')}
            </Alert>
          )}
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, md: 6 }}>
        <SectionCard title="resources.compliance.sections.verdict" testId="item-current">
          <FieldGrid>
            <Item source="verdict">
              <VerdictChip verdict={r.verdict} />
            </Item>
            <Item source="status">
              <ChoiceText group="status" value={r.status} />
            </Item>
            <Item source="decidedBy">
              <ChoiceText group="decidedBy" value={r.decidedBy} />
            </Item>
            <Item source="risk">
              <RiskChip risk={r.risk} />
            </Item>
            <Item source="collectedAt">
              <DateTimeText value={r.collectedAt} />
            </Item>
            <Item source="evidenceFiles">{r.evidenceFiles}</Item>
          </FieldGrid>
          <Box sx={{ mt: 2 }}>
            <Item source="summary">{r.summary || translate('yiyun.common.none')}</Item>
          </Box>
        </SectionCard>
      </Grid>
      {!loaded ? (
        <Grid size={12}>
          <LinearProgress />
        </Grid>
      ) : (
        <>
        <Grid size={12}>
          <SectionCard title="resources.compliance.sections.evidence" testId="item-evidence">
            {r.results.length === 0 ? (
              <Typography variant="body2" color="text.secondary">
                {translate(r.checkKind === 'manual' ? 'resources.compliance.evidence.manual_only' : 'resources.compliance.evidence.no_results')}
              </Typography>
            ) : (
              <Stack spacing={2}>
                {r.results.map((x) => (
                  <ResultCard key={x.id} r={x} />
                ))}
              </Stack>
            )}
          </SectionCard>
        </Grid>
        <Grid size={12}>
          <SectionCard title="resources.compliance.sections.manual" testId="item-manual">
            {r.manualVerdicts.length === 0 ? (
              <Typography variant="body2" color="text.secondary">
                {translate('resources.compliance.evidence.no_manual')}
              </Typography>
            ) : (
              <Stack spacing={1.5}>
                {r.manualVerdicts.map((m) => (
                  <ManualCard key={m.id} m={m} />
                ))}
              </Stack>
            )}
          </SectionCard>
        </Grid>
        <Grid size={12}>
          <SectionCard title="resources.compliance.sections.history">
            <HistoryTable rows={r.history} />
          </SectionCard>
        </Grid>
        </>
      )}
    </Grid>
  );
};

const ItemTitle = () => {
  const r = useRecordContext<ComplianceItemDetail>();
  return <span>{r ? `${r.id} ${r.controlPoint}` : ''}</span>;
};

/** One item: our paraphrase, how it is checked, its current verdict with the evidence, manual verdicts and history. */
export const ItemShow = () => (
  <Show actions={<TopToolbar />} component="div" title={<ItemTitle />}>
    <ItemDetails />
  </Show>
);
