import DownloadIcon from '@mui/icons-material/Download';
import LinkIcon from '@mui/icons-material/Link';
import LinkOffIcon from '@mui/icons-material/LinkOff';
import PowerSettingsNewIcon from '@mui/icons-material/PowerSettingsNew';
import UploadIcon from '@mui/icons-material/Upload';
import { Box, Button, Chip, Grid, Stack } from '@mui/material';
import { Link } from 'react-router-dom';
import { BooleanInput, Create, DataTable, DeleteButton, List, NumberInput, ReferenceArrayInput, SelectArrayInput, SelectInput, Show, SimpleForm, TextField, TextInput, TopToolbar, required, useGetMany, useRecordContext, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField } from '../../components/fields';
import { FieldGrid, FormGrid, Item, SectionCard } from '../../components/Section';
import { DialogButton } from '../../cloud/dialogs';
import { CloudListActions, cloudFilters, RowActions, RunButton, StatusText, useCloud, listSx } from '../../cloud/kit';
import { RulesEditor } from '../../cloud/RulesEditor';
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

const R = 'resources.acls.rule_fields';
const RuleInputs = () => (
  <FormGrid>
    <SelectInput source="direction" label={`${R}.direction`} choices={choicesOf('acls', 'direction', ['ingress', 'egress'])} validate={required()} />
    <NumberInput source="priority" label={`${R}.priority`} min={1} max={32766} validate={required()} />
    <SelectInput source="action" label={`${R}.action`} choices={choicesOf('acls', 'action', ['allow', 'deny'])} validate={required()} />
    <SelectInput source="protocol" label={`${R}.protocol`} choices={choicesOf('acls', 'protocol', ['tcp', 'udp', 'icmp', 'any'])} />
    <TextInput source="source" label={`${R}.source`} />
    <TextInput source="destination" label={`${R}.destination`} />
    <TextInput source="destinationPort" label={`${R}.destinationPort`} helperText="resources.acls.helpers.port" />
    <TextInput source="description" label={`${R}.description`} />
  </FormGrid>
);

const Rules = () => {
  const r = useRecordContext<CloudResource>();
  if (!r) return null;
  return (
    <RulesEditor
      resource="acls"
      id={r.id}
      columns={['direction', 'priority', 'action', 'protocol', 'source', 'destination', 'destinationPort', 'description']}
      inputs={<RuleInputs />}
      defaults={{ direction: 'ingress', priority: 100, action: 'allow', protocol: 'any', source: '0.0.0.0/0', destination: '0.0.0.0/0', destinationPort: '', description: '' }}
      toBody={(v) => ({ direction: v.direction, priority: Number(v.priority), action: v.action, protocol: v.protocol, source: v.source || '0.0.0.0/0', destination: v.destination || '0.0.0.0/0', destinationPort: v.destinationPort ?? '', ...(v.description ? { description: v.description } : {}) })}
    />
  );
};

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
        <SectionCard title="resources.acls.sections.rules" testId="acl-rules">
          <Rules />
        </SectionCard>
      </Grid>
    </Grid>
  </Show>
);
