import { Alert } from '@mui/material';
import { DataTable, DateTimeInput, FilterButton, List, SelectInput, TextInput, TopToolbar, useResourceContext, useTranslate } from 'react-admin';
import { AUDIT_OUTCOMES, type AuditRecord } from '../../api/types';
import { choicesOf } from '../../components/choices';
import { DateTimeField, Mono } from '../../components/fields';
import { ActionText, OutcomeChip } from './AuditFields';
import { VerifyChainButton } from './VerifyChainButton';

const auditFilters = [
  <TextInput key="actor" source="actor" label="resources.audit.filters.actor" alwaysOn />,
  <TextInput key="action" source="action" label="resources.audit.filters.action" alwaysOn />,
  <SelectInput key="outcome" source="outcome" label="resources.audit.filters.outcome" choices={choicesOf('audit', 'outcome', AUDIT_OUTCOMES)} />,
  <TextInput key="targetType" source="targetType" label="resources.audit.filters.targetType" />,
  <TextInput key="targetId" source="targetId" label="resources.audit.filters.targetId" />,
  <DateTimeInput key="from" source="from" label="resources.audit.filters.from" />,
  <DateTimeInput key="to" source="to" label="resources.audit.filters.to" />,
];

const ListActions = () => (
  <TopToolbar>
    <FilterButton />
    <VerifyChainButton />
  </TopToolbar>
);

/** The audit trail, newest first (the API orders by sequence number); also the tenant's view of it (`tenant-audit`). */
export const AuditList = () => {
  const translate = useTranslate();
  const resource = useResourceContext() ?? 'audit';
  return (
    <>
      <Alert severity="info" sx={{ mt: 2 }}>
        {translate(`resources.${resource}.hint`)}
      </Alert>
      <List filters={auditFilters} actions={<ListActions />} sort={{ field: 'seq', order: 'DESC' }} perPage={25} exporter={false}>
        <DataTable<AuditRecord> rowClick="show" bulkActionButtons={false} data-testid="audit-table">
          <DataTable.Col source="seq" disableSort />
          <DataTable.Col source="occurredAt" disableSort>
            <DateTimeField source="occurredAt" />
          </DataTable.Col>
          <DataTable.Col source="actorLogin" disableSort />
          <DataTable.Col source="action" disableSort render={(r) => <ActionText action={r.action} />} />
          <DataTable.Col
            source="targetType"
            disableSort
            render={(r) => (
              <>
                {r.targetType}
                {r.targetId && (
                  <>
                    {' · '}
                    <Mono>{r.targetId.length > 13 ? `${r.targetId.slice(0, 8)}…` : r.targetId}</Mono>
                  </>
                )}
              </>
            )}
          />
          <DataTable.Col source="outcome" disableSort render={(r) => <OutcomeChip record={r as AuditRecord} />} />
          <DataTable.Col source="sourceIp" disableSort />
        </DataTable>
      </List>
    </>
  );
};
