import CheckCircleOutlineIcon from '@mui/icons-material/CheckCircleOutline';
import { Alert, Box, Button, CircularProgress, Stack, TextField, Typography } from '@mui/material';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Loading, useNavigate, useNotify, useTranslate } from 'react-admin';
import { fetchMe, forgetMe, PENDING_PATHS } from '../providers/authProvider';
import { dataProvider } from '../providers/dataProvider';
import { AuthShell } from './AuthShell';

type Setup = { secret: string; otpauthUri: string; qrDataUrl: string };

/** Groups of four, as authenticator apps print keys (they accept the spaces). */
const grouped = (secret: string) => secret.replace(/(.{4})/g, '$1 ').trim();

/**
 * TOTP enrolment, required for administrative roles: QR code and key, a first code to prove it works,
 * then the recovery codes — shown once, and the user confirms having saved them.
 */
export const MfaEnrolmentPage = () => {
  const translate = useTranslate();
  const navigate = useNavigate();
  const notify = useNotify();
  const [setup, setSetup] = useState<Setup | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  // One enrolment start per visit: each start replaces the pending key on the server.
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    (async () => {
      const me = await fetchMe(true).catch(() => null);
      if (!me) return navigate('/login', { replace: true });
      if (me.pending !== 'mfa_enrolment') return navigate(me.pending ? PENDING_PATHS[me.pending] : '/', { replace: true });
      try {
        setSetup(await dataProvider.startTotpEnrolment());
      } catch (err) {
        setError((err as Error).message);
      }
    })();
  }, [navigate]);

  const confirm = async (ev: FormEvent) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await dataProvider.confirmTotpEnrolment(code.trim());
      setRecoveryCodes(r.recoveryCodes);
      notify('yiyun.mfa.enrolled', { type: 'success' });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const finish = () => {
    forgetMe();
    window.location.replace('/');
  };

  if (recoveryCodes) {
    return (
      <AuthShell title="yiyun.mfa.recovery_title" width={520}>
        <Alert severity="warning" sx={{ mb: 2 }}>
          {translate('yiyun.mfa.recovery_intro')}
        </Alert>
        <Box
          data-testid="recovery-codes"
          sx={{ display: 'grid', gridTemplateColumns: 'repeat(2, 1fr)', gap: 1, p: 2, bgcolor: 'grey.100', borderRadius: 1, fontFamily: 'monospace', fontSize: 17, mb: 2, userSelect: 'all' }}
        >
          {recoveryCodes.map((c) => (
            <span key={c}>{c}</span>
          ))}
        </Box>
        <Button fullWidth variant="contained" size="large" startIcon={<CheckCircleOutlineIcon />} onClick={finish} data-testid="recovery-saved">
          {translate('yiyun.mfa.recovery_saved')}
        </Button>
      </AuthShell>
    );
  }

  return (
    <AuthShell title="yiyun.mfa.title" width={520} withLogout>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {translate('yiyun.mfa.intro')}
      </Typography>
      {error && (
        <Alert severity="error" sx={{ mb: 2 }} data-testid="mfa-error">
          {error}
        </Alert>
      )}
      {!setup ? (
        error ? null : <Loading />
      ) : (
        <form onSubmit={confirm} noValidate>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={3} alignItems="center" sx={{ mb: 2 }}>
            <Box component="img" src={setup.qrDataUrl} alt={translate('yiyun.mfa.qr_alt')} sx={{ width: 180, height: 180, border: '1px solid', borderColor: 'grey.300', borderRadius: 1, p: 0.5 }} />
            <Box sx={{ minWidth: 0 }}>
              <Typography variant="caption" color="text.secondary">
                {translate('yiyun.mfa.secret')}
              </Typography>
              <Typography data-testid="totp-secret" sx={{ fontFamily: 'monospace', fontSize: 16, wordBreak: 'break-all', userSelect: 'all' }}>
                {grouped(setup.secret)}
              </Typography>
            </Box>
          </Stack>
          <Stack spacing={2}>
            <TextField
              name="code"
              label={translate('yiyun.mfa.code')}
              value={code}
              onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
              autoComplete="one-time-code"
              required
              fullWidth
              slotProps={{ htmlInput: { inputMode: 'numeric', maxLength: 6, style: { letterSpacing: 6, fontSize: 20 } } }}
            />
            <Button type="submit" variant="contained" size="large" disabled={busy || code.length !== 6} startIcon={busy ? <CircularProgress size={18} color="inherit" /> : undefined} data-testid="mfa-confirm">
              {translate('yiyun.mfa.submit')}
            </Button>
          </Stack>
        </form>
      )}
    </AuthShell>
  );
};
