import DeleteIcon from '@mui/icons-material/Delete';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import RestartAltIcon from '@mui/icons-material/RestartAlt';
import StopIcon from '@mui/icons-material/Stop';
import { DataTable, List } from 'react-admin';
import { DateTimeField } from '../../components/fields';
import { BulkRunButton, CloudListActions, listSx, cloudFilters, RowActions, SpecText, StatusField, TagsField, useCloud } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';
import { PowerButtons, VncButton } from './VmActions';

export const VM_STATUSES = ['BUILD', 'ACTIVE', 'SHUTOFF', 'REBOOT', 'RESIZE', 'ERROR'] as const;
const TRANSITIONAL = new Set(['BUILD', 'REBOOT', 'RESIZE']);

const BulkActions = () => {
  const dp = useCloud();
  return (
    <>
      <BulkRunButton label="resources.vms.actions.start" icon={<PlayArrowIcon />} run={(id) => dp.cloudPost(`vms/${id}/start`)} testId="vms-bulk-start" />
      <BulkRunButton label="resources.vms.actions.stop" icon={<StopIcon />} run={(id) => dp.cloudPost(`vms/${id}/stop`)} confirm testId="vms-bulk-stop" />
      <BulkRunButton label="resources.vms.actions.reboot" icon={<RestartAltIcon />} run={(id) => dp.cloudPost(`vms/${id}/reboot`)} confirm testId="vms-bulk-reboot" />
      <BulkRunButton label="ra.action.delete" icon={<DeleteIcon />} color="error" run={(id) => dp.cloudDelete(`vms/${id}`)} confirm testId="vms-bulk-delete" />
    </>
  );
};

/** VMs: search by name, tag or state; bulk start/stop/reboot/delete; export. Polls while any VM is changing state. */
export const VmList = () => (
  <List
    sx={listSx}
    filters={cloudFilters('vms', VM_STATUSES)}
    sort={{ field: 'createdAt', order: 'DESC' }}
    actions={<CloudListActions exportPath="vms" />}
    queryOptions={{ refetchInterval: (q: any) => ((q.state.data?.data ?? []) as CloudResource[]).some((v) => TRANSITIONAL.has(v.status)) ? 1500 : false }}
  >
    <DataTable<CloudResource> rowClick="show" bulkActionButtons={<BulkActions />}>
      <DataTable.Col source="name" />
      <DataTable.Col source="status"><StatusField /></DataTable.Col>
      <DataTable.Col source="spec.flavor" disableSort render={(r) => `${r.spec.flavor ?? ''}（${r.vcpus}C/${r.ramGb}G）`} />
      <DataTable.Col source="spec.imageName" disableSort><SpecText path="imageName" /></DataTable.Col>
      <DataTable.Col source="spec.ips" disableSort><SpecText path="ips" /></DataTable.Col>
      <DataTable.Col source="spec.az" disableSort><SpecText path="az" /></DataTable.Col>
      <DataTable.Col source="tags" disableSort><TagsField /></DataTable.Col>
      <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
      <DataTable.Col label="cloud.common.actions" disableSort>
        <RowActions><PowerButtons /><VncButton /></RowActions>
      </DataTable.Col>
    </DataTable>
  </List>
);
