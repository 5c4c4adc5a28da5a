import { Box, Button, Card, CardActionArea, CardContent, Grid, Stack, Typography } from '@mui/material';
import type { ComponentType } from 'react';
import { Link } from 'react-router-dom';
import { Loading, Title, useGetList, useTranslate } from 'react-admin';
import { PermissionChip } from '../components/fields';
import { SectionCard } from '../components/Section';
import { usePerms } from '../components/usePerms';
import accounts from '../resources/accounts';
import audit from '../resources/audit';
import roles from '../resources/roles';
import tenants from '../resources/tenants';
import { BRAND } from '../theme';
import { AccountSummary } from './AccountSummary';
import { useMe } from './useMe';

const Total = ({ resource, label, icon: Icon }: { resource: string; label: string; icon: ComponentType<{ fontSize?: 'large' }> }) => {
  const translate = useTranslate();
  const { total, isPending } = useGetList(resource, { pagination: { page: 1, perPage: 1 } });
  return (
    <Card variant="outlined" sx={{ flex: 1, minWidth: 180 }}>
      <CardActionArea component={Link} to={`/${resource}`}>
        <CardContent sx={{ display: 'flex', alignItems: 'center', gap: 2 }}>
          <Box sx={{ color: 'primary.main' }}>
            <Icon fontSize="large" />
          </Box>
          <Box>
            <Typography variant="body2" color="text.secondary">
              {translate(label, { smart_count: 2 })}
            </Typography>
            <Typography variant="h5" data-testid={`total-${resource}`}>
              {isPending ? '…' : (total ?? 0).toLocaleString()}
            </Typography>
          </Box>
        </CardContent>
      </CardActionArea>
    </Card>
  );
};

/** Welcome page: who is logged in, what they hold, when the password expires, and where to go. */
export const Dashboard = () => {
  const translate = useTranslate();
  const { me } = useMe();
  const { can } = usePerms();
  if (!me) return <Loading />;
  const shortcuts = [
    can('tenants', 'create') && { to: '/tenants/create', label: translate('ra.page.create', { name: translate('resources.tenants.name', { smart_count: 1 }) }) },
    can('accounts', 'create') && { to: '/accounts/create', label: translate('ra.page.create', { name: translate('resources.accounts.name', { smart_count: 1 }) }) },
    can('audit', 'list') && { to: '/audit', label: translate('resources.audit.name', { smart_count: 2 }) },
    can('security-policy', 'read') && { to: '/security-policy', label: translate('yiyun.menu.security_policy') },
    { to: '/profile', label: translate('yiyun.menu.profile') },
  ].filter((s): s is { to: string; label: string } => !!s);

  return (
    <Box sx={{ mt: 2 }} data-testid="dashboard">
      <Title title={translate('yiyun.menu.dashboard')} />
      <Card sx={{ mb: 2, color: '#fff', background: `linear-gradient(100deg, ${BRAND.navy} 0%, ${BRAND.blue} 60%, ${BRAND.teal} 100%)` }}>
        <CardContent sx={{ py: 3 }}>
          <Typography variant="h5" component="h1" data-testid="welcome">
            {translate('yiyun.dashboard.welcome', { name: me.account.displayName })}
          </Typography>
          <Typography variant="body2" sx={{ opacity: 0.85, mt: 0.5 }}>
            {translate('yiyun.dashboard.intro')} {translate('yiyun.app.compliance')}
          </Typography>
        </CardContent>
      </Card>
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, lg: 7 }}>
          <SectionCard title="yiyun.dashboard.account" testId="dashboard-account">
            <AccountSummary me={me} />
          </SectionCard>
        </Grid>
        <Grid size={{ xs: 12, lg: 5 }}>
          <Stack spacing={2} sx={{ height: '100%' }}>
            {(can('tenants', 'list') || can('accounts', 'list') || can('audit', 'list')) && (
              <SectionCard title="yiyun.dashboard.totals">
                <Stack direction="row" spacing={1.5} useFlexGap flexWrap="wrap">
                  {can('tenants', 'list') && <Total resource="tenants" label="resources.tenants.name" icon={tenants.icon} />}
                  {can('accounts', 'list') && <Total resource="accounts" label="resources.accounts.name" icon={accounts.icon} />}
                  {can('audit', 'list') && <Total resource="audit" label="resources.audit.name" icon={audit.icon} />}
                </Stack>
              </SectionCard>
            )}
            <SectionCard title="yiyun.dashboard.shortcuts">
              <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap">
                {shortcuts.map((s) => (
                  <Button key={s.to} component={Link} to={s.to} variant="outlined" size="small">
                    {s.label}
                  </Button>
                ))}
                <Button component={Link} to="/roles" variant="outlined" size="small" startIcon={<roles.icon />}>
                  {translate('resources.roles.name', { smart_count: 2 })}
                </Button>
              </Stack>
            </SectionCard>
          </Stack>
        </Grid>
        <Grid size={12}>
          <SectionCard title="yiyun.dashboard.permissions">
            <Stack direction="row" spacing={0.75} useFlexGap flexWrap="wrap">
              {me.permissions.map((p) => (
                <PermissionChip key={p} permission={p} />
              ))}
            </Stack>
          </SectionCard>
        </Grid>
      </Grid>
    </Box>
  );
};
