import AutorenewIcon from '@mui/icons-material/Autorenew';
import BlockIcon from '@mui/icons-material/Block';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import DeleteForeverIcon from '@mui/icons-material/DeleteForever';
import RestoreIcon from '@mui/icons-material/Restore';
import { Alert, Button } from '@mui/material';
import { useState } from 'react';
import { EditButton, NumberInput, TopToolbar, maxValue, minValue, required, useDataProvider, useLocaleState, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import { ConfirmButton } from '../../components/ActionButton';
import { formatDateTime } from '../../components/fields';
import { FormDialog } from '../../components/FormDialog';
import { usePerms } from '../../components/usePerms';
import type { YiyunDataProvider } from '../../providers/dataProvider';
import type { KmsKey } from '../crypto/types';

/** Rotate, disable / enable, schedule or cancel deletion: each needs kms.manage, as the API. */
export const KeyActions = () => {
  const record = useRecordContext<KmsKey>();
  const { can } = usePerms();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [locale] = useLocaleState();
  const dp = useDataProvider<YiyunDataProvider>();
  const [scheduling, setScheduling] = useState(false);
  if (!record) return <TopToolbar />;
  const manage = can('kms-keys', 'manage');
  const name = { name: record.alias };
  const run = async (action: () => Promise<KmsKey>, message: (k: KmsKey) => [string, Record<string, unknown>?]) => {
    try {
      const k = await action();
      const [m, args] = message(k);
      notify(m, { type: 'success', messageArgs: args });
      refresh();
    } catch (err) {
      notify((err as Error).message || 'ra.notification.http_error', { type: 'error' });
    }
  };
  const live = record.state === 'enabled' || record.state === 'disabled';
  return (
    <TopToolbar>
      {manage && live && <EditButton />}
      {manage && record.state === 'enabled' && (
        <ConfirmButton
          label="resources.kms-keys.actions.rotate"
          icon={<AutorenewIcon />}
          testId="key-rotate"
          title={translate('resources.kms-keys.actions.rotate_title', name)}
          content={translate('resources.kms-keys.actions.rotate_content')}
          onConfirm={() => run(() => dp.rotateKey(record.id), (k) => ['resources.kms-keys.notifications.rotated', { version: k.currentVersion }])}
        />
      )}
      {manage && record.state === 'enabled' && (
        <ConfirmButton
          label="resources.kms-keys.actions.disable"
          icon={<BlockIcon />}
          color="warning"
          testId="key-disable"
          title={translate('resources.kms-keys.actions.disable_title', name)}
          content={translate('resources.kms-keys.actions.disable_content')}
          onConfirm={() => run(() => dp.disableKey(record.id), () => ['resources.kms-keys.notifications.disabled'])}
        />
      )}
      {manage && record.state === 'disabled' && (
        <Button size="small" startIcon={<CheckCircleIcon />} data-testid="key-enable" onClick={() => run(() => dp.enableKey(record.id), () => ['resources.kms-keys.notifications.enabled'])}>
          {translate('resources.kms-keys.actions.enable')}
        </Button>
      )}
      {manage && (live || record.state === 'pending_import') && (
        <Button size="small" color="error" startIcon={<DeleteForeverIcon />} data-testid="key-schedule-deletion" onClick={() => setScheduling(true)}>
          {translate('resources.kms-keys.actions.schedule')}
        </Button>
      )}
      {manage && record.state === 'pending_deletion' && (
        <ConfirmButton
          label="resources.kms-keys.actions.cancel_deletion"
          icon={<RestoreIcon />}
          testId="key-cancel-deletion"
          title={translate('resources.kms-keys.actions.cancel_title', name)}
          content={translate('resources.kms-keys.actions.cancel_content')}
          onConfirm={() => run(() => dp.cancelKeyDeletion(record.id), () => ['resources.kms-keys.notifications.cancelled'])}
        />
      )}
      <FormDialog
        open={scheduling}
        title={translate('resources.kms-keys.actions.schedule_title', name)}
        record={{ pendingDays: 30 }}
        maxWidth="sm"
        testId="key-schedule-dialog"
        onClose={() => setScheduling(false)}
        onSubmit={async (v) => {
          const k = await dp.scheduleKeyDeletion(record.id, Number(v.pendingDays));
          notify('resources.kms-keys.notifications.scheduled', { type: 'success', messageArgs: { date: formatDateTime(k.deletionAt, locale) } });
          refresh();
        }}
      >
        <Alert severity="warning" sx={{ mb: 2 }}>
          {translate('resources.kms-keys.helpers.schedule')}
        </Alert>
        <NumberInput source="pendingDays" resource="kms-keys" validate={[required(), minValue(7), maxValue(30)]} />
      </FormDialog>
    </TopToolbar>
  );
};
