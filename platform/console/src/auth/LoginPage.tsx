import LockOutlinedIcon from '@mui/icons-material/LockOutlined';
import PhonelinkLockIcon from '@mui/icons-material/PhonelinkLock';
import { Alert, Button, CircularProgress, Stack, TextField } from '@mui/material';
import { useEffect, useState, type FormEvent } from 'react';
import { useLogin, useNavigate, useTranslate } from 'react-admin';
import { fetchMe, MfaRequired, PENDING_PATHS } from '../providers/authProvider';
import { AuthShell } from './AuthShell';

/**
 * Two-step login: login id and password, then — for accounts with a second factor — a TOTP code or a
 * recovery code. A pending first-login step sends the user on to the page that finishes it.
 */
export const LoginPage = () => {
  const translate = useTranslate();
  const login = useLogin();
  const navigate = useNavigate();
  const [loginId, setLoginId] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [challengeId, setChallengeId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Already logged in (e.g. a bookmarked /login): go on.
  useEffect(() => {
    let live = true;
    fetchMe(true).then(
      (me) => {
        if (live && me) navigate(me.pending ? PENDING_PATHS[me.pending] : '/', { replace: true });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [navigate]);

  const run = async (params: Parameters<typeof login>[0]) => {
    setBusy(true);
    setError(null);
    try {
      await login(params);
    } catch (err) {
      if (err instanceof MfaRequired) {
        setChallengeId(err.challengeId);
        setCode('');
      } else {
        const e = err as { message?: string; code?: string; body?: { code?: string } };
        // An expired challenge means starting again from the password.
        if ((e.body?.code ?? e.code) === 'auth.challenge_expired') setChallengeId(null);
        setError(e.message || translate('ra.auth.sign_in_error'));
      }
    } finally {
      setBusy(false);
    }
  };

  const submitPassword = (ev: FormEvent) => {
    ev.preventDefault();
    void run({ loginId, password });
  };
  const submitCode = (ev: FormEvent) => {
    ev.preventDefault();
    if (challengeId) void run({ challengeId, code });
  };

  return (
    <AuthShell title={challengeId ? 'yiyun.login.mfa_title' : 'yiyun.login.title'}>
      {error && (
        <Alert severity="error" sx={{ mb: 2 }} data-testid="login-error">
          {error}
        </Alert>
      )}
      {challengeId === null ? (
        <form onSubmit={submitPassword} noValidate>
          <Stack spacing={2}>
            <TextField name="loginId" label={translate('yiyun.login.login_id')} value={loginId} onChange={(e) => setLoginId(e.target.value)} autoComplete="username" autoFocus required fullWidth size="medium" />
            <TextField name="password" type="password" label={translate('yiyun.login.password')} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required fullWidth size="medium" />
            <Button type="submit" variant="contained" size="large" disabled={busy || !loginId || !password} startIcon={busy ? <CircularProgress size={18} color="inherit" /> : <LockOutlinedIcon />} data-testid="login-submit">
              {translate('yiyun.login.submit')}
            </Button>
          </Stack>
        </form>
      ) : (
        <form onSubmit={submitCode} noValidate>
          <Stack spacing={2}>
            <Alert severity="info" icon={<PhonelinkLockIcon />}>
              {translate('yiyun.login.mfa_intro')}
            </Alert>
            <TextField
              name="code"
              label={translate('yiyun.login.mfa_code')}
              value={code}
              onChange={(e) => setCode(e.target.value)}
              autoComplete="one-time-code"
              autoFocus
              required
              fullWidth
              size="medium"
              slotProps={{ htmlInput: { maxLength: 32, inputMode: 'text', style: { letterSpacing: 4, fontSize: 20 } } }}
            />
            <Button type="submit" variant="contained" size="large" disabled={busy || code.trim().length < 6} startIcon={busy ? <CircularProgress size={18} color="inherit" /> : undefined} data-testid="mfa-submit">
              {translate('yiyun.login.mfa_submit')}
            </Button>
            <Button
              onClick={() => {
                setChallengeId(null);
                setPassword('');
                setError(null);
              }}
            >
              {translate('yiyun.login.back')}
            </Button>
          </Stack>
        </form>
      )}
    </AuthShell>
  );
};
