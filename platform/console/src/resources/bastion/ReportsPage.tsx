import AssessmentIcon from '@mui/icons-material/Assessment';
import { Alert, Box, Button, Card, CardContent, FormControlLabel, Radio, RadioGroup, Stack, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { Title, useTranslate } from 'react-admin';
import { usePerms } from '../../components/usePerms';
import { useReportDownload } from './ReportExport';
import { REPORT_FORMATS, REPORTS, type ReportKind } from './reportsApi';

const RP = 'resources.bastion-reports';

/** `YYYY-MM-DDTHH:mm` in the browser's zone, what <input type="datetime-local"> shows. */
const localInput = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

/**
 * 审计报表: the bastion's users and sessions reports and the database audit's sessions and statements summary, over
 * a time range and optional filters, downloaded as Excel, Word, PDF or HTML. Every export is audited server-side.
 */
export const ReportsPage = () => {
  const t = useTranslate();
  const { can } = usePerms();
  const allowed = (Object.keys(REPORTS) as ReportKind[]).filter((k) => can('bastion-reports', REPORTS[k].room));
  const [kind, setKind] = useState<ReportKind | null>(null);
  const current = kind ?? allowed[0] ?? null;
  const [from, setFrom] = useState(() => localInput(new Date(Date.now() - 30 * 86_400_000)));
  const [to, setTo] = useState(() => localInput(new Date()));
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [last, setLast] = useState<{ fileName: string; sm3: string | null } | null>(null);
  const { busy, run } = useReportDownload();
  const badRange = !!from && !!to && new Date(from) >= new Date(to);

  return (
    <Box sx={{ mt: 1 }}>
      <Title title={t(`${RP}.name`, { smart_count: 2 })} />
      <Card>
        <CardContent>
          <Stack spacing={2} sx={{ maxWidth: 720 }}>
            <Typography variant="h6">{t(`${RP}.title`)}</Typography>
            {allowed.length === 0 ? (
              <Alert severity="info">{t(`${RP}.none_allowed`)}</Alert>
            ) : (
              <>
                <RadioGroup value={current} onChange={(e) => setKind(e.target.value as ReportKind)} data-testid="report-kind">
                  {allowed.map((k) => (
                    <FormControlLabel key={k} value={k} control={<Radio size="small" />} label={t(`${RP}.kinds.${k}`)} />
                  ))}
                </RadioGroup>
                <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
                  <TextField type="datetime-local" size="small" label={t(`${RP}.from`)} value={from} onChange={(e) => setFrom(e.target.value)} slotProps={{ inputLabel: { shrink: true } }} data-testid="report-from" />
                  <TextField type="datetime-local" size="small" label={t(`${RP}.to`)} value={to} onChange={(e) => setTo(e.target.value)} error={badRange} helperText={badRange ? t(`${RP}.bad_range`) : ' '} slotProps={{ inputLabel: { shrink: true } }} data-testid="report-to" />
                </Stack>
                {current && (
                  <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
                    {REPORTS[current].filters.map((f) => (
                      <TextField key={`${current}.${f}`} size="small" label={t(`${RP}.filters.${f}`)} placeholder={t(`${RP}.all`)} value={filters[f] ?? ''} onChange={(e) => setFilters({ ...filters, [f]: e.target.value })} data-testid={`report-filter-${f}`} />
                    ))}
                  </Stack>
                )}
                <Stack direction="row" spacing={1} flexWrap="wrap">
                  {REPORT_FORMATS.map((f) => (
                    <Button
                      key={f}
                      variant={f === 'xlsx' ? 'contained' : 'outlined'}
                      startIcon={<AssessmentIcon />}
                      disabled={!current || badRange || !!busy}
                      data-testid={`report-download-${f}`}
                      onClick={async () => {
                        if (!current) return;
                        const out = await run(current, f, { ...filters, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined });
                        if (out) setLast(out);
                      }}
                    >
                      {t(`${RP}.formats.${f}`)}
                    </Button>
                  ))}
                </Stack>
                {last && (
                  <Alert severity="success" data-testid="report-last">
                    {t(`${RP}.exported`, { file: last.fileName, sm3: last.sm3 ?? '—' })}
                  </Alert>
                )}
                <Typography variant="body2" color="text.secondary">
                  {t(`${RP}.audited`)}
                </Typography>
              </>
            )}
          </Stack>
        </CardContent>
      </Card>
    </Box>
  );
};
