import DownloadIcon from '@mui/icons-material/Download';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import { Box, Button, CircularProgress, LinearProgress, Typography } from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import { useNotify, useTranslate } from 'react-admin';
import { usePerms } from '../../components/usePerms';
import { saveBlob } from '../../api/download';
import { exportPack, getExportProgress, runChecksNow, type ExportProgress } from './complianceApi';
import { formatBytes } from './ComplianceFields';

/** Seconds since `since` (null: not running), ticking once a second. */
function useElapsed(since: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [since]);
  return since === null ? 0 : Math.max(0, Math.round((now - since) / 1000));
}

/** Runs every registered check now (POST /api/compliance/runs); needs compliance.run. */
export const RunChecksButton = ({ onDone }: { onDone(): void }) => {
  const { can } = usePerms();
  const translate = useTranslate();
  const notify = useNotify();
  const [since, setSince] = useState<number | null>(null);
  const elapsed = useElapsed(since);
  if (!can('compliance', 'run')) return null;
  const run = async () => {
    setSince(Date.now());
    try {
      const r = await runChecksNow();
      notify('resources.compliance.notifications.ran', {
        type: r.failedChecks > 0 ? 'warning' : 'success',
        messageArgs: { checks: r.checks, failed: r.failedChecks, dengbao: r.dengbaoScore.toFixed(1), miping: r.mipingScore.toFixed(1) },
      });
      onDone();
    } catch (err) {
      notify((err as Error).message || 'ra.notification.http_error', { type: 'error' });
    } finally {
      setSince(null);
    }
  };
  return (
    <Button size="small" variant="outlined" startIcon={since !== null ? <CircularProgress size={16} /> : <PlayArrowIcon />} onClick={run} disabled={since !== null} data-testid="compliance-run">
      {since !== null ? translate('resources.compliance.actions.running', { seconds: elapsed }) : translate('resources.compliance.actions.run')}
    </Button>
  );
};

/**
 * Generates the signed evidence pack on the server and downloads the zip (POST /api/compliance/export);
 * needs compliance.export. The server answers only when the pack is complete, so the button shows the server's
 * phase (polled) and the time spent, then the download's progress.
 */
export const ExportButton = () => {
  const { can } = usePerms();
  const translate = useTranslate();
  const notify = useNotify();
  const [since, setSince] = useState<number | null>(null);
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const abort = useRef<AbortController | null>(null);
  const elapsed = useElapsed(since);
  const [phase, setPhase] = useState<{ phase: string; done: number; total: number } | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  // While the server builds the pack, its phase comes from GET /api/compliance/export/progress once a second.
  useEffect(() => {
    if (since === null) return;
    const ac = new AbortController();
    const t = setInterval(() => {
      getExportProgress(ac.signal)
        .then((p) => setPhase(p.active && p.phase ? { phase: p.phase, done: p.done, total: p.total } : null))
        .catch(() => undefined);
    }, 1000);
    return () => {
      clearInterval(t);
      ac.abort();
      setPhase(null);
    };
  }, [since]);
  if (!can('compliance', 'export')) return null;

  const start = async () => {
    abort.current = new AbortController();
    setSince(Date.now());
    try {
      const { blob, fileName } = await exportPack(setProgress, abort.current.signal);
      saveBlob(blob, fileName);
      notify('resources.compliance.notifications.exported', { type: 'success', messageArgs: { name: fileName, size: formatBytes(blob.size) } });
    } catch (err) {
      if ((err as Error).name !== 'AbortError') notify((err as Error).message || 'resources.compliance.notifications.export_failed', { type: 'error' });
    } finally {
      setSince(null);
      setProgress(null);
    }
  };

  const busy = since !== null;
  const pct = progress?.phase === 'downloading' && progress.total ? Math.round((100 * progress.received) / progress.total) : null;
  return (
    <Box sx={{ display: 'inline-flex', flexDirection: 'column', minWidth: 180 }}>
      <Button size="small" variant="contained" startIcon={busy ? <CircularProgress size={16} color="inherit" /> : <DownloadIcon />} onClick={start} disabled={busy} data-testid="compliance-export">
        {translate('resources.compliance.actions.export')}
      </Button>
      {busy && (
        <Box sx={{ mt: 0.5 }} data-testid="export-progress">
          <LinearProgress variant={pct === null ? 'indeterminate' : 'determinate'} value={pct ?? undefined} />
          <Typography variant="caption" color="text.secondary">
            {progress?.phase === 'downloading'
              ? translate('resources.compliance.export.downloading', { received: formatBytes(progress.received), percent: pct ?? '…' })
              : phase
                ? translate('resources.compliance.export.phase', { phase: translate(`resources.compliance.export.phases.${phase.phase}`), done: phase.done, total: phase.total, seconds: elapsed })
                : translate('resources.compliance.export.generating', { seconds: elapsed })}
          </Typography>
        </Box>
      )}
    </Box>
  );
};
