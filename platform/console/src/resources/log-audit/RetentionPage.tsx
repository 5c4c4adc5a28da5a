import ArchiveIcon from '@mui/icons-material/Archive';
import RestoreIcon from '@mui/icons-material/Restore';
import { Alert, Box, Button, Card, CardContent, Checkbox, Chip, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, LinearProgress, MenuItem, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useCallback, useEffect, useState } from 'react';
import { Title, useNotify, useTranslate } from 'react-admin';
import { api } from '../../api/http';
import { ConfirmButton } from '../../components/ActionButton';
import { DateTimeText, Mono } from '../../components/fields';
import { usePerms } from '../../components/usePerms';

type Retention = { retentionDays: number; capacityBytes: number; capacityWarnPct: number; deleteMode: 'drop_partition' | 'archive_then_drop'; usedBytes: number; usedPct: number; capacityAlert: boolean; partitions: Array<{ day: string; bytes: number }>; oldestDay: string | null };
type ArchivedDay = { day: string; file: string; events: number; bytes: number; sm3: string; keyId: string | null; signature: 'valid' | 'invalid'; remote: string | null; createdAt: string; restoredAt: string | null };

/** 等保 2.0: logs are kept at least this long unless the security administrator confirms otherwise (the API enforces it). */
const MIN_DAYS = 180;
const GB = 1024 ** 3;
const size = (b: number) => (b >= GB ? `${(b / GB).toFixed(1)} GB` : b >= 1024 ** 2 ? `${(b / 1024 ** 2).toFixed(1)} MB` : `${Math.round(b / 1024)} KB`);
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** 留存与归档: retention days and capacity settings, the days stored, archived days with SM3 / SM2 state, restore. */
export const RetentionPage = () => {
  const t = useTranslate();
  const notify = useNotify();
  const { can } = usePerms();
  const [r, setR] = useState<Retention | null>(null);
  const [archives, setArchives] = useState<ArchivedDay[] | null>(null);
  const [archiveError, setArchiveError] = useState<string | null>(null);
  const [days, setDays] = useState('');
  const [capacityGb, setCapacityGb] = useState('');
  const [warnPct, setWarnPct] = useState('');
  const [mode, setMode] = useState<Retention['deleteMode']>('drop_partition');
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const [archiveDay, setArchiveDay] = useState(yesterday());
  const fail = useCallback((e: unknown) => notify((e as Error).message, { type: 'error' }), [notify]);

  const load = useCallback(async () => {
    try {
      const x = await api<Retention>('GET', '/api/log-audit/retention');
      setR(x);
      setDays(String(x.retentionDays));
      setCapacityGb(String(Math.round((x.capacityBytes / GB) * 10) / 10));
      setWarnPct(String(x.capacityWarnPct));
      setMode(x.deleteMode);
    } catch (e) {
      fail(e);
    }
    try {
      setArchives((await api<{ items: ArchivedDay[] }>('GET', '/api/log-audit/archives')).items);
      setArchiveError(null);
    } catch (e) {
      setArchives(null);
      setArchiveError((e as Error).message);
    }
  }, [fail]);
  useEffect(() => {
    void load();
  }, [load]);

  const save = async (confirmBelowMinimum: boolean) => {
    const body: Record<string, unknown> = { retentionDays: Number(days), capacityBytes: Math.round(Number(capacityGb) * GB), capacityWarnPct: Number(warnPct), deleteMode: mode };
    if (confirmBelowMinimum) body.confirmBelowMinimum = true;
    try {
      setR(await api<Retention>('PUT', '/api/log-audit/retention', { body }));
      notify('resources.log-retention.saved', { type: 'info' });
    } catch (e) {
      fail(e);
    }
  };
  const onSave = () => {
    if (Number(days) < MIN_DAYS) {
      setConfirmed(false);
      setConfirmOpen(true);
    } else void save(false);
  };
  const restore = async (day: string) => {
    try {
      const x = await api<{ restored: number; skipped: number }>('POST', `/api/log-audit/archives/${day}/restore`);
      notify('resources.log-retention.restored', { type: 'info', messageArgs: x });
      await load();
    } catch (e) {
      fail(e);
    }
  };
  const archiveNow = async () => {
    try {
      await api('POST', `/api/log-audit/archives/${archiveDay}`);
      notify('resources.log-retention.archived', { type: 'info' });
      await load();
    } catch (e) {
      fail(e);
    }
  };
  const editable = can('log-retention', 'update');

  return (
    <Box sx={{ mt: 2 }} data-testid="log-retention">
      <Title title={t('resources.log-retention.name')} />
      <Card>
        <CardContent>
          <Typography variant="h6" gutterBottom>{t('resources.log-retention.settings')}</Typography>
          {r && (
            <Box sx={{ mb: 2 }}>
              <Typography variant="body2" data-testid="retention-usage">{t('resources.log-retention.used', { used: size(r.usedBytes), capacity: size(r.capacityBytes), pct: r.usedPct })}</Typography>
              <LinearProgress variant="determinate" value={Math.min(100, r.usedPct)} color={r.capacityAlert ? 'error' : 'primary'} sx={{ my: 1, height: 8, borderRadius: 1 }} />
              {r.capacityAlert && <Alert severity="error">{t('resources.log-retention.capacity_alert')}</Alert>}
              {r.oldestDay && <Typography variant="caption">{t('resources.log-retention.oldest', { day: r.oldestDay })}</Typography>}
            </Box>
          )}
          <Stack direction="row" spacing={2} alignItems="flex-start" flexWrap="wrap" useFlexGap>
            <TextField size="small" type="number" label={t('resources.log-retention.retentionDays')} helperText={t('resources.log-retention.retention_help')} value={days} onChange={(e) => setDays(e.target.value)} disabled={!editable} inputProps={{ min: 1, 'data-testid': 'retention-days' }} sx={{ width: 300 }} />
            <TextField size="small" type="number" label={t('resources.log-retention.capacityGb')} value={capacityGb} onChange={(e) => setCapacityGb(e.target.value)} disabled={!editable} inputProps={{ min: 1, step: 0.1 }} />
            <TextField size="small" type="number" label={t('resources.log-retention.capacityWarnPct')} value={warnPct} onChange={(e) => setWarnPct(e.target.value)} disabled={!editable} inputProps={{ min: 1, max: 100 }} sx={{ width: 180 }} />
            <TextField size="small" select label={t('resources.log-retention.deleteMode')} value={mode} onChange={(e) => setMode(e.target.value as Retention['deleteMode'])} disabled={!editable} sx={{ minWidth: 220 }}>
              {(['drop_partition', 'archive_then_drop'] as const).map((m) => <MenuItem key={m} value={m}>{t(`resources.log-retention.delete_modes.${m}`)}</MenuItem>)}
            </TextField>
            {editable && <Button variant="contained" onClick={onSave} data-testid="retention-save">{t('resources.log-retention.save')}</Button>}
          </Stack>
          {r && r.partitions.length > 0 && (
            <Box sx={{ mt: 2 }}>
              <Typography variant="subtitle2">{t('resources.log-retention.partitions')}</Typography>
              <Stack direction="row" spacing={1} flexWrap="wrap" useFlexGap sx={{ mt: 1 }}>
                {r.partitions.slice(-30).map((p) => <Chip key={p.day} size="small" variant="outlined" label={`${p.day} · ${size(p.bytes)}`} />)}
              </Stack>
            </Box>
          )}
        </CardContent>
      </Card>

      <Card sx={{ mt: 2 }}>
        <CardContent>
          <Typography variant="h6" gutterBottom>{t('resources.log-retention.archives')}</Typography>
          <Alert severity="info" sx={{ mb: 2 }}>{t('resources.log-retention.archive_hint')}</Alert>
          {archiveError && <Alert severity="warning">{archiveError}</Alert>}
          {archives && can('log-retention', 'archive') && (
            <Stack direction="row" spacing={2} alignItems="center" sx={{ mb: 2 }}>
              <TextField size="small" type="date" label={t('resources.log-retention.archive_day')} value={archiveDay} onChange={(e) => setArchiveDay(e.target.value)} InputLabelProps={{ shrink: true }} inputProps={{ max: yesterday(), 'data-testid': 'archive-day' }} />
              <Button variant="outlined" startIcon={<ArchiveIcon />} onClick={() => void archiveNow()} data-testid="archive-now">{t('resources.log-retention.archive_now')}</Button>
            </Stack>
          )}
          {archives && archives.length === 0 && <Typography variant="body2">{t('resources.log-retention.none')}</Typography>}
          {archives && archives.length > 0 && (
            <Table size="small" data-testid="archives-table">
              <TableHead>
                <TableRow>
                  {(['day', 'events', 'bytes', 'sm3', 'signature', 'remote', 'createdAt', 'restoredAt'] as const).map((c) => <TableCell key={c}>{t(`resources.log-retention.cols.${c}`)}</TableCell>)}
                  <TableCell />
                </TableRow>
              </TableHead>
              <TableBody>
                {archives.map((a) => (
                  <TableRow key={a.day} data-day={a.day}>
                    <TableCell>{a.day}</TableCell>
                    <TableCell>{a.events}</TableCell>
                    <TableCell>{size(a.bytes)}</TableCell>
                    <TableCell sx={{ maxWidth: 220 }}><Mono>{a.sm3}</Mono></TableCell>
                    <TableCell><Chip size="small" color={a.signature === 'valid' ? 'success' : 'error'} label={t(`resources.log-retention.signature.${a.signature}`)} data-testid="archive-signature" data-state={a.signature} /></TableCell>
                    <TableCell sx={{ maxWidth: 240, wordBreak: 'break-all' }}>{a.remote ?? '—'}</TableCell>
                    <TableCell><DateTimeText value={a.createdAt} /></TableCell>
                    <TableCell><DateTimeText value={a.restoredAt} /></TableCell>
                    <TableCell>
                      {can('log-retention', 'restore') && (
                        <ConfirmButton label="resources.log-retention.restore" icon={<RestoreIcon />} title={t('resources.log-retention.restore_title')} content={t('resources.log-retention.restore_confirm', { day: a.day })} onConfirm={() => restore(a.day)} testId={`archive-restore-${a.day}`} />
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>

      <Dialog open={confirmOpen} onClose={() => setConfirmOpen(false)} maxWidth="sm" fullWidth data-testid="retention-confirm">
        <DialogTitle>{t('resources.log-retention.below_title')}</DialogTitle>
        <DialogContent>
          <Alert severity="warning" sx={{ mb: 2 }}>{t('resources.log-retention.below_body', { days })}</Alert>
          <FormControlLabel control={<Checkbox checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} inputProps={{ 'aria-label': 'confirm' }} data-testid="retention-confirm-check" />} label={t('resources.log-retention.below_confirm', { days })} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirmOpen(false)}>{t('ra.action.cancel')}</Button>
          <Button variant="contained" color="warning" disabled={!confirmed} data-testid="retention-confirm-save" onClick={() => { setConfirmOpen(false); void save(true); }}>{t('resources.log-retention.save')}</Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
};
