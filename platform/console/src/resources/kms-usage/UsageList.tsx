import { Alert } from '@mui/material';
import { DataTable, List, TextInput, useTranslate } from 'react-admin';
import { DateTimeField, Mono, StatusChip } from '../../components/fields';
import type { KeyUsage } from '../crypto/types';

const OUTCOME_TONES = { success: 'success', denied: 'error', failure: 'warning' } as const;

export const UsageOutcome = ({ value }: { value: string }) => <StatusChip resource="kms-usage" group="outcome" value={value} tones={OUTCOME_TONES} />;

const filters = [<TextInput key="keyId" source="keyId" label="resources.kms-usage.filters.keyId" alwaysOn />];

/** Every use of a key (who, which key, which operation, with what result), newest first. */
export const UsageList = () => {
  const translate = useTranslate();
  return (
    <>
      <Alert severity="info" sx={{ mt: 2 }}>
        {translate('resources.kms-usage.hint')}
      </Alert>
      <List filters={filters} perPage={25} exporter={false} empty={false}>
        <DataTable<KeyUsage> bulkActionButtons={false} data-testid="usage-table">
          <DataTable.Col source="lastAt" disableSort>
            <DateTimeField source="lastAt" />
          </DataTable.Col>
          <DataTable.Col source="occurredAt" disableSort>
            <DateTimeField source="occurredAt" />
          </DataTable.Col>
          <DataTable.Col source="actorLogin" disableSort />
          <DataTable.Col source="operation" disableSort render={(u) => <Mono>{u.operation}</Mono>} />
          <DataTable.Col source="keyId" disableSort render={(u) => (u.keyId ? <Mono>{u.keyId.slice(0, 8)}…</Mono> : '—')} />
          <DataTable.Col source="keyVersion" disableSort />
          <DataTable.Col source="uses" disableSort />
          <DataTable.Col source="outcome" disableSort render={(u) => <UsageOutcome value={u.outcome} />} />
          <DataTable.Col source="reason" disableSort />
        </DataTable>
      </List>
    </>
  );
};
