import TuneIcon from '@mui/icons-material/Tune';
import { Button } from '@mui/material';
import { useState } from 'react';
import { useDataProvider, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import { QUOTA_KEYS, type Quota, type Tenant } from '../../api/types';
import { FormDialog } from '../../components/FormDialog';
import { usePerms } from '../../components/usePerms';
import type { YiyunDataProvider } from '../../providers/dataProvider';
import { QuotaInputs } from './TenantInputs';

/** Opens the quota editor (PUT /api/tenants/:id/quota, all ten numbers); needs tenant.quota_update. */
export const QuotaButton = () => {
  const tenant = useRecordContext<Tenant>();
  const { can } = usePerms();
  const translate = useTranslate();
  const dataProvider = useDataProvider<YiyunDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  if (!tenant || !can('tenants', 'quota')) return null;
  return (
    <>
      <Button size="small" startIcon={<TuneIcon />} onClick={() => setOpen(true)} data-testid="quota-edit">
        {translate('resources.tenants.actions.quota')}
      </Button>
      <FormDialog<Quota>
        open={open}
        title={translate('resources.tenants.actions.quota_title', { name: tenant.name })}
        record={tenant.quota}
        onClose={() => setOpen(false)}
        onSubmit={async (values) => {
          const quota = Object.fromEntries(QUOTA_KEYS.map((k) => [k, Number(values[k])])) as Quota;
          await dataProvider.setTenantQuota(String(tenant.id), quota);
          notify('resources.tenants.notifications.quota_saved', { type: 'success' });
          refresh();
        }}
      >
        <QuotaInputs />
      </FormDialog>
    </>
  );
};
