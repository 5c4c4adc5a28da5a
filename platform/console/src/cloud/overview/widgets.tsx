import { Box, Card, CardActionArea, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useGetList, useLocaleState, useTranslate } from 'react-admin';
import { formatDateTime } from '../../components/fields';
import { usePerms } from '../../components/usePerms';
import { QuotaBar } from '../../resources/quota/QuotaPage';
import { StatusText, useRegion } from '../kit';
import { KIND_RESOURCE, type Overview, type WidgetType } from '../types';

const KINDS = ['vm', 'disk', 'vpc', 'subnet', 'security_group', 'eip', 'havip', 'nic', 'snapshot', 'backup', 'image', 'template'];

const Tile = ({ to, label, value, testId }: { to: string; label: string; value: ReactNode; testId?: string }) => (
  <Card variant="outlined">
    <CardActionArea component={Link} to={to} sx={{ px: 1.5, py: 1 }} data-testid={testId}>
      <Typography variant="caption" color="text.secondary" component="div">{label}</Typography>
      <Typography variant="h6" component="div">{value}</Typography>
    </CardActionArea>
  </Card>
);

const Resources = ({ ov }: { ov: Overview }) => {
  const translate = useTranslate();
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(120px, 1fr))', gap: 1 }}>
      {KINDS.map((k) => <Tile key={k} to={`/${KIND_RESOURCE[k]}`} label={translate(`cloud.kinds.${k}`)} value={(k === 'disk' ? (ov.resources.disk ?? 0) : ov.resources[k] ?? 0).toLocaleString()} testId={`ov-count-${k}`} />)}
    </Box>
  );
};

const Orders = ({ ov }: { ov: Overview }) => {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const { data } = useGetList('orders', { pagination: { page: 1, perPage: 5 } });
  return (
    <>
      <Stack direction="row" spacing={1} sx={{ mb: 1 }}>
        {['submitted', 'running', 'completed', 'failed'].map((s) => <Tile key={s} to={`/orders?filter=${encodeURIComponent(JSON.stringify({ status: s }))}`} label={translate(`cloud.status.${s}`)} value={ov.orders[s] ?? 0} />)}
      </Stack>
      <Table size="small">
        <TableBody>
          {(data ?? []).map((o) => (
            <TableRow key={o.id}>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(o.createdAt, locale)}</TableCell>
              <TableCell>{translate(`cloud.kinds.${o.kind}`, { _: o.kind })} · {translate(`resources.orders.choices.action.${o.action}`, { _: o.action })}</TableCell>
              <TableCell>{String(o.detail?.name ?? '')}</TableCell>
              <TableCell><StatusText value={o.status} /></TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
};

const Operations = ({ ov }: { ov: Overview }) => {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  return (
    <Table size="small" data-testid="ov-operations">
      <TableHead>
        <TableRow>
          <TableCell>{translate('cloud.overview.at')}</TableCell>
          <TableCell>{translate('cloud.overview.actor')}</TableCell>
          <TableCell>{translate('cloud.overview.action')}</TableCell>
          <TableCell>{translate('cloud.overview.target')}</TableCell>
          <TableCell>{translate('cloud.overview.outcome')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {ov.operations.map((o, i) => (
          <TableRow key={i}>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatDateTime(o.at, locale)}</TableCell>
            <TableCell>{o.actor}</TableCell>
            <TableCell>{translate(`cloud.audit.${o.action}`, { _: translate(`yiyun.audit_actions.${o.action}`, { _: o.action }) })}</TableCell>
            <TableCell>{o.targetId && KIND_RESOURCE[o.targetType] ? <Link to={`/${KIND_RESOURCE[o.targetType]}/${o.targetId}/show`}>{translate(`cloud.kinds.${o.targetType}`, { _: o.targetType })}</Link> : translate(`cloud.kinds.${o.targetType}`, { _: o.targetType })}</TableCell>
            <TableCell>{translate(`resources.audit.choices.outcome.${o.outcome}`, { _: o.outcome })}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

const Users = () => {
  const translate = useTranslate();
  const { can } = usePerms();
  const { total, data } = useGetList('accounts', { pagination: { page: 1, perPage: 5 } }, { enabled: can('accounts', 'list') });
  if (!can('accounts', 'list')) return <Typography variant="body2" color="text.secondary">{translate('cloud.overview.no_users')}</Typography>;
  return (
    <Stack spacing={1}>
      <Tile to="/accounts" label={translate('resources.accounts.name', { smart_count: 2 })} value={total ?? '…'} testId="ov-users" />
      {(data ?? []).map((a) => <Typography key={a.id} variant="body2">{a.displayName}（{a.loginId}）</Typography>)}
    </Stack>
  );
};

const Capacity = () => {
  const translate = useTranslate();
  const { data } = useRegion();
  if (!data) return null;
  const c = data.capacity;
  return (
    <Stack spacing={1.5}>
      <Typography variant="body2">{data.title} · {data.region} · {translate('cloud.overview.hosts', { smart_count: c.hosts })} · {data.azs.join(' / ')}</Typography>
      <QuotaBar line={{ key: 'vcpu', used: c.usedVcpus, limit: c.vcpus }} />
      <QuotaBar line={{ key: 'ramGb', used: c.usedRamGb, limit: c.ramGb }} />
    </Stack>
  );
};

const Recycle = () => {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const { data, total } = useGetList('recycle-bin', { pagination: { page: 1, perPage: 5 } });
  return (
    <Stack spacing={1}>
      <Tile to="/recycle-bin" label={translate('resources.recycle-bin.name', { smart_count: 2 })} value={total ?? '…'} />
      {(data ?? []).map((d) => <Typography key={d.id} variant="body2">{d.name} · {translate('cloud.overview.purge_at', { at: formatDateTime(d.purgeAfter, locale) ?? '' })}</Typography>)}
    </Stack>
  );
};

const Quota = ({ ov }: { ov: Overview }) => (
  <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: 'repeat(2, 1fr)' }, gap: 1.5 }}>
    {ov.quota.map((l) => <QuotaBar key={l.key} line={l} />)}
  </Box>
);

/** The body of each widget type. */
export const WIDGET_BODY: Record<WidgetType, (p: { ov: Overview }) => ReactNode> = {
  quota: Quota,
  resources: Resources,
  orders: Orders,
  operations: Operations,
  users: Users,
  capacity: Capacity,
  recycle: Recycle,
};
