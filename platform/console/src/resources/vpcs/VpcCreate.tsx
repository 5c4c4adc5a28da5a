import { Create, SimpleForm, TextInput, required } from 'react-admin';
import { parseTags } from '../../cloud/kit';
import { FormGrid } from '../../components/Section';

export const validateName = [required()];

/** A VPC: name, CIDR (inside the zone's address space), tags. Subnets are added on its page. */
export const VpcCreate = () => (
  <Create redirect="show" transform={({ tagsText, ...v }: Record<string, any>) => ({ ...v, tags: parseTags(tagsText) })}>
    <SimpleForm defaultValues={{ cidr: '192.168.0.0/16' }}>
      <FormGrid>
        <TextInput source="name" validate={validateName} helperText="cloud.common.name_help" />
        <TextInput source="cidr" label="resources.vpcs.fields.spec.cidr" validate={required()} helperText="resources.vpcs.helpers.cidr" />
        <TextInput source="tagsText" label="cloud.common.tags" helperText="cloud.common.tags_help" />
        <TextInput source="description" multiline />
      </FormGrid>
    </SimpleForm>
  </Create>
);
