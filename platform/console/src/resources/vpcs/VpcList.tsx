import { DataTable, List } from 'react-admin';
import { DateTimeField } from '../../components/fields';
import { CloudListActions, cloudFilters, SpecText, StatusField, TagsField, listSx } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

/** VPCs: search by name or tag, export (CSV/XLSX/JSON). */
export const VpcList = () => (
  <List sx={listSx} filters={cloudFilters('vpcs')} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions exportPath="vpcs" />}>
    <DataTable<CloudResource> rowClick="show">
      <DataTable.Col source="name" />
      <DataTable.Col source="spec.cidr" disableSort>
        <SpecText path="cidr" />
      </DataTable.Col>
      <DataTable.Col source="spec.region" disableSort>
        <SpecText path="region" />
      </DataTable.Col>
      <DataTable.Col source="status">
        <StatusField />
      </DataTable.Col>
      <DataTable.Col source="tags" disableSort>
        <TagsField />
      </DataTable.Col>
      <DataTable.Col source="createdAt">
        <DateTimeField source="createdAt" />
      </DataTable.Col>
    </DataTable>
  </List>
);
