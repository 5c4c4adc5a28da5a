import { Box, Button, Chip, IconButton, MenuItem, Stack, TextField as MuiTextField, Typography } from '@mui/material';
import DeleteIcon from '@mui/icons-material/Delete';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Create, DataTable, DeleteButton, List, NumberInput, SelectInput, SimpleForm, TextInput, required, useGetIdentity, useNotify, useRecordContext, useRefresh, useTranslate } from 'react-admin';
import type { Identity } from '../../providers/authProvider';
import { usePerms } from '../../components/usePerms';
import { choicesOf } from '../../components/choices';
import { DateTimeField } from '../../components/fields';
import { FormGrid, SectionCard } from '../../components/Section';
import { CloudShow } from '../../cloud/CloudShow';
import { CloudListActions, cloudFilters, RowActions, SpecText, StatusField, useCloud, useRegion, listSx } from '../../cloud/kit';
import type { CloudResource } from '../../cloud/types';

/** The zone's public images (read-only), above the tenant's own imported ones. */
const PublicImages = () => {
  const { data } = useRegion();
  return (
    <Box sx={{ mt: 2 }}>
      <SectionCard title="resources.images.sections.public">
        <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap" data-testid="public-images">
          {(data?.images ?? []).map((i) => (
            <Chip key={i.id} variant="outlined" label={`${i.name} · ${i.osType} · ${i.format}`} />
          ))}
        </Stack>
      </SectionCard>
    </Box>
  );
};

type Share = { imageId: string; imageName: string; osType: string | null; imageStatus: string; ownerTenantId: string; ownerTenantName: string | null; status: 'pending' | 'accepted' | 'rejected'; addedAt: string; decidedAt: string | null };

const ShareStatus = ({ value }: { value: string }) => {
  const translate = useTranslate();
  return <Chip size="small" color={value === 'accepted' ? 'success' : value === 'rejected' ? 'default' : 'warning'} variant="outlined" label={translate(`resources.images.choices.shareStatus.${value}`, { _: value })} />;
};

/**
 * Images other tenants share with this one: a share is pending until accepted here (only then is the image listed
 * and bootable), and may be rejected. The buttons need the same permission the API checks (cloud.operate).
 */
const SharedWithMe = () => {
  const dp = useCloud();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const { can } = usePerms();
  const [busy, setBusy] = useState<string | null>(null);
  // Only a tenant is offered shares: a platform account does not ask (the API would refuse it).
  const { identity } = useGetIdentity();
  const tenant = !!(identity as Identity | undefined)?.me.account.tenantId;
  const shares = useQuery({ queryKey: ['cloud', 'image-shares'], queryFn: () => dp.cloudGet<{ items: Share[] }>('image-shares'), enabled: tenant, retry: false });
  const items = shares.data?.items ?? [];
  if (!tenant || shares.isError) return null;
  const answer = async (s: Share, verb: 'accept' | 'reject') => {
    setBusy(s.imageId);
    try {
      await dp.cloudPost(`images/${s.imageId}/${verb}`, {});
      notify('cloud.common.done', { type: 'success' });
      await shares.refetch();
      refresh();
    } catch (err) {
      notify((err as Error).message || 'ra.notification.http_error', { type: 'error' });
    } finally {
      setBusy(null);
    }
  };
  const operate = can('images', 'operate');
  return (
    <Box sx={{ mt: 2 }}>
      <SectionCard title="resources.images.sections.shared_with_me">
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>{translate('resources.images.helpers.shared_with_me')}</Typography>
        {items.length === 0 && <Typography variant="body2" color="text.secondary">{translate('resources.images.helpers.no_shares')}</Typography>}
        <Stack spacing={1} data-testid="image-shares">
          {items.map((s) => (
            <Stack key={s.imageId} direction="row" spacing={2} alignItems="center" data-testid={`image-share-${s.imageId}`}>
              <Typography variant="body2" sx={{ minWidth: 220 }}>{s.imageName}</Typography>
              <Typography variant="body2" color="text.secondary" sx={{ minWidth: 200 }}>{s.ownerTenantName ?? s.ownerTenantId}</Typography>
              {s.osType && <Os value={s.osType} />}
              <ShareStatus value={s.status} />
              {operate && s.status !== 'accepted' && (
                <Button size="small" variant="outlined" disabled={busy === s.imageId} data-testid="image-share-accept" onClick={() => answer(s, 'accept')}>{translate('resources.images.actions.accept')}</Button>
              )}
              {operate && s.status !== 'rejected' && (
                <Button size="small" color="inherit" disabled={busy === s.imageId} data-testid="image-share-reject" onClick={() => answer(s, 'reject')}>{translate('resources.images.actions.reject')}</Button>
              )}
            </Stack>
          ))}
        </Stack>
      </SectionCard>
    </Box>
  );
};

const Visibility = ({ value }: { value: string }) => <>{useTranslate()(`resources.images.choices.visibility.${value}`, { _: value })}</>;

const Os = ({ value }: { value: string }) => <>{useTranslate()(`resources.images.choices.osType.${value}`, { _: value })}</>;

export const ImageList = () => (
  <>
    <PublicImages />
    <SharedWithMe />
    <List sx={listSx} filters={cloudFilters('images', ['importing', 'active'])} sort={{ field: 'createdAt', order: 'DESC' }} actions={<CloudListActions />} queryOptions={{ refetchInterval: (q: any) => ((q.state.data?.data ?? []) as CloudResource[]).some((i) => i.status === 'importing') ? 1500 : false }}>
      <DataTable<CloudResource> rowClick="show">
        <DataTable.Col source="name" />
        <DataTable.Col source="spec.format" disableSort render={(r) => String(r.spec.format ?? '').toUpperCase()} />
        <DataTable.Col source="spec.osType" disableSort render={(r) => <Os value={r.spec.osType} />} />
        <DataTable.Col source="spec.osVersion" disableSort><SpecText path="osVersion" /></DataTable.Col>
        <DataTable.Col source="spec.sizeGb" disableSort><SpecText path="sizeGb" suffix=" GB" /></DataTable.Col>
        <DataTable.Col source="spec.visibility" disableSort render={(r) => <Visibility value={String(r.spec.visibility ?? 'private')} />} />
        <DataTable.Col source="status"><StatusField /></DataTable.Col>
        <DataTable.Col source="createdAt"><DateTimeField source="createdAt" /></DataTable.Col>
        <DataTable.Col label="cloud.common.actions" disableSort>
          <OwnImageActions />
        </DataTable.Col>
      </DataTable>
    </List>
  </>
);

/**
 * Whether the record is this tenant's own image (a platform account manages any): an image shared with this tenant
 * is listed and shown here but belongs to another, which alone deletes it or changes its sharing.
 */
const useOwnImage = (): boolean => {
  const r = useRecordContext<CloudResource>();
  const { identity, isPending } = useGetIdentity();
  // Until the identity is known nobody owns anything: a receiving tenant must never see the owner's controls flash up.
  if (!r || isPending || !identity) return false;
  const myTenant = (identity as Identity).me.account.tenantId ?? null;
  return !myTenant || r.tenantId === myTenant;
};

const OwnImageActions = () => (useOwnImage() ? <RowActions><DeleteButton mutationMode="pessimistic" /></RowActions> : null);
const OwnImageDelete = () => (useOwnImage() ? <DeleteButton mutationMode="pessimistic" /> : null);

/** Import a RAW, VHD or QCOW2 image (converted to raw: the conversion is recorded as a step). */
export const ImageCreate = () => (
  <Create redirect="list">
    <SimpleForm defaultValues={{ format: 'qcow2', osType: 'linux', sizeGb: 10, minDiskGb: 40 }}>
      <FormGrid columns={3}>
        <TextInput source="name" validate={required()} helperText="cloud.common.name_help" />
        <SelectInput source="format" label="resources.images.fields.spec.format" choices={['raw', 'vhd', 'qcow2'].map((id) => ({ id, name: id.toUpperCase() }))} validate={required()} />
        <SelectInput source="osType" label="resources.images.fields.spec.osType" choices={choicesOf('images', 'osType', ['linux', 'windows'])} validate={required()} />
        <TextInput source="osVersion" label="resources.images.fields.spec.osVersion" />
        <NumberInput source="sizeGb" label="resources.images.fields.spec.sizeGb" min={1} max={2048} validate={required()} />
        <NumberInput source="minDiskGb" label="resources.images.fields.spec.minDiskGb" min={1} max={500} />
      </FormGrid>
      <TextInput source="sourceUrl" label="resources.images.fields.spec.sourceUrl" fullWidth helperText="resources.images.helpers.sourceUrl" />
    </SimpleForm>
  </Create>
);

const Steps = () => {
  const r = useRecordContext<CloudResource>();
  return (
    <Box component="ol" sx={{ m: 0, pl: 3, fontSize: 14 }} data-testid="image-steps">
      {((r?.spec.steps as string[]) ?? []).map((s, i) => <li key={i}>{s}</li>)}
    </Box>
  );
};

type Member = { tenantId: string; tenantName: string | null; addedBy: string; addedAt: string; status: 'pending' | 'accepted' | 'rejected'; decidedAt: string | null };

/**
 * Who may use the image: private, shared with member tenants, or public (the platform administrator only — a
 * tenant's image made public would reach every tenant). Only the owner tenant sees this editor working; the API
 * refuses anyone else.
 */
const Sharing = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const { permissions, can } = usePerms();
  const own = useOwnImage();
  const admin = permissions.includes('cloud.admin');
  const current = String(r?.spec.visibility ?? 'private');
  const [visibility, setVisibility] = useState(current);
  const [tenantId, setTenantId] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => setVisibility(current), [current]);
  const members = useQuery({ queryKey: ['cloud', 'image-members', r?.id, r?.updatedAt], queryFn: () => dp.cloudGet<{ items: Member[] }>(`images/${r!.id}/members`), enabled: !!r && own && current === 'shared', retry: false });
  if (!r || !own || !(can('images', 'operate') || admin)) return null;
  const run = async (fn: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    try {
      await fn();
      notify('cloud.common.done', { type: 'success' });
      after?.();
      await members.refetch();
      refresh();
    } catch (err) {
      notify((err as Error).message || 'ra.notification.http_error', { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  const choices = admin ? ['private', 'shared', 'public'] : ['private', 'shared'];
  return (
    <SectionCard title="resources.images.sections.sharing">
      <Stack direction="row" spacing={2} alignItems="center" sx={{ mb: 2 }}>
        <MuiTextField select size="small" label={translate('resources.images.fields.spec.visibility')} value={visibility} onChange={(e) => setVisibility(e.target.value)} sx={{ minWidth: 200 }} inputProps={{ 'data-testid': 'image-visibility' }}>
          {choices.map((v) => <MenuItem key={v} value={v}>{translate(`resources.images.choices.visibility.${v}`)}</MenuItem>)}
        </MuiTextField>
        <Button variant="outlined" size="small" disabled={busy || visibility === current} data-testid="image-visibility-save"
          onClick={() => run(() => dp.cloudPut(`images/${r.id}/${admin ? 'publication' : 'visibility'}`, { visibility }))}>
          {translate('ra.action.save')}
        </Button>
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>{translate('resources.images.helpers.visibility')}</Typography>
      {current === 'shared' && (
        <Box data-testid="image-members">
          <Typography variant="subtitle2" sx={{ mb: 1 }}>{translate('resources.images.sections.members')}</Typography>
          {(members.data?.items ?? []).length === 0 && <Typography variant="body2" color="text.secondary">{translate('resources.images.helpers.no_members')}</Typography>}
          {(members.data?.items ?? []).map((m) => (
            <Stack key={m.tenantId} direction="row" spacing={1} alignItems="center">
              <Typography variant="body2" sx={{ minWidth: 320 }}>{m.tenantName ? `${m.tenantName} (${m.tenantId})` : m.tenantId}</Typography>
              <ShareStatus value={m.status} />
              <IconButton size="small" aria-label={translate('resources.images.actions.remove_member')} disabled={busy} onClick={() => run(() => dp.cloudDelete(`images/${r.id}/members/${m.tenantId}`))}>
                <DeleteIcon fontSize="small" />
              </IconButton>
            </Stack>
          ))}
          <Stack direction="row" spacing={1} alignItems="center" sx={{ mt: 1 }}>
            <MuiTextField size="small" label={translate('resources.images.fields.memberTenantId')} value={tenantId} onChange={(e) => setTenantId(e.target.value.trim())} sx={{ minWidth: 360 }} inputProps={{ 'data-testid': 'image-member-tenant' }} />
            <Button size="small" variant="outlined" disabled={busy || !/^[0-9a-f-]{36}$/i.test(tenantId)} data-testid="image-member-add"
              onClick={() => run(() => dp.cloudPost(`images/${r.id}/members`, { tenantId }), () => setTenantId(''))}>
              {translate('resources.images.actions.add_member')}
            </Button>
          </Stack>
        </Box>
      )}
    </SectionCard>
  );
};

export const ImageShow = () => (
  <CloudShow hideSpec={['steps']} deletable={false} actions={<OwnImageDelete />}>
    <SectionCard title="resources.images.sections.steps"><Steps /></SectionCard>
    <Box sx={{ mt: 2 }}><Sharing /></Box>
  </CloudShow>
);
