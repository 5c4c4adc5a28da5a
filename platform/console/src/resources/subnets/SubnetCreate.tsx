import { BooleanInput, Create, FormDataConsumer, NumberInput, ReferenceInput, SelectInput, SimpleForm, TextInput, required } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { FormGrid } from '../../components/Section';
import { parseList, useRegion } from '../../cloud/kit';

/** A subnet in a VPC: IPv4, IPv6 or dual stack, gateway, DHCP, DNS and lease. */
export const SubnetCreate = () => {
  const region = useRegion();
  return (
    <Create redirect="show" transform={({ dnsText, ...v }: Record<string, any>) => ({ ...v, dns: parseList(dnsText), ...(v.stack === 'ipv6' ? { cidr: undefined } : {}), ...(v.stack === 'ipv4' ? { cidr6: undefined } : {}) })}>
      <SimpleForm defaultValues={{ stack: 'ipv4', dhcp: true, leaseHours: 24, purpose: 'vm', cidr: '192.168.1.0/24' }}>
        <FormGrid>
          <ReferenceInput source="vpcId" reference="vpcs">
            <SelectInput label="resources.subnets.fields.parentId" optionText="name" validate={required()} />
          </ReferenceInput>
          <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
          <SelectInput source="stack" label="resources.subnets.fields.spec.stack" choices={choicesOf('subnets', 'stack', ['ipv4', 'ipv6', 'dual'])} validate={required()} />
          <SelectInput source="purpose" label="resources.subnets.fields.spec.purpose" choices={choicesOf('subnets', 'purpose', ['vm', 'bare-metal'])} />
          <FormDataConsumer>{({ formData }) => formData.stack !== 'ipv6' && <TextInput source="cidr" label="resources.subnets.fields.spec.cidr" validate={required()} />}</FormDataConsumer>
          <FormDataConsumer>{({ formData }) => formData.stack !== 'ipv4' && <TextInput source="cidr6" label="resources.subnets.fields.spec.cidr6" validate={required()} helperText="resources.subnets.helpers.cidr6" />}</FormDataConsumer>
          <TextInput source="gateway" label="resources.subnets.fields.spec.gateway" helperText="resources.subnets.helpers.gateway" />
          <SelectInput source="az" label="resources.subnets.fields.spec.az" choices={(region.data?.azs ?? []).map((id) => ({ id, name: id }))} />
          <BooleanInput source="dhcp" label="resources.subnets.fields.spec.dhcp" />
          <NumberInput source="leaseHours" label="resources.subnets.fields.spec.leaseHours" min={1} max={8760} />
          <TextInput source="dnsText" label="resources.subnets.fields.spec.dns" helperText="resources.subnets.helpers.dns" />
          <TextInput source="description" multiline />
        </FormGrid>
      </SimpleForm>
    </Create>
  );
};
