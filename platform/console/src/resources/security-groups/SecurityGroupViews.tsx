import { Grid } from '@mui/material';
import { Create, DataTable, DeleteButton, List, NumberInput, SelectInput, Show, SimpleForm, TextField, TextInput, TopToolbar, required, useRecordContext } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField } from '../../components/fields';
import { FieldGrid, FormGrid, Item, SectionCard } from '../../components/Section';
import { CloudListActions, cloudFilters, RowActions, StatusField, listSx } from '../../cloud/kit';
import { RulesEditor } from '../../cloud/RulesEditor';
import type { CloudResource } from '../../cloud/types';

export const SecurityGroupList = () => (
  <List sx={listSx} filters={cloudFilters('security-groups')} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions />}>
    <DataTable<CloudResource> rowClick="show">
      <DataTable.Col source="name" />
      <DataTable.Col source="description" disableSort />
      <DataTable.Col source="status"><StatusField /></DataTable.Col>
      <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
      <DataTable.Col label="cloud.common.actions" disableSort>
        <RowActions><DeleteButton mutationMode="pessimistic" /></RowActions>
      </DataTable.Col>
    </DataTable>
  </List>
);

/** A security group starts with no rules: everything is denied until a rule allows it. */
export const SecurityGroupCreate = () => (
  <Create redirect="show">
    <SimpleForm>
      <FormGrid>
        <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
        <TextInput source="description" />
      </FormGrid>
    </SimpleForm>
  </Create>
);

const RuleInputs = () => (
  <FormGrid>
    <SelectInput source="direction" label="resources.security-groups.rule_fields.direction" choices={choicesOf('security-groups', 'direction', ['ingress', 'egress'])} validate={required()} />
    <SelectInput source="ethertype" label="resources.security-groups.rule_fields.ethertype" choices={[{ id: 'IPv4', name: 'IPv4' }, { id: 'IPv6', name: 'IPv6' }]} />
    <SelectInput source="protocol" label="resources.security-groups.rule_fields.protocol" choices={choicesOf('security-groups', 'protocol', ['tcp', 'udp', 'icmp', 'any'])} />
    <TextInput source="remoteIpPrefix" label="resources.security-groups.rule_fields.remoteIpPrefix" helperText="resources.security-groups.helpers.remote" />
    <NumberInput source="portMin" label="resources.security-groups.rule_fields.portMin" min={1} max={65535} />
    <NumberInput source="portMax" label="resources.security-groups.rule_fields.portMax" min={1} max={65535} />
    <TextInput source="description" label="resources.security-groups.rule_fields.description" />
  </FormGrid>
);

const num = (v: unknown) => (v === '' || v === null || v === undefined ? null : Number(v));

const Rules = () => {
  const r = useRecordContext<CloudResource>();
  if (!r) return null;
  return (
    <RulesEditor
      resource="security-groups"
      id={r.id}
      columns={['direction', 'ethertype', 'protocol', 'portMin', 'portMax', 'remoteIpPrefix', 'description']}
      inputs={<RuleInputs />}
      defaults={{ direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portMin: null, portMax: null, remoteIpPrefix: '', description: '' }}
      toBody={(v) => ({ direction: v.direction, ethertype: v.ethertype, protocol: v.protocol, portMin: num(v.portMin), portMax: num(v.portMax), remoteIpPrefix: v.remoteIpPrefix || null, ...(v.description ? { description: v.description } : {}) })}
    />
  );
};

export const SecurityGroupShow = () => (
  <Show component="div" actions={<TopToolbar><DeleteButton mutationMode="pessimistic" /></TopToolbar>}>
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, lg: 4 }}>
        <SectionCard title="cloud.common.basic">
          <FieldGrid>
            <Item source="name"><TextField source="name" /></Item>
            <Item source="status"><StatusField /></Item>
            <Item source="description"><TextField source="description" emptyText="yiyun.common.none" /></Item>
            <Item source="createdAt"><DateTimeField source="createdAt" /></Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, lg: 8 }}>
        <SectionCard title="resources.security-groups.sections.rules" testId="sg-rules">
          <Rules />
        </SectionCard>
      </Grid>
    </Grid>
  </Show>
);
