import { Grid } from '@mui/material';
import { Create, DataTable, DeleteButton, List, Show, SimpleForm, TextField, TextInput, TopToolbar, required } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField } from '../../components/fields';
import { FieldGrid, FormGrid, Item, SectionCard } from '../../components/Section';
import { CloudListActions, cloudFilters, RowActions, StatusField, listSx } from '../../cloud/kit';
import { RulesSection, type RuleField } from '../../cloud/RulesEditor';
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

const SG_RULE_FIELDS: RuleField[] = [
  { source: 'direction', type: 'select', choices: choicesOf('security-groups', 'direction', ['ingress', 'egress']), required: true },
  { source: 'ethertype', type: 'select', choices: [{ id: 'IPv4', name: 'IPv4' }, { id: 'IPv6', name: 'IPv6' }] },
  { source: 'protocol', type: 'select', choices: choicesOf('security-groups', 'protocol', ['tcp', 'udp', 'icmp', 'any']) },
  { source: 'remoteIpPrefix', type: 'text', helperText: 'resources.security-groups.helpers.remote' },
  { source: 'portMin', type: 'number', min: 1, max: 65535 },
  { source: 'portMax', type: 'number', min: 1, max: 65535 },
  { source: 'description', type: 'text' },
];

const num = (v: unknown) => (v === '' || v === null || v === undefined ? null : Number(v));

const SecurityGroupRules = () => (
  <RulesSection
    resource="security-groups"
    testId="sg-rules"
    fields={SG_RULE_FIELDS}
    columns={['direction', 'ethertype', 'protocol', 'portMin', 'portMax', 'remoteIpPrefix', 'description']}
    defaults={{ direction: 'ingress', ethertype: 'IPv4', protocol: 'tcp', portMin: null, portMax: null, remoteIpPrefix: '', description: '' }}
    toBody={(v) => ({ direction: v.direction, ethertype: v.ethertype, protocol: v.protocol, portMin: num(v.portMin), portMax: num(v.portMax), remoteIpPrefix: v.remoteIpPrefix || null, ...(v.description ? { description: v.description } : {}) })}
  />
);

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
        <SecurityGroupRules />
      </Grid>
    </Grid>
  </Show>
);
