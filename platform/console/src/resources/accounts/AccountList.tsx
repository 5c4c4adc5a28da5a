import LockIcon from '@mui/icons-material/Lock';
import { Tooltip } from '@mui/material';
import { BooleanField, CreateButton, DataTable, FilterButton, List, ReferenceField, SearchInput, SelectInput, TextField, TopToolbar, useTranslate } from 'react-admin';
import { ACCOUNT_STATUSES, ROLE_IDS, type Account } from '../../api/types';
import { choicesOf, roleChoices } from '../../components/choices';
import { DateTimeField, RolesField, StatusChip } from '../../components/fields';

export const ACCOUNT_STATUS_TONES = { active: 'success', disabled: 'default' } as const;

const AccountFilters = () => {
  const translate = useTranslate();
  return [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate('resources.accounts.filters.q')} />,
    <SelectInput key="role" source="role" label="resources.accounts.filters.role" choices={roleChoices(ROLE_IDS)} />,
    <SelectInput key="status" source="status" label="resources.accounts.filters.status" choices={choicesOf('accounts', 'status', ACCOUNT_STATUSES)} />,
  ];
};

const ListActions = () => (
  <TopToolbar>
    <FilterButton />
    <CreateButton />
  </TopToolbar>
);

/** Accounts (a tenant administrator sees its own tenant's). */
export const AccountList = () => {
  const translate = useTranslate();
  return (
    <List filters={AccountFilters()} sort={{ field: 'loginId', order: 'ASC' }} actions={<ListActions />} perPage={25}>
      <DataTable<Account> rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="loginId" />
        <DataTable.Col source="displayName" />
        <DataTable.Col source="roles" disableSort>
          <RolesField />
        </DataTable.Col>
        <DataTable.Col source="tenantId" disableSort>
          <ReferenceField source="tenantId" reference="tenants" link="show" emptyText={translate('yiyun.common.platform')}>
            <TextField source="name" />
          </ReferenceField>
        </DataTable.Col>
        <DataTable.Col
          source="status"
          disableSort
          render={(r) => (
            <>
              <StatusChip resource="accounts" group="status" value={r.status} tones={ACCOUNT_STATUS_TONES} />
              {r.locked && (
                <Tooltip title={translate('resources.accounts.fields.locked')}>
                  <LockIcon color="error" fontSize="small" sx={{ ml: 0.5, verticalAlign: 'middle' }} />
                </Tooltip>
              )}
            </>
          )}
        />
        <DataTable.Col source="mfaEnrolled" disableSort>
          <BooleanField source="mfaEnrolled" />
        </DataTable.Col>
        <DataTable.Col source="lastLoginAt">
          <DateTimeField source="lastLoginAt" empty="yiyun.common.never" />
        </DataTable.Col>
      </DataTable>
    </List>
  );
};
