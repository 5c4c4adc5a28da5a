import BookmarkAddIcon from '@mui/icons-material/BookmarkAdd';
import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import DeleteIcon from '@mui/icons-material/Delete';
import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import RestartAltIcon from '@mui/icons-material/RestartAlt';
import StopIcon from '@mui/icons-material/Stop';
import TerminalIcon from '@mui/icons-material/Terminal';
import TuneIcon from '@mui/icons-material/Tune';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Link as MuiLink } from '@mui/material';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { NumberInput, SelectInput, TextInput, required, useNotify, useRecordContext, useTranslate } from 'react-admin';
import { formatDateTime } from '../../components/fields';
import { usePerms } from '../../components/usePerms';
import { DialogButton } from '../../cloud/dialogs';
import { RunButton, useCloud, useRegion } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

/** Opens the VNC console: a short-lived URL, shown with its expiry (and opened in a new tab by the user). */
export const VncButton = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  const notify = useNotify();
  const translate = useTranslate();
  const { can } = usePerms();
  const [vnc, setVnc] = useState<{ url: string; expiresAt: string } | null>(null);
  if (!r || !can('vms', 'operate')) return null;
  return (
    <>
      <Button size="small" startIcon={<TerminalIcon />} disabled={r.status !== 'ACTIVE'} data-testid="vm-vnc" onClick={(e) => { e.stopPropagation(); dp.cloudPost<{ url: string; expiresAt: string }>(`vms/${r.id}/vnc`).then(setVnc, (err: Error) => notify(err.message, { type: 'error' })); }}>
        VNC
      </Button>
      <Dialog open={!!vnc} onClose={() => setVnc(null)} onClick={(e) => e.stopPropagation()} maxWidth="sm" fullWidth>
        <DialogTitle>{translate('resources.vms.actions.vnc_title', { name: r.name })}</DialogTitle>
        <DialogContent>
          <Alert severity="info" sx={{ mb: 2 }}>{translate('resources.vms.actions.vnc_hint', { at: formatDateTime(vnc?.expiresAt, 'zh-CN') ?? '' })}</Alert>
          <MuiLink href={vnc?.url} target="_blank" rel="noopener noreferrer" sx={{ wordBreak: 'break-all' }} data-testid="vm-vnc-url">
            {vnc?.url}
          </MuiLink>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setVnc(null)}>{translate('yiyun.common.close')}</Button>
          <Button variant="contained" startIcon={<OpenInNewIcon />} href={vnc?.url ?? ''} target="_blank" rel="noopener noreferrer">{translate('resources.vms.actions.vnc_open')}</Button>
        </DialogActions>
      </Dialog>
    </>
  );
};

/** Start or stop (by state) and reboot: the lifecycle buttons of one VM. */
export const PowerButtons = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  if (!r) return null;
  return (
    <>
      {r.status === 'SHUTOFF' ? (
        <RunButton label="resources.vms.actions.start" icon={<PlayArrowIcon />} run={() => dp.cloudPost(`vms/${r.id}/start`)} testId="vm-start" />
      ) : (
        <RunButton label="resources.vms.actions.stop" icon={<StopIcon />} disabled={r.status !== 'ACTIVE'} run={() => dp.cloudPost(`vms/${r.id}/stop`)} testId="vm-stop" />
      )}
      <RunButton label="resources.vms.actions.reboot" icon={<RestartAltIcon />} disabled={r.status !== 'ACTIVE'} run={() => dp.cloudPost(`vms/${r.id}/reboot`)} testId="vm-reboot" />
    </>
  );
};

/** Every action of the VM page: lifecycle, resize, VNC, clone, save as template, delete. */
export const VmShowActions = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  const translate = useTranslate();
  const navigate = useNavigate();
  const { data: region } = useRegion();
  if (!r) return null;
  return (
    <>
      <PowerButtons />
      <DialogButton label="resources.vms.actions.resize" icon={<TuneIcon />} record={{ flavor: r.spec.flavor }} submit={(v) => dp.cloudPost(`vms/${r.id}/resize`, { flavor: v.flavor })} disabled={!['ACTIVE', 'SHUTOFF'].includes(r.status)} done="resources.vms.notifications.resizing" testId="vm-resize">
        <SelectInput source="flavor" label="resources.vms.fields.spec.flavor" validate={required()} fullWidth choices={(region?.flavors ?? []).map((f) => ({ id: f.name, name: `${f.name} · ${f.vcpus} vCPU / ${f.ramGb} GB` }))} />
      </DialogButton>
      <VncButton />
      <DialogButton label="resources.vms.actions.clone" icon={<ContentCopyIcon />} record={{ name: `${r.name}-copy`, count: 1 }} submit={(v) => dp.cloudPost(`vms/${r.id}/clone`, { name: v.name, count: Number(v.count) })} done="resources.vms.notifications.cloned" testId="vm-clone">
        <TextInput source="name" fullWidth validate={required()} helperText="resources.vms.helpers.pattern" />
        <NumberInput source="count" label="resources.vms.fields.count" min={1} max={50} fullWidth />
      </DialogButton>
      <DialogButton label="resources.vms.actions.save_template" icon={<BookmarkAddIcon />} record={{ name: `${r.name}-tpl`, description: '' }} submit={(v) => dp.cloudPost(`vms/${r.id}/template`, { name: v.name, ...(v.description ? { description: v.description } : {}) })} done="resources.vms.notifications.template_saved" testId="vm-save-template">
        <TextInput source="name" fullWidth validate={required()} />
        <TextInput source="description" label="resources.vms.fields.description" fullWidth />
      </DialogButton>
      <RunButton label="ra.action.delete" icon={<DeleteIcon />} color="error" confirm={translate('resources.vms.actions.delete_confirm', { name: r.name })} run={async () => { await dp.cloudDelete(`vms/${r.id}`); navigate('/vms'); }} testId="vm-delete" />
    </>
  );
};
