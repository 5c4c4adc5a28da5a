import DeleteForeverIcon from '@mui/icons-material/DeleteForever';
import RestoreFromTrashIcon from '@mui/icons-material/RestoreFromTrash';
import { Alert } from '@mui/material';
import { DataTable, List, TopToolbar, FilterButton, useRecordContext, useTranslate } from 'react-admin';
import { DateTimeField } from '../../components/fields';
import { BulkRunButton, listSx, NameSearch, RowActions, RunButton, SpecText, useCloud } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

/** Restore a disk (back to "available"), or purge it now (volume, snapshots and its data key: it cannot come back). */
const RowButtons = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  const translate = useTranslate();
  if (!r) return null;
  return (
    <>
      <RunButton label="resources.recycle-bin.actions.restore" icon={<RestoreFromTrashIcon />} run={() => dp.cloudPost(`recycle-bin/${r.id}/restore`)} done="resources.recycle-bin.notifications.restored" testId="recycle-restore" />
      <RunButton label="resources.recycle-bin.actions.purge" icon={<DeleteForeverIcon />} color="error" confirm={translate('resources.recycle-bin.actions.purge_confirm', { name: r.name })} run={() => dp.cloudDelete(`recycle-bin/${r.id}`)} done="resources.recycle-bin.notifications.purged" testId="recycle-purge" />
    </>
  );
};

const BulkButtons = () => {
  const dp = useCloud();
  return (
    <>
      <BulkRunButton label="resources.recycle-bin.actions.restore" icon={<RestoreFromTrashIcon />} run={(id) => dp.cloudPost(`recycle-bin/${id}/restore`)} testId="recycle-bulk-restore" />
      <BulkRunButton label="resources.recycle-bin.actions.purge" icon={<DeleteForeverIcon />} color="error" confirm run={(id) => dp.cloudDelete(`recycle-bin/${id}`)} testId="recycle-bulk-purge" />
    </>
  );
};

const Hint = () => <Alert severity="info" sx={{ mt: 1 }}>{useTranslate()('resources.recycle-bin.hint')}</Alert>;

/** Deleted disks, kept (≥ 7 days) until their purge date. */
export const RecycleBinList = () => (
  <>
    <Hint />
    <List sx={listSx} filters={[<NameSearch key="q" source="q" alwaysOn placeholder="resources.recycle-bin.filters.q" />]} sort={{ field: 'createdAt', order: 'DESC' }} actions={<TopToolbar><FilterButton /></TopToolbar>}>
      <DataTable<CloudResource> rowClick={false} bulkActionButtons={<BulkButtons />}>
        <DataTable.Col source="name" />
        <DataTable.Col source="sizeGb" />
        <DataTable.Col source="spec.volumeType" disableSort><SpecText path="volumeType" /></DataTable.Col>
        <DataTable.Col source="deletedAt" disableSort><DateTimeField source="deletedAt" /></DataTable.Col>
        <DataTable.Col source="purgeAfter" disableSort><DateTimeField source="purgeAfter" /></DataTable.Col>
        <DataTable.Col label="cloud.common.actions" disableSort>
          <RowActions><RowButtons /></RowActions>
        </DataTable.Col>
      </DataTable>
    </List>
  </>
);
