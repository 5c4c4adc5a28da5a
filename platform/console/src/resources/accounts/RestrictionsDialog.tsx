import RuleIcon from '@mui/icons-material/Rule';
import { Alert, Box, Button } from '@mui/material';
import { useState } from 'react';
import { ArrayInput, CheckboxGroupInput, regex, required, SimpleFormIterator, TextInput, useDataProvider, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import type { Account, TimeWindow } from '../../api/types';
import { dayChoices } from '../../components/choices';
import { FormDialog } from '../../components/FormDialog';
import type { YiyunDataProvider } from '../../providers/dataProvider';

type RestrictionsForm = { cidrs: { value: string }[]; windows: TimeWindow[] };

const validFrom = regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'resources.accounts.restrictions.bad_time');
const validTo = regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'resources.accounts.restrictions.bad_time');

/** The editor of allowed source ranges and login hours (PUT /api/accounts/:id/restrictions); needs account.restrict. */
export const RestrictionsButton = () => {
  const account = useRecordContext<Account>();
  const translate = useTranslate();
  const dataProvider = useDataProvider<YiyunDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  if (!account) return null;
  // react-admin's array inputs edit objects, so the address list travels as { value } while in the form.
  const record: RestrictionsForm = { cidrs: account.allowedCidrs.map((value) => ({ value })), windows: account.allowedWindows };
  return (
    <>
      <Button size="small" startIcon={<RuleIcon />} onClick={() => setOpen(true)} data-testid="account-restrictions">
        {translate('resources.accounts.actions.restrictions')}
      </Button>
      <FormDialog<RestrictionsForm>
        open={open}
        title={translate('resources.accounts.restrictions.title', { name: account.displayName })}
        record={record}
        onClose={() => setOpen(false)}
        onSubmit={async (values) => {
          await dataProvider.setAccountRestrictions(String(account.id), {
            allowedCidrs: (values.cidrs ?? []).map((c) => c.value?.trim()).filter((v): v is string => !!v),
            allowedWindows: (values.windows ?? []).map((w) => ({ days: [...(w.days ?? [])].map(Number).sort(), from: w.from, to: w.to })),
          });
          notify('resources.accounts.notifications.restrictions_saved', { type: 'success' });
          refresh();
        }}
      >
        <Alert severity="info" sx={{ mb: 2 }}>
          {translate('resources.accounts.restrictions.intro')}
        </Alert>
        <ArrayInput source="cidrs" label="resources.accounts.fields.allowedCidrs">
          <SimpleFormIterator inline disableReordering>
            <TextInput source="value" label="resources.accounts.restrictions.cidr" validate={required()} sx={{ minWidth: 320 }} />
          </SimpleFormIterator>
        </ArrayInput>
        <Box sx={{ mt: 2 }} />
        <ArrayInput source="windows" label="resources.accounts.fields.allowedWindows">
          <SimpleFormIterator disableReordering>
            <CheckboxGroupInput source="days" label="resources.accounts.restrictions.days" choices={dayChoices} validate={required()} />
            <Box sx={{ display: 'flex', gap: 2 }}>
              <TextInput source="from" label="resources.accounts.restrictions.from" validate={[required(), validFrom]} placeholder="08:00" />
              <TextInput source="to" label="resources.accounts.restrictions.to" validate={[required(), validTo]} placeholder="18:00" />
            </Box>
          </SimpleFormIterator>
        </ArrayInput>
      </FormDialog>
    </>
  );
};
