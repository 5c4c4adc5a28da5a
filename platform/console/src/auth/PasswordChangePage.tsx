import { Alert } from '@mui/material';
import { useEffect, useState } from 'react';
import { Loading, useNavigate, useNotify, useTranslate } from 'react-admin';
import { fetchMe, forgetMe, PENDING_PATHS } from '../providers/authProvider';
import { AuthShell } from './AuthShell';
import { PasswordChangeForm } from './PasswordChangeForm';

/** The forced password change of a first login, a reset or an expired password. */
export const PasswordChangePage = () => {
  const translate = useTranslate();
  const navigate = useNavigate();
  const notify = useNotify();
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let live = true;
    fetchMe(true).then(
      (me) => {
        if (!live) return;
        if (!me) navigate('/login', { replace: true });
        else if (me.pending !== 'password_change') navigate(me.pending ? PENDING_PATHS[me.pending] : '/', { replace: true });
        else setReady(true);
      },
      () => navigate('/login', { replace: true }),
    );
    return () => {
      live = false;
    };
  }, [navigate]);

  const done = async () => {
    notify('yiyun.password_change.done', { type: 'success' });
    forgetMe();
    const me = await fetchMe(true).catch(() => null);
    if (me?.pending) navigate(PENDING_PATHS[me.pending], { replace: true });
    // The app starts afresh so every cached permission and identity is read again.
    else window.location.replace('/');
  };

  return (
    <AuthShell title="yiyun.password_change.title" withLogout>
      {ready ? (
        <>
          <Alert severity="warning" sx={{ mb: 2 }}>
            {translate('yiyun.password_change.intro')}
          </Alert>
          <PasswordChangeForm onDone={done} />
        </>
      ) : (
        <Loading />
      )}
    </AuthShell>
  );
};
