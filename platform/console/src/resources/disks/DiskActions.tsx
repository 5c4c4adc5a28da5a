import AddPhotoAlternateIcon from '@mui/icons-material/AddAPhoto';
import BackupIcon from '@mui/icons-material/Backup';
import DeleteIcon from '@mui/icons-material/Delete';
import FormatPaintIcon from '@mui/icons-material/FormatPaint';
import LinkIcon from '@mui/icons-material/Link';
import LinkOffIcon from '@mui/icons-material/LinkOff';
import OpenInFullIcon from '@mui/icons-material/OpenInFull';
import { useNavigate } from 'react-router-dom';
import { NumberInput, ReferenceInput, SelectInput, TextInput, minValue, required, useRecordContext, useTranslate } from 'react-admin';
import { choicesOf } from '../../components/choices';
import { DialogButton } from '../../cloud/dialogs';
import { RunButton, useCloud } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

/** Attach to a VM or detach (by state). */
export const AttachButton = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  if (!r || r.spec.bootable) return null;
  return r.spec.vmId ? (
    <RunButton label="resources.disks.actions.detach" icon={<LinkOffIcon />} run={() => dp.cloudPost(`disks/${r.id}/detach`)} testId="disk-detach" />
  ) : (
    <DialogButton label="resources.disks.actions.attach" icon={<LinkIcon />} record={{ vmId: '' }} submit={(v) => dp.cloudPost(`disks/${r.id}/attach`, { vmId: v.vmId })} testId="disk-attach">
      <ReferenceInput source="vmId" reference="vms">
        <SelectInput optionText="name" label="resources.disks.fields.spec.vmId" validate={required()} fullWidth />
      </ReferenceInput>
    </DialogButton>
  );
};

/** Delete = into the recycle bin (restorable for the retention period; the system disk goes with its VM). */
export const RecycleButton = ({ back = false }: { back?: boolean }) => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  const translate = useTranslate();
  const navigate = useNavigate();
  if (!r) return null;
  return (
    <RunButton
      label="ra.action.delete"
      icon={<DeleteIcon />}
      color="error"
      disabled={!!r.spec.vmId}
      confirm={translate('resources.disks.actions.recycle_confirm', { name: r.name })}
      done="resources.disks.notifications.recycled"
      run={async () => {
        await dp.cloudDelete(`disks/${r.id}`);
        if (back) navigate('/disks');
      }}
      testId="disk-delete"
    />
  );
};

export const DiskShowActions = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  if (!r) return null;
  return (
    <>
      <AttachButton />
      <DialogButton label="resources.disks.actions.initialise" icon={<FormatPaintIcon />} record={{ filesystem: 'xfs', partition: 'gpt' }} submit={(v) => dp.cloudPost(`disks/${r.id}/initialise`, v)} testId="disk-initialise">
        <SelectInput source="filesystem" label="resources.disks.fields.filesystem" choices={['xfs', 'ext4', 'ntfs'].map((id) => ({ id, name: id }))} fullWidth />
        <SelectInput source="partition" label="resources.disks.fields.partition" choices={['gpt', 'mbr'].map((id) => ({ id, name: id.toUpperCase() }))} fullWidth />
      </DialogButton>
      <DialogButton label="resources.disks.actions.extend" icon={<OpenInFullIcon />} record={{ sizeGb: r.sizeGb + 10 }} submit={(v) => dp.cloudPost(`disks/${r.id}/extend`, { sizeGb: Number(v.sizeGb) })} testId="disk-extend">
        <NumberInput source="sizeGb" label="resources.disks.fields.sizeGb" min={r.sizeGb + 1} max={32768} validate={[required(), minValue(r.sizeGb + 1)]} fullWidth helperText="resources.disks.helpers.extend" />
      </DialogButton>
      <DialogButton label="resources.disks.actions.snapshot" icon={<AddPhotoAlternateIcon />} record={{ name: `${r.name}-snap` }} submit={(v) => dp.cloudPost('snapshots', { diskId: r.id, name: v.name })} testId="disk-snapshot">
        <TextInput source="name" fullWidth validate={required()} />
      </DialogButton>
      <DialogButton label="resources.disks.actions.backup" icon={<BackupIcon />} record={{ name: `${r.name}-backup`, mode: 'full' }} submit={(v) => dp.cloudPost('backups', { sourceType: 'disk', sourceId: r.id, name: v.name, mode: v.mode })} testId="disk-backup">
        <TextInput source="name" fullWidth validate={required()} />
        <SelectInput source="mode" label="resources.backups.fields.spec.mode" choices={choicesOf('backups', 'mode', ['full', 'incremental'])} fullWidth />
      </DialogButton>
    </>
  );
};
