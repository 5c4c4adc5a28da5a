import { Edit, SelectInput, SimpleForm, TextInput, required } from 'react-admin';
import { TENANT_STATUSES } from '../../api/types';
import { choicesOf } from '../../components/choices';
import { FormGrid, FormHeading } from '../../components/Section';
import { TenantDetailInputs, validateName } from './TenantInputs';

/** Name, status and contact; code, kind and zone are fixed at creation, the quota has its own editor. */
export const TenantEdit = () => (
  <Edit mutationMode="pessimistic" redirect="show">
    <SimpleForm warnWhenUnsavedChanges>
      <FormHeading title="resources.tenants.sections.basic" />
      <FormGrid>
        <TextInput source="code" disabled />
        <TextInput source="name" validate={validateName} />
        <SelectInput source="status" choices={choicesOf('tenants', 'status', TENANT_STATUSES)} validate={required()} />
      </FormGrid>
      <FormHeading title="resources.tenants.sections.contact" />
      <TenantDetailInputs />
    </SimpleForm>
  </Edit>
);
