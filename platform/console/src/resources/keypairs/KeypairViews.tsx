import { Create, DataTable, DeleteButton, List, SimpleForm, TextInput, required } from 'react-admin';
import { DateTimeField } from '../../components/fields';
import { CloudShow } from '../../cloud/CloudShow';
import { CloudListActions, cloudFilters, RowActions, SpecText, listSx } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

export const KeypairList = () => (
  <List sx={listSx} filters={cloudFilters('keypairs')} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions />}>
    <DataTable<CloudResource> rowClick="show">
      <DataTable.Col source="name" />
      <DataTable.Col source="spec.fingerprint" disableSort><SpecText path="fingerprint" /></DataTable.Col>
      <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
      <DataTable.Col label="cloud.common.actions" disableSort>
        <RowActions><DeleteButton mutationMode="pessimistic" /></RowActions>
      </DataTable.Col>
    </DataTable>
  </List>
);

/** A key pair is imported as its OpenSSH public key; the private key never reaches the platform. */
export const KeypairCreate = () => (
  <Create redirect="list">
    <SimpleForm>
      <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
      <TextInput source="publicKey" label="resources.keypairs.fields.spec.publicKey" validate={required()} multiline minRows={3} fullWidth helperText="resources.keypairs.helpers.publicKey" />
    </SimpleForm>
  </Create>
);

export const KeypairShow = () => <CloudShow />;
