import RestoreIcon from '@mui/icons-material/Restore';
import { Create, DataTable, DeleteButton, FormDataConsumer, List, ReferenceInput, SelectInput, SimpleForm, TextInput, required, useRecordContext, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DateTimeField } from '../../components/fields';
import { FormGrid, Item } from '../../components/Section';
import { CloudShow } from '../../cloud/CloudShow';
import { CloudListActions, cloudFilters, RefName, RowActions, RunButton, SpecText, StatusField, useCloud, listSx } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';
import { DiskFromButton } from '../snapshots/SnapshotViews';

const Mode = ({ value }: { value: string }) => <>{useTranslate()(`resources.backups.choices.mode.${value}`, { _: value })}</>;

/** Restore onto the source, or a new disk from a disk backup. */
export const BackupRowActions = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  const translate = useTranslate();
  if (!r) return null;
  return (
    <>
      <RunButton label="resources.backups.actions.restore" icon={<RestoreIcon />} color="warning" confirm={translate('resources.backups.actions.restore_confirm', { name: r.name, source: r.spec.sourceName ?? '' })} run={() => dp.cloudPost(`backups/${r.id}/restore`, {})} done="resources.backups.notifications.restored" testId="backup-restore" />
      {r.spec.sourceType === 'disk' && <DiskFromButton field="backupId" sizeGb={r.sizeGb} />}
    </>
  );
};

export const BackupList = () => (
  <List sx={listSx} filters={cloudFilters('backups')} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions />}>
    <DataTable<CloudResource> rowClick="show">
      <DataTable.Col source="name" />
      <DataTable.Col source="spec.sourceType" disableSort render={(r) => <SourceKind value={r.spec.sourceType} />} />
      <DataTable.Col source="spec.sourceName" disableSort><SpecText path="sourceName" /></DataTable.Col>
      <DataTable.Col source="spec.mode" disableSort render={(r) => <Mode value={r.spec.mode} />} />
      <DataTable.Col source="parentId" disableSort><RefName source="parentId" reference="backups" /></DataTable.Col>
      <DataTable.Col source="sizeGb" />
      <DataTable.Col source="status"><StatusField /></DataTable.Col>
      <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
      <DataTable.Col label="cloud.common.actions" disableSort>
        <RowActions><BackupRowActions /><DeleteButton mutationMode="pessimistic" /></RowActions>
      </DataTable.Col>
    </DataTable>
  </List>
);

const SourceKind = ({ value }: { value: string }) => <>{useTranslate()(`cloud.kinds.${value}`, { _: value })}</>;

/** A full or incremental backup of a disk or a whole VM (an incremental one needs a full one first). */
export const BackupCreate = () => (
  <Create redirect="list">
    <SimpleForm defaultValues={{ sourceType: 'disk', mode: 'full' }}>
      <FormGrid>
        <SelectInput source="sourceType" label="resources.backups.fields.spec.sourceType" choices={['disk', 'vm'].map((id) => ({ id, name: `cloud.kinds.${id}` }))} validate={required()} />
        <FormDataConsumer>
          {({ formData }) => (
            <ReferenceInput key={formData.sourceType} source="sourceId" reference={formData.sourceType === 'vm' ? 'vms' : 'disks'}>
              <SelectInput optionText="name" label="resources.backups.fields.spec.sourceName" validate={required()} />
            </ReferenceInput>
          )}
        </FormDataConsumer>
        <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
        <SelectInput source="mode" label="resources.backups.fields.spec.mode" choices={choicesOf('backups', 'mode', ['full', 'incremental'])} validate={required()} />
      </FormGrid>
    </SimpleForm>
  </Create>
);

export const BackupShow = () => <CloudShow actions={<BackupRowActions />} basic={<Item source="parentId"><RefName source="parentId" reference="backups" /></Item>} />;
