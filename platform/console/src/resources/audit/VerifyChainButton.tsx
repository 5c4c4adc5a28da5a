import VerifiedUserIcon from '@mui/icons-material/VerifiedUser';
import { Alert, Box, Button, CircularProgress, Dialog, DialogActions, DialogContent, DialogTitle, Typography } from '@mui/material';
import { useState } from 'react';
import { useDataProvider, useNotify, useTranslate } from 'react-admin';
import type { ChainVerification } from '../../api/types';
import { usePerms } from '../../components/usePerms';
import type { YiyunDataProvider } from '../../providers/dataProvider';

const Figure = ({ label, value }: { label: string; value: number }) => (
  <Box sx={{ p: 1.5, bgcolor: 'grey.50', borderRadius: 1, border: '1px solid', borderColor: 'grey.200', minWidth: 120 }}>
    <Typography variant="caption" color="text.secondary" component="div">
      {label}
    </Typography>
    <Typography variant="h6" component="div">
      {value.toLocaleString()}
    </Typography>
  </Box>
);

/** Walks the SM3 hash chain and the SM2-signed checkpoints on the server (POST /api/audit/verify); needs audit.verify. */
export const VerifyChainButton = () => {
  const { can } = usePerms();
  const translate = useTranslate();
  const notify = useNotify();
  const dataProvider = useDataProvider<YiyunDataProvider>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ChainVerification | null>(null);
  if (!can('audit', 'verify')) return null;

  const verify = async () => {
    setBusy(true);
    try {
      setResult(await dataProvider.verifyAuditChain());
    } catch (err) {
      notify((err as Error).message || 'resources.audit.notifications.verify_failed', { type: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button size="small" variant="outlined" startIcon={busy ? <CircularProgress size={16} /> : <VerifiedUserIcon />} onClick={verify} disabled={busy} data-testid="audit-verify">
        {translate('resources.audit.actions.verify')}
      </Button>
      <Dialog open={result !== null} onClose={() => setResult(null)} maxWidth="sm" fullWidth>
        <DialogTitle>{translate('resources.audit.actions.verify_title')}</DialogTitle>
        {result && (
          <DialogContent>
            <Alert severity={result.ok ? 'success' : 'error'} sx={{ mb: 2 }} data-testid="verify-result" data-ok={String(result.ok)}>
              {result.ok
                ? translate('resources.audit.actions.verify_ok')
                : translate('resources.audit.actions.verify_bad', { seq: result.firstBad?.seq ?? '?', reason: result.firstBad?.reason ?? '' })}
            </Alert>
            {result.ok && result.checkpoints === 0 && (
              <Alert severity="info" sx={{ mb: 2 }}>
                {translate('resources.audit.actions.no_checkpoints')}
              </Alert>
            )}
            <Box sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap' }}>
              <Figure label={translate('resources.audit.actions.records')} value={result.records} />
              <Figure label={translate('resources.audit.actions.checkpoints')} value={result.checkpoints} />
              <Figure label={translate('resources.audit.actions.last_seq')} value={result.lastSeq} />
            </Box>
          </DialogContent>
        )}
        <DialogActions>
          <Button onClick={() => setResult(null)} data-testid="verify-close">
            {translate('yiyun.common.close')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
};
