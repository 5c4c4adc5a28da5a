import { DataTable, DeleteButton, List, ReferenceInput, SelectInput, useTranslate } from 'react-admin';
import { CloudListActions, cloudFilters, RefName, RowActions, SpecText, StatusField, listSx } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

const filters = cloudFilters('subnets', undefined, [
  <ReferenceInput key="parentId" source="parentId" reference="vpcs">
    <SelectInput label="resources.subnets.fields.parentId" optionText="name" />
  </ReferenceInput>,
]);

/** Subnets: name, VPC, CIDR, state, AZ, network ACL, route table; export. */
export const SubnetList = () => (
  <List sx={listSx} filters={filters} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions exportPath="subnets" />}>
    <DataTable<CloudResource> rowClick="show">
      <DataTable.Col source="name" />
      <DataTable.Col source="parentId" disableSort><RefName source="parentId" reference="vpcs" /></DataTable.Col>
      <DataTable.Col source="spec.cidr" disableSort><SpecText path="cidr" /></DataTable.Col>
      <DataTable.Col source="spec.cidr6" disableSort><SpecText path="cidr6" /></DataTable.Col>
      <DataTable.Col source="spec.stack" disableSort render={(r) => <SpecStack value={r.spec.stack} />} />
      <DataTable.Col source="status"><StatusField /></DataTable.Col>
      <DataTable.Col source="spec.az" disableSort><SpecText path="az" /></DataTable.Col>
      <DataTable.Col source="spec.aclId" disableSort><RefName source="spec.aclId" reference="acls" /></DataTable.Col>
      <DataTable.Col source="spec.routeTable" disableSort><SpecText path="routeTable" /></DataTable.Col>
      <DataTable.Col label="cloud.common.actions" disableSort>
        <RowActions><DeleteButton mutationMode="pessimistic" /></RowActions>
      </DataTable.Col>
    </DataTable>
  </List>
);

/** A subnet's stack (IPv4 / IPv6 / dual) in words. */
export const SpecStack = ({ value }: { value: string | undefined }) => {
  const translate = useTranslate();
  return <span>{value ? translate(`resources.subnets.choices.stack.${value}`, { _: value }) : ''}</span>;
};
