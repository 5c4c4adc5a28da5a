import LockOpenIcon from '@mui/icons-material/LockOpen';
import PasswordIcon from '@mui/icons-material/Password';
import PhonelinkEraseIcon from '@mui/icons-material/PhonelinkErase';
import { useState } from 'react';
import { EditButton, TopToolbar, useDataProvider, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import type { Account } from '../../api/types';
import { ConfirmButton } from '../../components/ActionButton';
import { OneTimeSecretDialog } from '../../components/OneTimeSecretDialog';
import { usePerms } from '../../components/usePerms';
import type { YiyunDataProvider } from '../../providers/dataProvider';
import { RestrictionsButton } from './RestrictionsDialog';

/** Edit, unlock, reset password (one-time password shown once), reset MFA and login restrictions, each behind its permission. */
export const AccountShowActions = () => {
  const account = useRecordContext<Account>();
  const { can } = usePerms();
  const translate = useTranslate();
  const dataProvider = useDataProvider<YiyunDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [oneTime, setOneTime] = useState<string | null>(null);
  if (!account) return <TopToolbar />;
  const name = `${account.displayName}（${account.loginId}）`;
  const fail = (err: unknown) => notify((err as Error).message || 'ra.notification.http_error', { type: 'error' });

  return (
    <TopToolbar>
      {can('accounts', 'unlock') && account.locked && (
        <ConfirmButton
          label="resources.accounts.actions.unlock"
          icon={<LockOpenIcon />}
          title={translate('resources.accounts.actions.unlock')}
          content={name}
          testId="account-unlock"
          onConfirm={() =>
            dataProvider.unlockAccount(String(account.id)).then(() => {
              notify('resources.accounts.notifications.unlocked', { type: 'success' });
              refresh();
            }, fail)
          }
        />
      )}
      {can('accounts', 'reset_password') && (
        <ConfirmButton
          label="resources.accounts.actions.reset_password"
          icon={<PasswordIcon />}
          color="warning"
          title={translate('resources.accounts.actions.reset_password')}
          content={translate('resources.accounts.actions.reset_password_confirm', { name })}
          testId="account-reset-password"
          onConfirm={() =>
            dataProvider.resetAccountPassword(String(account.id)).then((r) => {
              notify('resources.accounts.notifications.password_reset', { type: 'success' });
              setOneTime(r.initialPassword);
            }, fail)
          }
        />
      )}
      {can('accounts', 'reset_mfa') && account.mfaEnrolled && (
        <ConfirmButton
          label="resources.accounts.actions.reset_mfa"
          icon={<PhonelinkEraseIcon />}
          color="warning"
          title={translate('resources.accounts.actions.reset_mfa')}
          content={translate('resources.accounts.actions.reset_mfa_confirm', { name })}
          testId="account-reset-mfa"
          onConfirm={() =>
            dataProvider.resetAccountMfa(String(account.id)).then(() => {
              notify('resources.accounts.notifications.mfa_reset', { type: 'success' });
              refresh();
            }, fail)
          }
        />
      )}
      {can('accounts', 'restrict') && <RestrictionsButton />}
      <EditButton />
      <OneTimeSecretDialog
        title="yiyun.one_time.password_title"
        secret={oneTime}
        onClose={() => {
          setOneTime(null);
          refresh();
        }}
      />
    </TopToolbar>
  );
};
