import { CreateButton, DataTable, FilterButton, List, SearchInput, SelectInput, TopToolbar, useTranslate } from 'react-admin';
import { TENANT_KINDS, TENANT_STATUSES, ZONES, type Tenant } from '../../api/types';
import { choicesOf } from '../../components/choices';
import { DateTimeField, StatusChip } from '../../components/fields';

export const TENANT_STATUS_TONES = { active: 'success', suspended: 'warning', archived: 'default' } as const;

const TenantFilters = () => {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('resources.tenants.filters.q')} />,
    <SelectInput key="kind" source="kind" label="resources.tenants.filters.kind" choices={choicesOf('tenants', 'kind', TENANT_KINDS)} />,
    <SelectInput key="status" source="status" label="resources.tenants.filters.status" choices={choicesOf('tenants', 'status', TENANT_STATUSES)} />,
    <SelectInput key="zone" source="zone" label="resources.tenants.filters.zone" choices={choicesOf('tenants', 'zone', ZONES)} />,
  ];
};

const ListActions = () => (
  <TopToolbar>
    <FilterButton />
    <CreateButton />
  </TopToolbar>
);

/** Tenants (the consortium's member institutions), searchable by code and name. */
export const TenantList = () => {
  const translate = useTranslate();
  return (
    <List filters={TenantFilters()} sort={{ field: 'code', order: 'ASC' }} actions={<ListActions />} perPage={25}>
      <DataTable<Tenant> rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="code" />
        <DataTable.Col source="name" />
        <DataTable.Col source="kind" disableSort render={(r) => translate(`resources.tenants.choices.kind.${r.kind}`)} />
        <DataTable.Col source="zone" disableSort render={(r) => translate(`resources.tenants.choices.zone.${r.zone}`)} />
        <DataTable.Col source="status" disableSort render={(r) => <StatusChip resource="tenants" group="status" value={r.status} tones={TENANT_STATUS_TONES} />} />
        <DataTable.Col source="contactName" disableSort />
        <DataTable.Col source="createdAt">
          <DateTimeField source="createdAt" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
};
