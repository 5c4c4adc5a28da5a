import { Alert, Button, CircularProgress, Stack, TextField } from '@mui/material';
import { useState, type FormEvent } from 'react';
import { useTranslate } from 'react-admin';
import { ApiError } from '../api/http';
import { dataProvider } from '../providers/dataProvider';

/** Current password, new password twice; the server's policy decides and its objections are shown per field. */
export const PasswordChangeForm = ({ onDone }: { onDone(): void }) => {
  const translate = useTranslate();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const mismatch = repeat.length > 0 && next !== repeat;

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      await dataProvider.changePassword({ currentPassword: current, newPassword: next });
      onDone();
    } catch (err) {
      setError((err as Error).message);
      if (err instanceof ApiError) {
        const fe: Record<string, string> = {};
        for (const f of err.problem.fields ?? []) fe[f.path.replace(/^body\./, '')] = f.message;
        setFieldErrors(fe);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack spacing={2}>
        {error && (
          <Alert severity="error" data-testid="password-error">
            {error}
          </Alert>
        )}
        <TextField
          name="currentPassword"
          type="password"
          label={translate('yiyun.password_change.current')}
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          autoComplete="current-password"
          required
          fullWidth
          error={!!fieldErrors.currentPassword}
          helperText={fieldErrors.currentPassword}
        />
        <TextField
          name="newPassword"
          type="password"
          label={translate('yiyun.password_change.new')}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          autoComplete="new-password"
          required
          fullWidth
          error={!!fieldErrors.newPassword}
          helperText={fieldErrors.newPassword ?? translate('yiyun.password_change.policy')}
        />
        <TextField
          name="confirmPassword"
          type="password"
          label={translate('yiyun.password_change.confirm')}
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          autoComplete="new-password"
          required
          fullWidth
          error={mismatch}
          helperText={mismatch ? translate('yiyun.password_change.mismatch') : ' '}
        />
        <Button type="submit" variant="contained" size="large" disabled={busy || !current || !next || next !== repeat} startIcon={busy ? <CircularProgress size={18} color="inherit" /> : undefined} data-testid="password-submit">
          {translate('yiyun.password_change.submit')}
        </Button>
      </Stack>
    </form>
  );
};
