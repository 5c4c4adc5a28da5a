import { Grid } from '@mui/material';
import { DataTable, ListContextProvider, Show, TextField, TopToolbar, useGetList, useList, useRecordContext } from 'react-admin';
import { DateTimeField } from '../../components/fields';
import { FieldGrid, Item, SectionCard } from '../../components/Section';
import { TagsButton } from '../../cloud/dialogs';
import { RefName, SpecText, StatusField, TagsField } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';
import { VmShowActions } from './VmActions';

const TRANSITIONAL = new Set(['BUILD', 'REBOOT', 'RESIZE']);

/** The VM's disks (the disk list filtered here: the API lists disks by tenant, not by VM). */
const VmDisks = () => {
  const r = useRecordContext<CloudResource>();
  const { data } = useGetList<CloudResource>('disks', { pagination: { page: 1, perPage: 500 } });
  const list = useList({ data: (data ?? []).filter((d) => d.spec.vmId === r?.id) });
  return (
    <ListContextProvider value={list}>
      <DataTable resource="disks" rowClick="show" bulkActionButtons={false}>
        <DataTable.Col source="name" />
        <DataTable.Col source="sizeGb" />
        <DataTable.Col source="spec.volumeType" disableSort><SpecText path="volumeType" /></DataTable.Col>
        <DataTable.Col source="spec.bootable" disableSort><SpecText path="bootable" /></DataTable.Col>
        <DataTable.Col source="status"><StatusField /></DataTable.Col>
      </DataTable>
    </ListContextProvider>
  );
};

export const VmShow = () => (
  <Show
    component="div"
    actions={<TopToolbar><VmShowActions /><TagsButton path="vms" /></TopToolbar>}
    queryOptions={{ refetchInterval: (q: any) => (TRANSITIONAL.has(q.state.data?.status) ? 1000 : false) }}
  >
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, lg: 6 }}>
        <SectionCard title="cloud.common.basic" testId="vm-basic">
          <FieldGrid>
            <Item source="name"><TextField source="name" /></Item>
            <Item source="status"><StatusField /></Item>
            <Item source="spec.flavor"><SpecText path="flavor" /></Item>
            <Item source="vcpus"><TextField source="vcpus" /></Item>
            <Item source="ramGb"><TextField source="ramGb" /></Item>
            <Item source="spec.imageName"><SpecText path="imageName" /></Item>
            <Item source="spec.osType"><SpecText path="osType" /></Item>
            <Item source="spec.templateId"><RefName source="spec.templateId" reference="templates" /></Item>
            <Item source="tags"><TagsField /></Item>
            <Item source="createdAt"><DateTimeField source="createdAt" /></Item>
            <Item source="description"><TextField source="description" emptyText="yiyun.common.none" /></Item>
            <Item source="id"><TextField source="id" /></Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, lg: 6 }}>
        <SectionCard title="resources.vms.sections.placement" testId="vm-placement">
          <FieldGrid>
            <Item source="spec.ips"><SpecText path="ips" /></Item>
            <Item source="spec.az"><SpecText path="az" /></Item>
            <Item source="spec.host"><SpecText path="host" /></Item>
            <Item source="spec.serverGroupId"><RefName source="spec.serverGroupId" reference="server-groups" /></Item>
            <Item source="spec.keypairId"><RefName source="spec.keypairId" reference="keypairs" /></Item>
            <Item source="spec.passwordSet"><SpecText path="passwordSet" /></Item>
            <Item source="spec.volumeType"><SpecText path="volumeType" /></Item>
            <Item source="spec.fault"><SpecText path="fault" /></Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={12}>
        <SectionCard title="resources.vms.sections.disks">
          <VmDisks />
        </SectionCard>
      </Grid>
    </Grid>
  </Show>
);
