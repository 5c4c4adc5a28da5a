import LinkIcon from '@mui/icons-material/Link';
import LinkOffIcon from '@mui/icons-material/LinkOff';
import { BulkDeleteButton, Create, DataTable, DeleteButton, List, ReferenceArrayInput, ReferenceInput, SelectArrayInput, SelectInput, SimpleForm, TextInput, required, useRecordContext } from 'react-admin';
import { DateTimeField } from '../../components/fields';
import { FormGrid, Item } from '../../components/Section';
import { CloudShow } from '../../cloud/CloudShow';
import { DialogButton } from '../../cloud/dialogs';
import { BulkRunButton, CloudListActions, cloudFilters, RefName, RowActions, RunButton, SpecText, StatusField, useCloud, listSx } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

/** Bind a free NIC to a VM, or unbind it. */
const NicBind = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  if (!r) return null;
  return r.spec.vmId ? (
    <RunButton label="resources.nics.actions.unbind" icon={<LinkOffIcon />} run={() => dp.cloudPost('nics/unbind', { ids: [r.id] })} disabled={!!r.spec.primary} />
  ) : (
    <DialogButton label="resources.nics.actions.bind" icon={<LinkIcon />} record={{ vmId: '' }} submit={(v) => dp.cloudPost(`nics/${r.id}/bind`, { vmId: v.vmId })} testId="nic-bind">
      <ReferenceInput source="vmId" reference="vms">
        <SelectInput optionText="name" label="resources.nics.fields.spec.vmId" validate={required()} fullWidth />
      </ReferenceInput>
    </DialogButton>
  );
};

const BulkUnbind = () => {
  const dp = useCloud();
  // One call for the whole selection: POST /nics/unbind takes up to 100 ids and is all or nothing.
  return <BulkRunButton label="resources.nics.actions.batch_unbind" icon={<LinkOffIcon />} confirm runAll={(ids) => dp.cloudPost('nics/unbind', { ids })} testId="nic-batch-unbind" />;
};

export const NicList = () => (
  <List sx={listSx} filters={cloudFilters('nics', ['available', 'in-use'])} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions />}>
    <DataTable<CloudResource> rowClick="show" bulkActionButtons={<><BulkUnbind /><BulkDeleteButton mutationMode="pessimistic" /></>}>
      <DataTable.Col source="name" />
      <DataTable.Col source="parentId" disableSort><RefName source="parentId" reference="subnets" /></DataTable.Col>
      <DataTable.Col source="spec.ip" disableSort><SpecText path="ip" /></DataTable.Col>
      <DataTable.Col source="spec.vmId" disableSort><RefName source="spec.vmId" reference="vms" /></DataTable.Col>
      <DataTable.Col source="spec.primary" disableSort><SpecText path="primary" /></DataTable.Col>
      <DataTable.Col source="status"><StatusField /></DataTable.Col>
      <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
      <DataTable.Col label="cloud.common.actions" disableSort>
        <RowActions><NicBind /><DeleteButton mutationMode="pessimistic" /></RowActions>
      </DataTable.Col>
    </DataTable>
  </List>
);

export const NicCreate = () => (
  <Create redirect="list">
    <SimpleForm>
      <FormGrid>
        <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
        <ReferenceInput source="subnetId" reference="subnets">
          <SelectInput optionText="name" label="resources.nics.fields.parentId" validate={required()} />
        </ReferenceInput>
        <TextInput source="ip" label="resources.nics.fields.spec.ip" helperText="resources.havips.helpers.ip" />
        <ReferenceArrayInput source="securityGroupIds" reference="security-groups">
          <SelectArrayInput optionText="name" label="resources.nics.fields.spec.securityGroupIds" />
        </ReferenceArrayInput>
        <TextInput source="description" />
      </FormGrid>
    </SimpleForm>
  </Create>
);

export const NicShow = () => <CloudShow actions={<NicBind />} basic={<><Item source="parentId"><RefName source="parentId" reference="subnets" /></Item><Item source="spec.vmId"><RefName source="spec.vmId" reference="vms" /></Item></>} />;
