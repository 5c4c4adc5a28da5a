import { Create, SelectInput, SimpleForm, TextInput, required } from 'react-admin';
import { DEFAULT_QUOTA, TENANT_KINDS, ZONES } from '../../api/types';
import { choicesOf } from '../../components/choices';
import { FormGrid, FormHeading } from '../../components/Section';
import { QuotaInputs, TenantDetailInputs, validateCode, validateName } from './TenantInputs';

/** A new tenant with its zone and starting quota (the township default, pre-filled). */
export const TenantCreate = () => (
  <Create redirect="show">
    <SimpleForm defaultValues={{ zone: 'liangcheng-dmz', quota: DEFAULT_QUOTA }} warnWhenUnsavedChanges>
      <FormHeading title="resources.tenants.sections.basic" />
      <FormGrid>
        <TextInput source="code" validate={validateCode} helperText="resources.tenants.helpers.code" />
        <TextInput source="name" validate={validateName} />
        <SelectInput source="kind" choices={choicesOf('tenants', 'kind', TENANT_KINDS)} validate={required()} />
        <SelectInput source="zone" choices={choicesOf('tenants', 'zone', ZONES)} validate={required()} />
      </FormGrid>
      <FormHeading title="resources.tenants.sections.contact" />
      <TenantDetailInputs />
      <FormHeading title="resources.tenants.sections.quota" />
      <QuotaInputs prefix="quota." />
    </SimpleForm>
  </Create>
);
