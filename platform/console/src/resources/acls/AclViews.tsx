import DownloadIcon from '@mui/icons-material/Download';
import LinkIcon from '@mui/icons-material/Link';
import LinkOffIcon from '@mui/icons-material/LinkOff';
import PowerSettingsNewIcon from '@mui/icons-material/PowerSettingsNew';
import UploadIcon from '@mui/icons-material/Upload';
import { Box, Button, Chip, Grid, Stack } from '@mui/material';
import { Link } from 'react-router-dom';
import { BooleanInput, Create, DataTable, DeleteButton, List, ReferenceArrayInput, SelectArrayInput, SelectInput, Show, SimpleForm, TextField, TextInput, TopToolbar, required, useGetMany, useRecordContext, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField } from '../../components/fields';
import { FieldGrid, FormGrid, Item, SectionCard } from '../../components/Section';
import { DialogButton } from '../../cloud/dialogs';
import { CloudListActions, cloudFilters, RowActions, RunButton, StatusText, useCloud, listSx } from '../../cloud/kit';
import { RulesSection, type RuleField } from '../../cloud/RulesEditor';
import type { CloudResource } from '../../cloud/types';

const Enabled = () => {
  const r = useRecordContext<CloudResource>();
  return <StatusText value={r?.spec.enabled ? 'enabled' : 'disabled'} />;
};

export const AclList = () => (
  <List sx={listSx} filters={cloudFilters('acls')} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions />}>
    <DataTable<CloudResource> rowClick="show">
      <DataTable.Col source="name" />
      <DataTable.Col source="spec.enabled" disableSort><Enabled /></DataTable.Col>
      <DataTable.Col source="spec.subnetIds" disableSort render={(r) => (r.spec.subnetIds ?? []).length} />
      <DataTable.Col source="description" disableSort />
      <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
      <DataTable.Col label="cloud.common.actions" disableSort>
        <RowActions><DeleteButton mutationMode="pessimistic" /></RowActions>
      </DataTable.Col>
    </DataTable>
  </List>
);

export const AclCreate = () => (
  <Create redirect="show">
    <SimpleForm>
      <FormGrid>
        <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
        <TextInput source="description" />
      </FormGrid>
    </SimpleForm>
  </Create>
);

const ACL_RULE_FIELDS: RuleField[] = [
  { source: 'direction', type: 'select', choices: choicesOf('acls', 'direction', ['ingress', 'egress']), required: true },
  { source: 'priority', type: 'number', min: 1, max: 32766, required: true },
  { source: 'action', type: 'select', choices: choicesOf('acls', 'action', ['allow', 'deny']), required: true },
  { source: 'protocol', type: 'select', choices: choicesOf('acls', 'protocol', ['tcp', 'udp', 'icmp', 'any']) },
  { source: 'source', type: 'text' },
  { source: 'destination', type: 'text' },
  { source: 'destinationPort', type: 'text', helperText: 'resources.acls.helpers.port' },
  { source: 'description', type: 'text' },
];

const AclRules = () => (
  <RulesSection
    resource="acls"
    testId="acl-rules"
    fields={ACL_RULE_FIELDS}
    columns={['direction', 'priority', 'action', 'protocol', 'source', 'destination', 'destinationPort', 'description']}
    defaults={{ direction: 'ingress', priority: 100, action: 'allow', protocol: 'any', source: '0.0.0.0/0', destination: '0.0.0.0/0', destinationPort: '', description: '' }}
    toBody={(v) => ({ direction: v.direction, priority: Number(v.priority), action: v.action, protocol: v.protocol, source: v.source || '0.0.0.0/0', destination: v.destination || '0.0.0.0/0', destinationPort: v.destinationPort ?? '', ...(v.description ? { description: v.description } : {}) })}
  />
);

const Subnets = () => {
  const r = useRecordContext<CloudResource>();
  const translate = useTranslate();
  const ids: string[] = r?.spec.subnetIds ?? [];
  const { data } = useGetMany<CloudResource>('subnets', { ids }, { enabled: ids.length > 0 });
  if (!ids.length) return <Box sx={{ color: 'text.secondary', fontSize: 14 }}>{translate('resources.acls.no_subnets')}</Box>;
  return (
    <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap" data-testid="acl-subnets">
      {(data ?? []).map((s) => (
        <Chip key={s.id} component={Link} to={`/subnets/${s.id}/show`} clickable label={`${s.name} · ${s.spec.cidr ?? s.spec.cidr6}`} />
      ))}
    </Stack>
  );
};

const AclActions = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  const translate = useTranslate();
  if (!r) return <TopToolbar />;
  const subnetPicker = (
    <ReferenceArrayInput source="subnetIds" reference="subnets" perPage={200}>
      <SelectArrayInput optionText="name" label="resources.acls.fields.spec.subnetIds" validate={required()} fullWidth />
    </ReferenceArrayInput>
  );
  return (
    <TopToolbar>
      <RunButton label={r.spec.enabled ? 'resources.acls.actions.disable' : 'resources.acls.actions.enable'} icon={<PowerSettingsNewIcon />} run={() => dp.cloudPatch(`acls/${r.id}`, { enabled: !r.spec.enabled })} testId="acl-toggle" />
      <DialogButton label="resources.acls.actions.associate" icon={<LinkIcon />} record={{ subnetIds: [] as string[] }} submit={(v) => dp.cloudPost(`acls/${r.id}/associate`, { subnetIds: v.subnetIds })} testId="acl-associate">
        {subnetPicker}
      </DialogButton>
      <DialogButton label="resources.acls.actions.disassociate" icon={<LinkOffIcon />} record={{ subnetIds: [] as string[] }} submit={(v) => dp.cloudPost(`acls/${r.id}/disassociate`, { subnetIds: v.subnetIds })} disabled={!r.spec.subnetIds?.length}>
        {subnetPicker}
      </DialogButton>
      <DialogButton label="resources.acls.actions.import" icon={<UploadIcon />} record={{ format: 'csv', content: '', replace: false }} submit={(v) => dp.cloudPost(`acls/${r.id}/import`, v)} done="resources.acls.notifications.imported" testId="acl-import">
        <SelectInput source="format" label="resources.acls.fields.format" choices={[{ id: 'csv', name: 'CSV' }, { id: 'json', name: 'JSON' }]} validate={required()} />
        <TextInput source="content" label="resources.acls.fields.content" multiline minRows={6} fullWidth validate={required()} helperText="resources.acls.helpers.import" />
        <BooleanInput source="replace" label="resources.acls.fields.replace" />
      </DialogButton>
      {['csv', 'json'].map((f) => (
        <Button key={f} size="small" startIcon={<DownloadIcon />} href={`/api/cloud/acls/${r.id}/export?format=${f}`} download>
          {translate(`cloud.common.export_${f}`)}
        </Button>
      ))}
      <DeleteButton mutationMode="pessimistic" />
    </TopToolbar>
  );
};

export const AclShow = () => (
  <Show component="div" actions={<AclActions />}>
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, lg: 4 }}>
        <SectionCard title="cloud.common.basic">
          <FieldGrid>
            <Item source="name"><TextField source="name" /></Item>
            <Item source="spec.enabled"><Enabled /></Item>
            <Item source="description"><TextField source="description" emptyText="yiyun.common.none" /></Item>
            <Item source="createdAt"><DateTimeField source="createdAt" /></Item>
          </FieldGrid>
          <Box sx={{ mt: 2 }}>
            <Item source="spec.subnetIds"><Subnets /></Item>
          </Box>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, lg: 8 }}>
        <AclRules />
      </Grid>
    </Grid>
  </Show>
);
