import { Alert, Chip, Stack } from '@mui/material';
import { BooleanField, BooleanInput, Create, CreateButton, DataTable, DeleteButton, List, SimpleForm, TextInput, TopToolbar, required, useTranslate } from 'react-admin';
import { DateTimeField, Mono } from '../../components/fields';
import { usePerms } from '../../components/usePerms';

/** A list typed one per line (or comma-separated) in a text box, sent as an array. */
const lines = { parse: (v: string) => (v ?? '').split(/[\s,]+/).filter(Boolean), format: (v: unknown) => (Array.isArray(v) ? v.join('\n') : ((v as string) ?? '')) };
const Chips = ({ items }: { items: readonly string[] }) => (
  <Stack direction="row" spacing={0.5} flexWrap="wrap" useFlexGap>
    {items.map((x) => (
      <Chip key={x} size="small" label={x} />
    ))}
  </Stack>
);

const Actions = ({ resource }: { resource: string }) => {
  const { can } = usePerms();
  return <TopToolbar>{can(resource, 'create') && <CreateButton />}</TopToolbar>;
};

type OperatorKey = { id: string; name: string; algorithm: string; fingerprint: string; lastUsedAt: string | null; createdAt: string };
const K = 'bastion-keys';

/** 我的公钥: the account's own SSH public keys for the gateway (the OTP is still asked after the key). */
export const KeyList = () => {
  const t = useTranslate();
  return (
    <>
      <Alert severity="info" sx={{ mt: 2 }}>
        {t(`resources.${K}.hint`)}
      </Alert>
      <List actions={<Actions resource={K} />} perPage={50} exporter={false} sort={{ field: 'createdAt', order: 'ASC' }}>
        <DataTable<OperatorKey> bulkActionButtons={false} data-testid="bastion-keys-table">
          <DataTable.Col source="name" />
          <DataTable.Col source="algorithm" />
          <DataTable.Col source="fingerprint" disableSort render={(r) => <Mono>{r.fingerprint}</Mono>} />
          <DataTable.Col source="lastUsedAt">
            <DateTimeField source="lastUsedAt" />
          </DataTable.Col>
          <DataTable.Col source="createdAt">
            <DateTimeField source="createdAt" />
          </DataTable.Col>
          <DataTable.Col label=" " disableSort render={() => <DeleteButton mutationMode="pessimistic" redirect={false} />} />
        </DataTable>
      </List>
    </>
  );
};

export const KeyCreate = () => {
  const t = useTranslate();
  return (
    <Create redirect="list">
      <SimpleForm>
        <TextInput source="name" validate={required()} />
        <TextInput source="publicKey" validate={required()} multiline minRows={3} fullWidth helperText={t(`resources.${K}.help.publicKey`)} />
      </SimpleForm>
    </Create>
  );
};

type AdminSource = { id: string; cidr: string; note: string | null; createdBy: string; createdAt: string };
const S = 'bastion-admin-sources';

/** 管理员登录地址: the ranges sysadmin/secadmin/auditadmin accounts may reach the gateway from. */
export const AdminSourceList = () => {
  const t = useTranslate();
  const { can } = usePerms();
  return (
    <>
      <Alert severity="warning" sx={{ mt: 2 }}>
        {t(`resources.${S}.hint`)}
      </Alert>
      <List actions={<Actions resource={S} />} perPage={50} exporter={false} sort={{ field: 'cidr', order: 'ASC' }}>
        <DataTable<AdminSource> bulkActionButtons={false} data-testid="bastion-admin-sources-table">
          <DataTable.Col source="cidr" render={(r) => <Mono>{r.cidr}</Mono>} />
          <DataTable.Col source="note" />
          <DataTable.Col source="createdBy" />
          <DataTable.Col source="createdAt">
            <DateTimeField source="createdAt" />
          </DataTable.Col>
          {can(S, 'delete') ? <DataTable.Col label=" " disableSort render={() => <DeleteButton mutationMode="pessimistic" redirect={false} />} /> : null}
        </DataTable>
      </List>
    </>
  );
};

export const AdminSourceCreate = () => {
  const t = useTranslate();
  return (
    <Create redirect="list">
      <SimpleForm>
        <TextInput source="cidr" validate={required()} helperText={t(`resources.${S}.help.cidr`)} />
        <TextInput source="note" fullWidth />
      </SimpleForm>
    </Create>
  );
};

type MacRuleRow = { id: string; name: string; logins: string[]; roles: string[]; sourceCidrs: string[]; macs: string[]; enabled: boolean; createdBy: string; createdAt: string };
const M = 'bastion-mac-rules';

/** MAC 地址规则: covered logins must come from a listed MAC; an unknown MAC is refused. */
export const MacRuleList = () => {
  const t = useTranslate();
  const { can } = usePerms();
  return (
    <>
      <Alert severity="info" sx={{ mt: 2 }}>
        {t(`resources.${M}.hint`)}
      </Alert>
      <List actions={<Actions resource={M} />} perPage={50} exporter={false} sort={{ field: 'name', order: 'ASC' }}>
        <DataTable<MacRuleRow> bulkActionButtons={false} data-testid="bastion-mac-rules-table">
          <DataTable.Col source="name" />
          <DataTable.Col source="logins" disableSort render={(r) => (r.logins.length + r.roles.length ? <Chips items={[...r.logins, ...r.roles.map((x: string) => t(`yiyun.roles.${x}`, { _: x }))]} /> : t(`resources.${M}.everyone`))} />
          <DataTable.Col source="sourceCidrs" disableSort render={(r) => (r.sourceCidrs.length ? <Chips items={r.sourceCidrs} /> : t(`resources.${M}.anywhere`))} />
          <DataTable.Col source="macs" disableSort render={(r) => <Chips items={r.macs} />} />
          <DataTable.Col source="enabled">
            <BooleanField source="enabled" />
          </DataTable.Col>
          {can(M, 'delete') ? <DataTable.Col label=" " disableSort render={() => <DeleteButton mutationMode="pessimistic" redirect={false} />} /> : null}
        </DataTable>
      </List>
    </>
  );
};

export const MacRuleCreate = () => {
  const t = useTranslate();
  return (
    <Create redirect="list">
      <SimpleForm defaultValues={{ enabled: true, logins: [], roles: [], sourceCidrs: [], macs: [] }}>
        <TextInput source="name" validate={required()} />
        <TextInput source="logins" multiline fullWidth {...lines} helperText={t(`resources.${M}.help.list`)} />
        <TextInput source="roles" multiline fullWidth {...lines} helperText={t(`resources.${M}.help.roles`)} />
        <TextInput source="sourceCidrs" multiline fullWidth {...lines} helperText={t(`resources.${M}.help.list`)} />
        <TextInput source="macs" multiline fullWidth {...lines} validate={required()} helperText={t(`resources.${M}.help.macs`)} />
        <BooleanInput source="enabled" />
      </SimpleForm>
    </Create>
  );
};
