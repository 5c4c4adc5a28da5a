import { Alert } from '@mui/material';
import type { RaRecord } from 'react-admin';
import { useState } from 'react';
import { BooleanField, Create, DataTable, List, SelectInput, SimpleForm, TextInput, useNotify, useRedirect, useTranslate } from 'react-admin';
import { DateTimeField } from '../../components/fields';

/** 日志源: registered and automatically registered senders with last-seen time and rate. */
export const SourceList = () => (
  <List perPage={25} exporter={false} filters={[<TextInput key="q" source="q" label="ra.action.search" alwaysOn />]}>
    <DataTable bulkActionButtons={false} data-testid="log-sources-table">
      <DataTable.Col source="name" disableSort />
      <DataTable.Col source="kind" disableSort />
      <DataTable.Col source="address" disableSort />
      <DataTable.Col source="parser" disableSort />
      <DataTable.Col source="enabled" disableSort><BooleanField source="enabled" /></DataTable.Col>
      <DataTable.Col source="lastSeenAt" disableSort><DateTimeField source="lastSeenAt" /></DataTable.Col>
      <DataTable.Col source="ratePerMin" disableSort />
      <DataTable.Col source="eventsTotal" disableSort />
    </DataTable>
  </List>
);

/** Registers a source; an HTTP source's token is shown once here. */
export const SourceCreate = () => {
  const t = useTranslate();
  const notify = useNotify();
  const redirect = useRedirect();
  const [token, setToken] = useState<string | null>(null);
  return (
    <Create mutationOptions={{ onSuccess: (data: RaRecord) => { if (typeof data.token === "string") setToken(data.token); else redirect('list', 'log-sources'); notify('ra.notification.created', { messageArgs: { smart_count: 1 } }); } }}>
      {token && <Alert severity="warning">{t('resources.log-sources.token_once')}: <code>{token}</code></Alert>}
      <SimpleForm>
        <TextInput source="name" required />
        <SelectInput source="kind" choices={[{ id: 'syslog', name: 'syslog' }, { id: 'http', name: 'HTTP NDJSON' }]} required />
        <TextInput source="address" helperText={t('resources.log-sources.address_help')} />
        <SelectInput source="parser" defaultValue="auto" choices={['auto', 'syslog', 'web_access', 'apache_error', 'nginx_error', 'modsecurity', 'auditd', 'postgresql', 'pgaudit', 'mysql', 'json'].map((id) => ({ id, name: id }))} />
        <TextInput source="description" multiline />
      </SimpleForm>
    </Create>
  );
};
