import { Edit, required, SelectInput, SimpleForm, TextInput } from 'react-admin';
import { ACCOUNT_STATUSES } from '../../api/types';
import { choicesOf } from '../../components/choices';
import { FormGrid, FormHeading } from '../../components/Section';
import { AccountDetailInputs } from './AccountInputs';

/** Name, contact, roles and status; the login id and tenant are fixed. */
export const AccountEdit = () => (
  <Edit mutationMode="pessimistic" redirect="show">
    <SimpleForm warnWhenUnsavedChanges>
      <FormHeading title="resources.accounts.sections.identity" />
      <FormGrid>
        <TextInput source="loginId" disabled />
        <SelectInput source="status" choices={choicesOf('accounts', 'status', ACCOUNT_STATUSES)} validate={required()} />
      </FormGrid>
      <AccountDetailInputs />
    </SimpleForm>
  </Edit>
);
