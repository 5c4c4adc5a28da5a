import { Grid, Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { DataTable, Pagination, ReferenceManyField, Show, useRecordContext, useTranslate } from 'react-admin';
import { DateTimeField, DateTimeText, Mono } from '../../components/fields';
import { FieldGrid, Item, SectionCard } from '../../components/Section';
import type { KeyUsage, KmsKey } from '../crypto/types';
import { UsageOutcome } from '../kms-usage/UsageList';
import { KeyActions } from './KeyActions';
import { KeyStateChip } from './KeyFields';

const KeyDetails = () => {
  const r = useRecordContext<KmsKey>();
  const translate = useTranslate();
  if (!r) return null;
  return (
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, md: 6 }}>
        <SectionCard title="resources.kms-keys.sections.key" testId="key-details">
          <FieldGrid>
            <Item source="alias">
              <Mono>{r.alias}</Mono>
            </Item>
            <Item source="state">
              <span data-testid="key-state" data-state={r.state}>
                <KeyStateChip record={r} />
              </span>
            </Item>
            <Item source="algorithm">SM4 (128-bit)</Item>
            <Item source="origin">{translate(`resources.kms-keys.choices.origin.${r.origin}`)}</Item>
            <Item source="zone">{r.zone}</Item>
            <Item source="tenantId">{r.tenantId ? <Mono>{r.tenantId}</Mono> : translate('resources.kms-keys.system')}</Item>
            <Item source="id">
              <Mono>{r.id}</Mono>
            </Item>
            <Item source="description">{r.description ?? translate('yiyun.common.none')}</Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, md: 6 }}>
        <SectionCard title="resources.kms-keys.sections.lifecycle">
          <FieldGrid>
            <Item source="currentVersion">
              <span data-testid="key-version">{r.currentVersion}</span>
            </Item>
            <Item source="rotationDays">{r.rotationDays ?? translate('yiyun.common.none')}</Item>
            <Item source="nextRotationAt">
              <DateTimeField source="nextRotationAt" />
            </Item>
            <Item source="deletionAt">
              <DateTimeField source="deletionAt" />
            </Item>
            <Item source="createdBy">{r.createdBy}</Item>
            <Item source="createdAt">
              <DateTimeField source="createdAt" />
            </Item>
            <Item source="updatedAt">
              <DateTimeField source="updatedAt" />
            </Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, md: 5 }}>
        <SectionCard title="resources.kms-keys.sections.versions">
          <Table size="small" data-testid="key-versions">
            <TableHead>
              <TableRow>
                <TableCell>{translate('resources.kms-keys.fields.version')}</TableCell>
                <TableCell>{translate('resources.kms-keys.fields.origin')}</TableCell>
                <TableCell>{translate('resources.kms-keys.fields.createdAt')}</TableCell>
                <TableCell>{translate('resources.kms-keys.fields.destroyed')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {[...r.versions].sort((a, b) => b.version - a.version).map((v) => (
                <TableRow key={v.version} selected={v.version === r.currentVersion}>
                  <TableCell>v{v.version}</TableCell>
                  <TableCell>{translate(`resources.kms-keys.choices.origin.${v.origin}`)}</TableCell>
                  <TableCell>
                    <DateTimeText value={v.createdAt} />
                  </TableCell>
                  <TableCell>{translate(v.destroyed ? 'yiyun.common.yes' : 'yiyun.common.no')}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, md: 7 }}>
        <SectionCard title="resources.kms-keys.sections.usage">
          <ReferenceManyField reference="kms-usage" target="keyId" perPage={10} pagination={<Pagination rowsPerPageOptions={[10]} />}>
            <DataTable<KeyUsage> bulkActionButtons={false} resource="kms-usage">
              <DataTable.Col source="lastAt" disableSort>
                <DateTimeField source="lastAt" />
              </DataTable.Col>
              <DataTable.Col source="actorLogin" disableSort />
              <DataTable.Col source="operation" disableSort render={(u) => <Mono>{u.operation}</Mono>} />
              <DataTable.Col source="keyVersion" disableSort />
              <DataTable.Col source="uses" disableSort />
              <DataTable.Col source="outcome" disableSort render={(u) => <UsageOutcome value={u.outcome} />} />
            </DataTable>
          </ReferenceManyField>
        </SectionCard>
      </Grid>
    </Grid>
  );
};

/** One master key: its state, versions, recent use, and the lifecycle actions. */
export const KeyShow = () => (
  <Show actions={<KeyActions />} component="div">
    <KeyDetails />
  </Show>
);
