import { ArrayInput, NumberInput, PasswordInput, ReferenceArrayInput, ReferenceInput, SelectArrayInput, SelectInput, SimpleFormIterator, TextInput, required, useGetList } from 'react-admin';
import { FormGrid, FormHeading } from '../../components/Section';
import { useRegion } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

const F = 'resources.vms.fields.spec';

/** The flavor, image, network, login, disk and placement inputs of a VM or a launch template (under `spec.`). */
export const VmSpecInputs = ({ password = true, requireAll = true }: { password?: boolean; requireAll?: boolean }) => {
  const { data: region } = useRegion();
  const { data: own } = useGetList<CloudResource>('images', { pagination: { page: 1, perPage: 200 }, filter: { status: 'active' } });
  const req = requireAll ? [required()] : [];
  const images = [...(region?.images ?? []).map((i) => ({ id: i.id, name: `${i.name}（${i.osType}）` })), ...(own ?? []).map((i) => ({ id: i.id, name: `${i.name}（${i.spec.osType}，自有）` }))];
  return (
    <>
      <FormHeading title="resources.vms.sections.compute" />
      <FormGrid columns={3}>
        <SelectInput source="spec.flavor" label={`${F}.flavor`} validate={req} choices={(region?.flavors ?? []).map((f) => ({ id: f.name, name: `${f.name} · ${f.vcpus} vCPU / ${f.ramGb} GB` }))} />
        <SelectInput source="spec.imageId" label={`${F}.imageId`} validate={req} choices={images} />
        <SelectInput source="spec.az" label={`${F}.az`} choices={(region?.azs ?? []).map((id) => ({ id, name: id }))} />
        <ReferenceInput source="spec.serverGroupId" reference="server-groups">
          <SelectInput optionText="name" label={`${F}.serverGroupId`} />
        </ReferenceInput>
      </FormGrid>
      <FormHeading title="resources.vms.sections.network" />
      <FormGrid columns={2}>
        <ReferenceArrayInput source="spec.subnetIds" reference="subnets" perPage={200}>
          <SelectArrayInput optionText="name" label={`${F}.subnetIds`} validate={req} />
        </ReferenceArrayInput>
        <ReferenceArrayInput source="spec.securityGroupIds" reference="security-groups" perPage={200}>
          <SelectArrayInput optionText="name" label={`${F}.securityGroupIds`} />
        </ReferenceArrayInput>
      </FormGrid>
      <FormHeading title="resources.vms.sections.login" />
      <FormGrid columns={2}>
        <ReferenceInput source="spec.keypairId" reference="keypairs">
          <SelectInput optionText="name" label={`${F}.keypairId`} helperText="resources.vms.helpers.login" />
        </ReferenceInput>
        {password && <PasswordInput source="spec.password" label={`${F}.password`} autoComplete="new-password" />}
        <TextInput source="spec.userData" label={`${F}.userData`} multiline minRows={2} />
      </FormGrid>
      <FormHeading title="resources.vms.sections.storage" />
      <FormGrid columns={3}>
        <NumberInput source="spec.systemDiskGb" label={`${F}.systemDiskGb`} min={20} max={500} />
        <SelectInput source="spec.volumeType" label={`${F}.volumeType`} choices={(region?.volumeTypes ?? []).map((v) => ({ id: v.name, name: `${v.name}（${v.replicas} 副本，${v.encryption}）` }))} />
      </FormGrid>
      <ArrayInput source="spec.dataDisks" label={`${F}.dataDisks`}>
        <SimpleFormIterator inline disableReordering>
          <NumberInput source="sizeGb" label={`${F}.sizeGb`} min={10} max={32768} validate={required()} />
          <SelectInput source="volumeType" label={`${F}.volumeType`} validate={required()} choices={(region?.volumeTypes ?? []).map((v) => ({ id: v.name, name: v.name }))} />
        </SimpleFormIterator>
      </ArrayInput>
    </>
  );
};

export { cleanSpec } from '../../cloud/cloud-fns';
