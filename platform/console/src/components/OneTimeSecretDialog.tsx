import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import KeyIcon from '@mui/icons-material/Key';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, IconButton, Tooltip } from '@mui/material';
import { useState } from 'react';
import { useTranslate } from 'react-admin';

/** Shows a secret (one-time password, API token) exactly once; closing it is the only way on. */
export const OneTimeSecretDialog = ({ title, secret, onClose }: { title: string; secret: string | null; onClose(): void }) => {
  const translate = useTranslate();
  const [copied, setCopied] = useState(false);
  const copy = () => {
    if (!secret) return;
    // The async clipboard exists only in secure contexts; plain-HTTP intranet deployments fall back to execCommand.
    if (navigator.clipboard) {
      navigator.clipboard.writeText(secret).then(
        () => setCopied(true),
        () => setCopied(false),
      );
      return;
    }
    const area = document.createElement('textarea');
    area.value = secret;
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    setCopied(document.execCommand('copy'));
    area.remove();
  };
  return (
    <Dialog open={secret !== null} maxWidth="sm" fullWidth aria-labelledby="one-time-secret-title" data-testid="one-time-dialog">
      <DialogTitle id="one-time-secret-title" sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <KeyIcon color="primary" />
        {translate(title)}
      </DialogTitle>
      <DialogContent>
        <Alert severity="warning" sx={{ mb: 2 }}>
          {translate('yiyun.one_time.intro')}
        </Alert>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, p: 1.5, bgcolor: 'grey.100', borderRadius: 1, border: '1px dashed', borderColor: 'grey.400' }}>
          <Box component="code" data-testid="one-time-secret" sx={{ fontFamily: 'monospace', fontSize: 18, flex: 1, wordBreak: 'break-all', userSelect: 'all' }}>
            {secret}
          </Box>
          <Tooltip title={translate(copied ? 'yiyun.common.copied' : 'yiyun.common.copy')}>
            <IconButton onClick={copy} aria-label={translate('yiyun.common.copy')}>
              <ContentCopyIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        </Box>
      </DialogContent>
      <DialogActions>
        <Button variant="contained" onClick={onClose} data-testid="one-time-done">
          {translate('yiyun.one_time.saved')}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
