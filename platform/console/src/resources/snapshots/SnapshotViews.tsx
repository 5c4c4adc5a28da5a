import AddIcon from '@mui/icons-material/Add';
import HistoryIcon from '@mui/icons-material/History';
import { Button } from '@mui/material';
import { Link } from 'react-router-dom';
import { Create, DataTable, DeleteButton, List, ReferenceInput, SelectInput, SimpleForm, TextInput, required, useRecordContext, useTranslate } from 'react-admin';
import { DateTimeField } from '../../components/fields';
import { FormGrid, Item } from '../../components/Section';
import { usePerms } from '../../components/usePerms';
import { CloudShow } from '../../cloud/CloudShow';
import { CloudListActions, cloudFilters, RefName, RowActions, RunButton, SpecText, StatusField, useCloud, listSx } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

/** A link to the disk form with this snapshot / backup preselected. */
export const DiskFromButton = ({ field, sizeGb }: { field: 'snapshotId' | 'backupId'; sizeGb: number }) => {
  const r = useRecordContext<CloudResource>();
  const translate = useTranslate();
  const { can } = usePerms();
  if (!r || !can('disks', 'create')) return null;
  const source = { [field]: r.id, name: `${r.name}-disk`, sizeGb: Math.max(10, sizeGb) };
  return (
    <Button size="small" startIcon={<AddIcon />} component={Link} to={`/disks/create?source=${encodeURIComponent(JSON.stringify(source))}`} onClick={(e) => e.stopPropagation()}>
      {translate('resources.snapshots.actions.create_disk')}
    </Button>
  );
};

/** Roll the disk back to this snapshot, or make a new disk from it. */
export const SnapshotRowActions = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  const translate = useTranslate();
  if (!r) return null;
  return (
    <>
      <RunButton label="resources.snapshots.actions.rollback" icon={<HistoryIcon />} color="warning" confirm={translate('resources.snapshots.actions.rollback_confirm', { name: r.name, disk: r.spec.diskName ?? '' })} run={() => dp.cloudPost(`snapshots/${r.id}/rollback`)} done="resources.snapshots.notifications.rolled_back" testId="snapshot-rollback" />
      <DiskFromButton field="snapshotId" sizeGb={r.spec.diskSizeGb ?? 10} />
    </>
  );
};

export const SnapshotList = () => (
  <List sx={listSx} filters={cloudFilters('snapshots')} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions />}>
    <DataTable<CloudResource> rowClick="show">
      <DataTable.Col source="name" />
      <DataTable.Col source="parentId" disableSort><RefName source="parentId" reference="disks" /></DataTable.Col>
      <DataTable.Col source="spec.diskSizeGb" disableSort><SpecText path="diskSizeGb" suffix=" GB" /></DataTable.Col>
      <DataTable.Col source="status"><StatusField /></DataTable.Col>
      <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
      <DataTable.Col label="cloud.common.actions" disableSort>
        <RowActions><SnapshotRowActions /><DeleteButton mutationMode="pessimistic" /></RowActions>
      </DataTable.Col>
    </DataTable>
  </List>
);

export const SnapshotCreate = () => (
  <Create redirect="list">
    <SimpleForm>
      <FormGrid>
        <ReferenceInput source="diskId" reference="disks">
          <SelectInput optionText="name" label="resources.snapshots.fields.parentId" validate={required()} />
        </ReferenceInput>
        <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
        <TextInput source="description" />
      </FormGrid>
    </SimpleForm>
  </Create>
);

export const SnapshotShow = () => <CloudShow actions={<SnapshotRowActions />} basic={<Item source="parentId"><RefName source="parentId" reference="disks" /></Item>} />;
