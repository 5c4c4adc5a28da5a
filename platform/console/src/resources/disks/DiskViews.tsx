import DeleteIcon from '@mui/icons-material/Delete';
import { Grid } from '@mui/material';
import type { ReactNode } from 'react';
import { Create, DataTable, List, Show, ListContextProvider, NumberInput, ReferenceInput, ReferenceManyField, SelectInput, SimpleForm, TextField, TextInput, TopToolbar, required, useGetList, useList, useRecordContext } from 'react-admin';
import { DateTimeField } from '../../components/fields';
import { FieldGrid, FormGrid, Item, SectionCard } from '../../components/Section';
import { TagsButton } from '../../cloud/dialogs';
import { BulkRunButton, CloudListActions, cloudFilters, parseTags, RefName, RowActions, SpecText, StatusField, TagsField, useCloud, useRegion, listSx } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';
import { BackupRowActions } from '../backups/BackupViews';
import { SnapshotRowActions } from '../snapshots/SnapshotViews';
import { AttachButton, DiskShowActions, RecycleButton } from './DiskActions';

const BulkRecycle = () => {
  const dp = useCloud();
  return <BulkRunButton label="resources.disks.actions.recycle" icon={<DeleteIcon />} color="error" confirm run={(id) => dp.cloudDelete(`disks/${id}`)} testId="disks-bulk-delete" />;
};

/** Disks: search by name, tag or state; export CSV/XLSX; deleting moves them to the recycle bin. */
export const DiskList = () => (
  <List sx={listSx} filters={cloudFilters('disks', ['available', 'in-use'])} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions exportPath="disks" />}>
    <DataTable<CloudResource> rowClick="show" bulkActionButtons={<BulkRecycle />}>
      <DataTable.Col source="name" />
      <DataTable.Col source="sizeGb" />
      <DataTable.Col source="spec.volumeType" disableSort><SpecText path="volumeType" /></DataTable.Col>
      <DataTable.Col source="spec.bootable" disableSort><SpecText path="bootable" /></DataTable.Col>
      <DataTable.Col source="status"><StatusField /></DataTable.Col>
      <DataTable.Col source="spec.vmId" disableSort><RefName source="spec.vmId" reference="vms" /></DataTable.Col>
      <DataTable.Col source="tags" disableSort><TagsField /></DataTable.Col>
      <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
      <DataTable.Col label="cloud.common.actions" disableSort>
        <RowActions><AttachButton /><RecycleButton /></RowActions>
      </DataTable.Col>
    </DataTable>
  </List>
);

/** An empty disk, or one from a snapshot or a backup (given by `?source=`). */
export const DiskCreate = () => {
  const { data: region } = useRegion();
  return (
    <Create redirect="show" transform={({ tagsText, ...v }: Record<string, any>) => ({ ...v, sizeGb: Number(v.sizeGb), tags: parseTags(tagsText) })}>
      <SimpleForm defaultValues={{ sizeGb: 100, volumeType: 'ssd-sm4' }}>
        <FormGrid columns={3}>
          <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
          <NumberInput source="sizeGb" label="resources.disks.fields.sizeGb" min={10} max={32768} validate={required()} />
          <SelectInput source="volumeType" label="resources.disks.fields.spec.volumeType" choices={(region?.volumeTypes ?? []).map((v) => ({ id: v.name, name: `${v.name}（${v.replicas} 副本，${v.encryption}）` }))} />
          <ReferenceInput source="snapshotId" reference="snapshots">
            <SelectInput optionText="name" label="resources.disks.fields.spec.fromSnapshot" />
          </ReferenceInput>
          <ReferenceInput source="backupId" reference="backups">
            <SelectInput optionText="name" label="resources.disks.fields.spec.fromBackup" />
          </ReferenceInput>
          <TextInput source="tagsText" label="cloud.common.tags" helperText="cloud.common.tags_help" />
        </FormGrid>
        <TextInput source="description" fullWidth />
      </SimpleForm>
    </Create>
  );
};

const DiskBackups = () => {
  const r = useRecordContext<CloudResource>();
  const { data } = useGetList<CloudResource>('backups', { pagination: { page: 1, perPage: 500 } });
  const list = useList({ data: (data ?? []).filter((b) => b.spec.sourceId === r?.id) });
  return (
    <ListContextProvider value={list}>
      <DataTable resource="backups" rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="name" />
        <DataTable.Col source="spec.mode" disableSort><SpecText path="mode" /></DataTable.Col>
        <DataTable.Col source="sizeGb" />
        <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
        <DataTable.Col label="cloud.common.actions" disableSort><RowActions><BackupRowActions /></RowActions></DataTable.Col>
      </DataTable>
    </ListContextProvider>
  );
};

const ShowFrame = ({ children }: { children: ReactNode }) => (
  <Show component="div" actions={<TopToolbar><DiskShowActions /><TagsButton path="disks" /><RecycleButton back /></TopToolbar>}>
    {children}
  </Show>
);

export const DiskShow = () => (
  <ShowFrame>
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, lg: 6 }}>
        <SectionCard title="cloud.common.basic" testId="disk-basic">
          <FieldGrid>
            <Item source="name"><TextField source="name" /></Item>
            <Item source="status"><StatusField /></Item>
            <Item source="sizeGb"><TextField source="sizeGb" /></Item>
            <Item source="spec.volumeType"><SpecText path="volumeType" /></Item>
            <Item source="spec.vmId"><RefName source="spec.vmId" reference="vms" /></Item>
            <Item source="spec.bootable"><SpecText path="bootable" /></Item>
            <Item source="spec.initialised"><SpecText path="initialised" /></Item>
            <Item source="spec.filesystem"><SpecText path="filesystem" /></Item>
            <Item source="spec.replicas"><SpecText path="replicas" /></Item>
            <Item source="spec.fromSnapshot"><RefName source="spec.fromSnapshot" reference="snapshots" /></Item>
            <Item source="tags"><TagsField /></Item>
            <Item source="createdAt"><DateTimeField source="createdAt" /></Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, lg: 6 }}>
        <SectionCard title="resources.disks.sections.snapshots">
          <ReferenceManyField reference="snapshots" target="parentId" perPage={100}>
            <DataTable rowClick="show" bulkActionButtons={false} resource="snapshots">
              <DataTable.Col source="name" />
              <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
              <DataTable.Col label="cloud.common.actions" disableSort><RowActions><SnapshotRowActions /></RowActions></DataTable.Col>
            </DataTable>
          </ReferenceManyField>
        </SectionCard>
      </Grid>
      <Grid size={12}>
        <SectionCard title="resources.disks.sections.backups"><DiskBackups /></SectionCard>
      </Grid>
    </Grid>
  </ShowFrame>
);

