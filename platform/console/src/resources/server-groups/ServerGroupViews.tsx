import { Chip, Stack } from '@mui/material';
import { Link } from 'react-router-dom';
import { Create, DataTable, DeleteButton, List, SelectInput, SimpleForm, TextInput, required, useGetList, useRecordContext, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField } from '../../components/fields';
import { FormGrid, Item, SectionCard } from '../../components/Section';
import { CloudShow } from '../../cloud/CloudShow';
import { CloudListActions, cloudFilters, RowActions, listSx } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

const Policy = ({ value }: { value: string }) => <>{useTranslate()(`resources.server-groups.choices.policy.${value}`, { _: value })}</>;

export const ServerGroupList = () => (
  <List sx={listSx} filters={cloudFilters('server-groups')} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions />}>
    <DataTable<CloudResource> rowClick="show">
      <DataTable.Col source="name" />
      <DataTable.Col source="spec.policy" disableSort render={(r) => <Policy value={r.spec.policy} />} />
      <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
      <DataTable.Col label="cloud.common.actions" disableSort>
        <RowActions><DeleteButton mutationMode="pessimistic" /></RowActions>
      </DataTable.Col>
    </DataTable>
  </List>
);

/** Strong anti-affinity refuses a VM when no distinct host is left; soft prefers distinct hosts. */
export const ServerGroupCreate = () => (
  <Create redirect="list">
    <SimpleForm defaultValues={{ policy: 'anti-affinity' }}>
      <FormGrid>
        <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
        <SelectInput source="policy" label="resources.server-groups.fields.spec.policy" choices={choicesOf('server-groups', 'policy', ['anti-affinity', 'soft-anti-affinity'])} validate={required()} helperText="resources.server-groups.helpers.policy" />
      </FormGrid>
    </SimpleForm>
  </Create>
);

const Members = () => {
  const r = useRecordContext<CloudResource>();
  const { data } = useGetList<CloudResource>('vms', { pagination: { page: 1, perPage: 500 } });
  const members = (data ?? []).filter((v) => v.spec.serverGroupId === r?.id);
  return (
    <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap">
      {members.length === 0 ? '—' : members.map((v) => <Chip key={v.id} component={Link} to={`/vms/${v.id}/show`} clickable label={`${v.name} · ${v.spec.host ?? ''}`} />)}
    </Stack>
  );
};

const PolicyItem = () => {
  const r = useRecordContext<CloudResource>();
  return <Item source="spec.policy"><Policy value={r?.spec.policy ?? ''} /></Item>;
};

export const ServerGroupShow = () => (
  <CloudShow basic={<PolicyItem />} hideSpec={['policy']}>
    <SectionCard title="resources.server-groups.sections.members">
      <Members />
    </SectionCard>
  </CloudShow>
);
