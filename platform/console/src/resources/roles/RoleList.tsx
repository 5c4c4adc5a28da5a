import { Alert, Stack } from '@mui/material';
import { BooleanField, DataTable, List, useTranslate } from 'react-admin';
import type { Role } from '../../api/types';
import { Mono, PermissionChip } from '../../components/fields';

const nowrap = () => ({ whiteSpace: 'nowrap' as const });

/** The platform's roles and what each may do; read-only (roles are data shipped with the server). */
export const RoleList = () => {
  const translate = useTranslate();
  return (
    <>
      <Alert severity="info" sx={{ mt: 2 }}>
        {translate('resources.roles.hint')}
      </Alert>
      <List pagination={false} perPage={100} actions={false} sort={{ field: 'id', order: 'ASC' }} disableSyncWithLocation>
        <DataTable<Role> bulkActionButtons={false} rowClick={false} sx={{ '& .MuiTableCell-head': { whiteSpace: 'nowrap' } }}>
          <DataTable.Col source="zh" disableSort cellSx={nowrap} />
          <DataTable.Col source="en" disableSort cellSx={nowrap} />
          <DataTable.Col source="id" disableSort cellSx={nowrap} render={(r) => <Mono>{r.id}</Mono>} />
          <DataTable.Col source="scope" disableSort cellSx={nowrap} render={(r) => translate(`resources.roles.choices.scope.${r.scope}`, { _: r.scope })} />
          <DataTable.Col source="mfaRequired" disableSort cellSx={nowrap}>
            <BooleanField source="mfaRequired" />
          </DataTable.Col>
          <DataTable.Col
            source="permissions"
            disableSort
            render={(r) => (
              <Stack direction="row" spacing={0.5} useFlexGap flexWrap="wrap">
                {(r as Role).permissions.map((p) => (
                  <PermissionChip key={p} permission={p} />
                ))}
              </Stack>
            )}
          />
        </DataTable>
      </List>
    </>
  );
};
