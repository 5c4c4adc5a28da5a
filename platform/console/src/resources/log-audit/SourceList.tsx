import KeyIcon from '@mui/icons-material/Key';
import { Alert } from '@mui/material';
import type { RaRecord } from 'react-admin';
import { useEffect, useState } from 'react';
import {
  BooleanField,
  BooleanInput,
  Create,
  DataTable,
  DeleteWithConfirmButton,
  Edit,
  List,
  SaveButton,
  SelectInput,
  SimpleForm,
  TextInput,
  Toolbar,
  TopToolbar,
  CreateButton,
  useNotify,
  useRecordContext,
  useRedirect,
  useTranslate,
} from 'react-admin';
import { api } from '../../api/http';
import { ConfirmButton } from '../../components/ActionButton';
import { DateTimeField } from '../../components/fields';
import { OneTimeSecretDialog } from '../../components/OneTimeSecretDialog';
import { usePerms } from '../../components/usePerms';

const BUILTIN_PARSERS = ['auto', 'syslog', 'web_access', 'apache_error', 'nginx_error', 'modsecurity', 'auditd', 'postgresql', 'pgaudit', 'mysql', 'json'];

/** Built-in parsers plus the parse editor's own (`custom:<name>`), for pinning a source to one. */
function useParserChoices(): Array<{ id: string; name: string }> {
  const t = useTranslate();
  const [custom, setCustom] = useState<string[]>([]);
  useEffect(() => {
    api<{ items: Array<{ name: string }> }>('GET', '/api/log-audit/parsers').then(
      (r) => setCustom(r.items.map((p) => p.name)),
      () => setCustom([]),
    );
  }, []);
  return [...BUILTIN_PARSERS.map((id) => ({ id, name: id })), ...custom.map((n) => ({ id: `custom:${n}`, name: `${n} (${t('resources.log-sources-actions.custom_parsers')})` }))];
}

/** 日志源: registered and automatically registered senders with last-seen time and rate. */
export const SourceList = () => {
  const { can } = usePerms();
  return (
    <List perPage={25} exporter={false} filters={[<TextInput key="q" source="q" label="ra.action.search" alwaysOn />]} actions={<TopToolbar>{can('log-sources', 'create') && <CreateButton />}</TopToolbar>}>
      <DataTable bulkActionButtons={false} rowClick={can('log-sources', 'edit') ? 'edit' : false} data-testid="log-sources-table">
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
};

/** Registers a source; an HTTP source's token is shown once here. */
export const SourceCreate = () => {
  const t = useTranslate();
  const notify = useNotify();
  const redirect = useRedirect();
  const parsers = useParserChoices();
  const [token, setToken] = useState<string | null>(null);
  return (
    <Create mutationOptions={{ onSuccess: (data: RaRecord) => { if (typeof data.token === 'string') setToken(data.token); else redirect('list', 'log-sources'); notify('ra.notification.created', { messageArgs: { smart_count: 1 } }); } }}>
      {token && <Alert severity="warning">{t('resources.log-sources.token_once')}: <code data-testid="source-token">{token}</code></Alert>}
      <SimpleForm>
        <TextInput source="name" required />
        <SelectInput source="kind" choices={[{ id: 'syslog', name: 'syslog' }, { id: 'http', name: 'HTTP NDJSON' }]} required />
        <TextInput source="address" helperText={t('resources.log-sources.address_help')} />
        <SelectInput source="parser" defaultValue="auto" choices={parsers} />
        <TextInput source="description" multiline />
      </SimpleForm>
    </Create>
  );
};

/** A new token for an HTTP source (the old one stops at once), shown exactly once. */
const RotateTokenButton = () => {
  const t = useTranslate();
  const notify = useNotify();
  const r = useRecordContext<{ id: string; kind: string }>();
  const [token, setToken] = useState<string | null>(null);
  if (!r || r.kind !== 'http') return null;
  return (
    <>
      <ConfirmButton
        label="resources.log-source-actions.rotate"
        icon={<KeyIcon />}
        color="warning"
        title={t('resources.log-source-actions.rotate_title')}
        content={t('resources.log-source-actions.rotate_confirm')}
        testId="source-rotate"
        onConfirm={async () => {
          try {
            setToken((await api<{ token: string }>('POST', `/api/log-audit/sources/${r.id}/token`)).token);
          } catch (e) {
            notify((e as Error).message, { type: 'error' });
          }
        }}
      />
      <OneTimeSecretDialog title="resources.log-source-actions.token_title" secret={token} onClose={() => setToken(null)} />
    </>
  );
};

const EditToolbar = () => {
  const t = useTranslate();
  const { can } = usePerms();
  return (
    <Toolbar sx={{ display: 'flex', gap: 2 }}>
      <SaveButton />
      {can('log-sources', 'rotate_token') && <RotateTokenButton />}
      <span style={{ flex: 1 }} />
      {can('log-sources', 'delete') && <DeleteWithConfirmButton confirmTitle={t('resources.log-source-actions.delete_title')} confirmContent={t('resources.log-source-actions.delete_confirm')} mutationMode="pessimistic" />}
    </Toolbar>
  );
};

/** The API keeps an absent field as it is; cleared inputs are dropped rather than sent as null. */
const dropEmpty = (data: Record<string, unknown>) => Object.fromEntries(Object.entries(data).filter(([, v]) => v !== '' && v !== null && v !== undefined));

/** Edits a source: name, address, parser, enabled, description; new token; delete. */
export const SourceEdit = () => {
  const t = useTranslate();
  const parsers = useParserChoices();
  return (
    <Edit mutationMode="pessimistic" transform={dropEmpty} title={t('resources.log-source-actions.edit')}>
      <SimpleForm toolbar={<EditToolbar />}>
        <TextInput source="name" required />
        <TextInput source="kind" disabled />
        <TextInput source="address" helperText={t('resources.log-sources.address_help')} />
        <SelectInput source="parser" choices={parsers} />
        <BooleanInput source="enabled" />
        <TextInput source="description" multiline />
      </SimpleForm>
    </Edit>
  );
};
