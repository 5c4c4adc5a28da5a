import { email, maxLength, regex, required, SelectArrayInput, TextInput } from 'react-admin';
import { ROLE_IDS } from '../../api/types';
import { roleChoices } from '../../components/choices';
import { FormGrid } from '../../components/Section';

export const validatePhone = regex(/^\+?\d{6,15}$/, 'ra.validation.regex');
const validateRoles = [required(), (v: string[] | undefined) => (v && v.length > 3 ? 'resources.accounts.helpers.roles' : undefined)];

/** Name, contact and roles (from `roles`, all by default): shared by create and edit. */
export const AccountDetailInputs = ({ roles = ROLE_IDS }: { roles?: readonly string[] }) => (
  <FormGrid>
    <TextInput source="displayName" validate={[required(), maxLength(100)]} />
    <SelectArrayInput source="roles" choices={roleChoices(roles)} validate={validateRoles} helperText="resources.accounts.helpers.roles" />
    <TextInput source="email" type="email" validate={[email(), maxLength(254)]} />
    <TextInput source="phone" validate={validatePhone} />
  </FormGrid>
);
