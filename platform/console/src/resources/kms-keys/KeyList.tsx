import { Alert } from '@mui/material';
import { CreateButton, DataTable, FilterButton, List, SearchInput, SelectInput, TopToolbar, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField, Mono } from '../../components/fields';
import { usePerms } from '../../components/usePerms';
import { KEY_STATES, type KmsKey } from '../crypto/types';
import { KeyStateChip } from './KeyFields';

const KeyFilters = () => {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('resources.kms-keys.filters.q')} />,
    <SelectInput key="state" source="state" label="resources.kms-keys.filters.state" choices={choicesOf('kms-keys', 'state', KEY_STATES)} alwaysOn />,
  ];
};

const ListActions = () => {
  const { can } = usePerms();
  return (
    <TopToolbar>
      <FilterButton />
      {can('kms-keys', 'create') && <CreateButton data-testid="key-create" />}
    </TopToolbar>
  );
};

/** The KMS's SM4 master keys (a tenant sees its own). */
export const KeyList = () => {
  const translate = useTranslate();
  return (
    <>
      <Alert severity="info" sx={{ mt: 2 }}>
        {translate('resources.kms-keys.hint')}
      </Alert>
      <List filters={KeyFilters()} actions={<ListActions />} perPage={25} exporter={false} empty={false}>
        <DataTable<KmsKey> rowClick="show" bulkActionButtons={false} data-testid="key-table">
          <DataTable.Col source="alias" disableSort render={(r) => <Mono>{r.alias}</Mono>} />
          <DataTable.Col source="state" disableSort render={(r) => <KeyStateChip record={r as KmsKey} />} />
          <DataTable.Col source="algorithm" disableSort />
          <DataTable.Col source="origin" disableSort render={(r) => translate(`resources.kms-keys.choices.origin.${r.origin}`)} />
          <DataTable.Col source="currentVersion" disableSort />
          <DataTable.Col source="rotationDays" disableSort render={(r) => r.rotationDays ?? translate('yiyun.common.none')} />
          <DataTable.Col source="tenantId" disableSort render={(r) => (r.tenantId ? <Mono>{r.tenantId.slice(0, 8)}…</Mono> : translate('resources.kms-keys.system'))} />
          <DataTable.Col source="createdAt" disableSort>
            <DateTimeField source="createdAt" />
          </DataTable.Col>
        </DataTable>
      </List>
    </>
  );
};
