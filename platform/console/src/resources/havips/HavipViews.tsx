import LinkIcon from '@mui/icons-material/Link';
import LinkOffIcon from '@mui/icons-material/LinkOff';
import { Chip, Stack } from '@mui/material';
import { Link } from 'react-router-dom';
import { BooleanInput, Create, DataTable, List, ReferenceArrayInput, ReferenceInput, SelectArrayInput, SelectInput, SimpleForm, TextInput, required, useGetMany, useRecordContext } from 'react-admin';
import { DateTimeField } from '../../components/fields';
import { FormGrid, Item, SectionCard } from '../../components/Section';
import { CloudShow } from '../../cloud/CloudShow';
import { DialogButton } from '../../cloud/dialogs';
import { CloudListActions, cloudFilters, RefName, SpecText, StatusField, useCloud, listSx } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

export const HavipList = () => (
  <List sx={listSx} filters={cloudFilters('havips')} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions />}>
    <DataTable<CloudResource> rowClick="show">
      <DataTable.Col source="name" />
      <DataTable.Col source="parentId" disableSort><RefName source="parentId" reference="subnets" /></DataTable.Col>
      <DataTable.Col source="spec.az" disableSort><SpecText path="az" /></DataTable.Col>
      <DataTable.Col source="spec.ip" disableSort><SpecText path="ip" /></DataTable.Col>
      <DataTable.Col source="spec.publicIp" disableSort><SpecText path="publicIp" /></DataTable.Col>
      <DataTable.Col source="spec.vmIds" disableSort render={(r) => (r.spec.vmIds ?? []).length} />
      <DataTable.Col source="status"><StatusField /></DataTable.Col>
      <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
    </DataTable>
  </List>
);

/** A HaVIP: name, description, subnet and (optionally) a fixed address in it. */
export const HavipCreate = () => (
  <Create redirect="show">
    <SimpleForm>
      <FormGrid>
        <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
        <ReferenceInput source="subnetId" reference="subnets">
          <SelectInput optionText="name" label="resources.havips.fields.parentId" validate={required()} />
        </ReferenceInput>
        <TextInput source="ip" label="resources.havips.fields.spec.ip" helperText="resources.havips.helpers.ip" />
        <TextInput source="description" />
      </FormGrid>
    </SimpleForm>
  </Create>
);

const BoundVms = () => {
  const r = useRecordContext<CloudResource>();
  const ids: string[] = r?.spec.vmIds ?? [];
  const { data } = useGetMany<CloudResource>('vms', { ids }, { enabled: ids.length > 0 });
  return (
    <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap" data-testid="havip-vms">
      {ids.length === 0 ? '—' : (data ?? []).map((v) => <Chip key={v.id} component={Link} to={`/vms/${v.id}/show`} clickable label={v.name} />)}
    </Stack>
  );
};

const HavipActions = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  const vmIds: string[] = r?.spec.vmIds ?? [];
  const { data: bound } = useGetMany<CloudResource>('vms', { ids: vmIds }, { enabled: vmIds.length > 0 });
  if (!r) return null;
  return (
    <>
      <DialogButton label="resources.havips.actions.bind" icon={<LinkIcon />} record={{ vmIds: [] as string[], eipId: '' }} submit={(v) => dp.cloudPost(`havips/${r.id}/bind`, { vmIds: v.vmIds ?? [], ...(v.eipId ? { eipId: v.eipId } : {}) })} testId="havip-bind">
        <ReferenceArrayInput source="vmIds" reference="vms" perPage={200}>
          <SelectArrayInput optionText="name" label="resources.havips.fields.spec.vmIds" fullWidth />
        </ReferenceArrayInput>
        {!r.spec.eipId && (
          <ReferenceInput source="eipId" reference="eips" filter={{ status: 'available' }}>
            <SelectInput optionText="name" label="resources.havips.fields.spec.eipId" fullWidth />
          </ReferenceInput>
        )}
      </DialogButton>
      <DialogButton label="resources.havips.actions.unbind" icon={<LinkOffIcon />} record={{ vmIds: [] as string[], eip: false }} submit={(v) => dp.cloudPost(`havips/${r.id}/unbind`, { vmIds: v.vmIds ?? [], eip: !!v.eip })} disabled={!vmIds.length && !r.spec.eipId} testId="havip-unbind">
        <SelectArrayInput source="vmIds" label="resources.havips.fields.spec.vmIds" choices={(bound ?? []).map((v) => ({ id: v.id, name: v.name }))} fullWidth />
        {r.spec.eipId && <BooleanInput source="eip" label="resources.havips.fields.unbind_eip" />}
      </DialogButton>
    </>
  );
};

export const HavipShow = () => (
  <CloudShow actions={<HavipActions />} basic={<><Item source="parentId"><RefName source="parentId" reference="subnets" /></Item><Item source="spec.ip"><SpecText path="ip" /></Item><Item source="spec.publicIp"><SpecText path="publicIp" /></Item></>} hideSpec={['vmIds', 'subnetId', 'eipId']}>
    <SectionCard title="resources.havips.sections.vms">
      <BoundVms />
    </SectionCard>
  </CloudShow>
);
