import { Box, Grid, Typography } from '@mui/material';
import { DataTable, EditButton, ReferenceManyField, Show, TextField, TopToolbar, useRecordContext, useTranslate } from 'react-admin';
import { QUOTA_KEYS, type Tenant } from '../../api/types';
import { DateTimeField, RolesField, StatusChip } from '../../components/fields';
import { FieldGrid, Item, SectionCard } from '../../components/Section';
import { usePerms } from '../../components/usePerms';
import { TENANT_STATUS_TONES } from './TenantList';
import { QuotaButton } from './QuotaButton';

const TenantShowActions = () => (
  <TopToolbar>
    <EditButton />
  </TopToolbar>
);

const QuotaGrid = () => {
  const tenant = useRecordContext<Tenant>();
  const translate = useTranslate();
  if (!tenant) return null;
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: { xs: 'repeat(2, 1fr)', sm: 'repeat(5, 1fr)' }, gap: 1.5 }} data-testid="tenant-quota">
      {QUOTA_KEYS.map((k) => (
        <Box key={k} sx={{ p: 1.25, borderRadius: 1, bgcolor: 'grey.50', border: '1px solid', borderColor: 'grey.200' }}>
          <Typography variant="caption" color="text.secondary" component="div">
            {translate(`resources.tenants.quota.${k}`)}
          </Typography>
          <Typography variant="h6" component="div">
            {tenant.quota[k].toLocaleString()}
          </Typography>
        </Box>
      ))}
    </Box>
  );
};

const TenantDetails = () => {
  const tenant = useRecordContext<Tenant>();
  const translate = useTranslate();
  const { can } = usePerms();
  if (!tenant) return null;
  return (
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, lg: 5 }}>
        <SectionCard title="resources.tenants.sections.basic" testId="tenant-basic">
          <FieldGrid>
            <Item source="code">
              <TextField source="code" />
            </Item>
            <Item source="name">
              <TextField source="name" />
            </Item>
            <Item source="kind">
              <span>{translate(`resources.tenants.choices.kind.${tenant.kind}`)}</span>
            </Item>
            <Item source="zone">
              <span>{translate(`resources.tenants.choices.zone.${tenant.zone}`)}</span>
            </Item>
            <Item source="status">
              <StatusChip resource="tenants" group="status" value={tenant.status} tones={TENANT_STATUS_TONES} />
            </Item>
            <Item source="createdAt">
              <DateTimeField source="createdAt" />
            </Item>
            <Item source="contactName">
              <TextField source="contactName" emptyText="yiyun.common.none" />
            </Item>
            <Item source="contactPhone">
              <TextField source="contactPhone" emptyText="yiyun.common.none" />
            </Item>
            <Box sx={{ gridColumn: '1 / -1' }}>
              <Item source="description">
                <TextField source="description" emptyText="yiyun.common.none" />
              </Item>
            </Box>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, lg: 7 }}>
        <SectionCard title="resources.tenants.sections.quota" action={<QuotaButton />}>
          <QuotaGrid />
        </SectionCard>
      </Grid>
      {can('accounts', 'list') && (
        <Grid size={12}>
          <SectionCard title="resources.tenants.sections.members">
            <ReferenceManyField reference="accounts" target="tenantId" perPage={50} sort={{ field: 'loginId', order: 'ASC' }}>
              <DataTable rowClick="show" bulkActionButtons={false} resource="accounts">
                <DataTable.Col source="loginId" />
                <DataTable.Col source="displayName" />
                <DataTable.Col source="roles" disableSort>
                  <RolesField />
                </DataTable.Col>
                <DataTable.Col source="lastLoginAt">
                  <DateTimeField source="lastLoginAt" empty="yiyun.common.never" />
                </DataTable.Col>
              </DataTable>
            </ReferenceManyField>
          </SectionCard>
        </Grid>
      )}
    </Grid>
  );
};

/** One tenant: its details, quota (with the editor for quota managers) and its accounts. */
export const TenantShow = () => (
  <Show actions={<TenantShowActions />} component="div">
    <TenantDetails />
  </Show>
);
