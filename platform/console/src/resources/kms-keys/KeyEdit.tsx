import { Edit, NumberInput, SimpleForm, TextInput, maxLength } from 'react-admin';
import { validateRotation } from './KeyCreate';

/** A key's description and automatic-rotation period (the only fields the API lets change). */
export const KeyEdit = () => (
  <Edit redirect="show" mutationMode="pessimistic">
    <SimpleForm>
      <TextInput source="alias" disabled />
      <NumberInput source="rotationDays" validate={validateRotation} helperText="resources.kms-keys.helpers.rotationDays" />
      <TextInput source="description" multiline fullWidth validate={maxLength(500)} />
    </SimpleForm>
  </Edit>
);
