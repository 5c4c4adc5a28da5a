import EditIcon from '@mui/icons-material/Edit';
import { Box, Grid, LinearProgress, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { DeleteButton, NumberInput, Show, TextField, TextInput, TopToolbar, useRecordContext, useTranslate } from 'react-admin';
import { DateTimeField } from '../../components/fields';
import { FieldGrid, Item, SectionCard } from '../../components/Section';
import { DialogButton } from '../../cloud/dialogs';
import { parseList, RefName, SpecText, StatusField, useCloud } from '../../cloud/kit';
import { KIND_RESOURCE, type CloudResource, type SubnetDetails } from '../../cloud/types';
import { SpecStack } from './SubnetList';

const EditSubnet = () => {
  const r = useRecordContext<CloudResource>();
  const dp = useCloud();
  if (!r) return null;
  return (
    <DialogButton
      label="ra.action.edit"
      icon={<EditIcon />}
      record={{ name: r.name, description: r.description ?? '', routeTable: r.spec.routeTable ?? 'default', dnsText: (r.spec.dns ?? []).join(', '), leaseHours: r.spec.leaseHours ?? 24 }}
      submit={({ dnsText, description, ...v }) => dp.cloudPatch(`subnets/${r.id}`, { ...v, description: description || null, dns: parseList(dnsText) })}
      testId="subnet-edit"
    >
      <TextInput source="name" fullWidth />
      <TextInput source="routeTable" label="resources.subnets.fields.spec.routeTable" fullWidth />
      <TextInput source="dnsText" label="resources.subnets.fields.spec.dns" fullWidth />
      <NumberInput source="leaseHours" label="resources.subnets.fields.spec.leaseHours" min={1} max={8760} fullWidth />
      <TextInput source="description" label="resources.subnets.fields.description" fullWidth multiline />
    </DialogButton>
  );
};

/** Gateway & DNS, addresses, attached resources, route table and ACL (GET /subnets/:id/details). */
const Details = () => {
  const r = useRecordContext<CloudResource>();
  const translate = useTranslate();
  const dp = useCloud();
  const { data: d } = useQuery({ queryKey: ['cloud', 'subnet-details', r?.id, r?.updatedAt], queryFn: () => dp.cloudGet<SubnetDetails>(`subnets/${r!.id}/details`), enabled: !!r });
  if (!r) return null;
  const used = d ? d.totalIps - d.availableIps : 0;
  return (
    <Grid container spacing={2} sx={{ mt: 0.5 }}>
      <Grid size={{ xs: 12, lg: 6 }}>
        <SectionCard title="cloud.common.basic" testId="subnet-basic">
          <FieldGrid>
            <Item source="name"><TextField source="name" /></Item>
            <Item source="id"><TextField source="id" /></Item>
            <Item source="parentId"><RefName source="parentId" reference="vpcs" /></Item>
            <Item source="status"><StatusField /></Item>
            <Item source="spec.cidr"><SpecText path="cidr" /></Item>
            <Item source="spec.cidr6"><SpecText path="cidr6" /></Item>
            <Item source="spec.stack"><SpecStack value={r.spec.stack} /></Item>
            <Item source="spec.az"><SpecText path="az" /></Item>
            <Item source="spec.purpose"><SpecText path="purpose" /></Item>
            <Item source="createdAt"><DateTimeField source="createdAt" /></Item>
            <Item source="description"><TextField source="description" emptyText="yiyun.common.none" /></Item>
          </FieldGrid>
        </SectionCard>
      </Grid>
      <Grid size={{ xs: 12, lg: 6 }}>
        <SectionCard title="resources.subnets.sections.gateway" testId="subnet-gateway">
          <FieldGrid>
            <Item source="spec.dhcp">{translate(d?.dhcp ? 'yiyun.common.yes' : 'yiyun.common.no')}</Item>
            <Item source="spec.gateway"><span data-testid="subnet-gateway-ip">{d?.gateway ?? '—'}</span></Item>
            <Item source="spec.dns">{d?.dns.length ? d.dns.join(', ') : '—'}</Item>
            <Item source="spec.leaseHours">{d ? translate('resources.subnets.lease', { smart_count: d.leaseHours }) : '—'}</Item>
            <Item source="spec.routeTable">{d?.routeTable ?? '—'}</Item>
            <Item source="spec.aclId">{d?.acl ? <Link to={`/acls/${d.acl.id}/show`}>{d.acl.name}</Link> : translate('yiyun.common.none')}</Item>
          </FieldGrid>
          <Box sx={{ mt: 2 }}>
            <Typography variant="caption" color="text.secondary">
              {translate('resources.subnets.ips', { free: d?.availableIps ?? 0, total: d?.totalIps ?? 0 })}
            </Typography>
            <LinearProgress variant="determinate" value={d && d.totalIps ? Math.min(100, (used / d.totalIps) * 100) : 0} sx={{ height: 8, borderRadius: 4, mt: 0.5 }} />
          </Box>
        </SectionCard>
      </Grid>
      <Grid size={12}>
        <SectionCard title="resources.subnets.sections.attached" testId="subnet-attached">
          {!d?.attached.length ? (
            <Typography variant="body2" color="text.secondary">{translate('cloud.common.empty')}</Typography>
          ) : (
            <Box component="table" sx={{ width: '100%', borderCollapse: 'collapse', '& td, & th': { textAlign: 'left', p: 0.75, borderBottom: '1px solid', borderColor: 'divider', fontSize: 14 } }}>
              <thead>
                <tr>
                  <th>{translate('cloud.common.kind')}</th>
                  <th>{translate('cloud.common.name')}</th>
                  <th>IP</th>
                </tr>
              </thead>
              <tbody>
                {d.attached.map((a) => (
                  <tr key={`${a.kind}:${a.id}`}>
                    <td>{translate(`cloud.kinds.${a.kind}`, { _: a.kind })}</td>
                    <td><Link to={`/${KIND_RESOURCE[a.kind] ?? a.kind}/${a.id}/show`}>{a.name}</Link></td>
                    <td>{a.ip ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </Box>
          )}
        </SectionCard>
      </Grid>
    </Grid>
  );
};

/** One subnet with its details view. */
export const SubnetShow = () => (
  <Show component="div" actions={<TopToolbar><EditSubnet /><DeleteButton mutationMode="pessimistic" /></TopToolbar>}>
    <Details />
  </Show>
);
