import { ChipField, DataTable, List, SelectInput, TextInput, useTranslate } from 'react-admin';
import { DateTimeField } from '../../components/fields';

const filters = [
  <SelectInput key="status" source="status" label="resources.log-alerts.fields.status" choices={['new', 'acknowledged', 'closed'].map((id) => ({ id, name: `resources.log-alerts.status.${id}` }))} alwaysOn />,
  <SelectInput key="severity" source="severity" label="resources.log-alerts.fields.severity" choices={['informational', 'low', 'medium', 'high', 'critical'].map((id) => ({ id, name: `resources.log-alerts.severity.${id}` }))} alwaysOn />,
  <TextInput key="ruleId" source="ruleId" label="resources.log-alerts.fields.ruleId" />,
];

/** 告警列表 */
export const AlertList = () => {
  const t = useTranslate();
  return (
    <List filters={filters} perPage={25} exporter={false} sort={{ field: 'createdAt', order: 'DESC' }}>
      <DataTable rowClick="show" bulkActionButtons={false} data-testid="log-alerts-table">
        <DataTable.Col source="createdAt" disableSort><DateTimeField source="createdAt" /></DataTable.Col>
        <DataTable.Col source="severity" disableSort render={(r: { severity: string }) => t(`resources.log-alerts.severity.${r.severity}`)} />
        <DataTable.Col source="ruleTitle" disableSort />
        <DataTable.Col source="groupKey" disableSort render={(r: { groupKey: Record<string, string> }) => Object.entries(r.groupKey).map(([k, v]) => `${k}=${v}`).join(' ')} />
        <DataTable.Col source="eventCount" disableSort />
        <DataTable.Col source="status" disableSort><ChipField source="status" /></DataTable.Col>
      </DataTable>
    </List>
  );
};
