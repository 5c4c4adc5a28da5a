import AccountTreeIcon from '@mui/icons-material/AccountTree';
import SpaceDashboardIcon from '@mui/icons-material/SpaceDashboard';
import { Divider, ListSubheader } from '@mui/material';
import type { ReactElement } from 'react';
import { Menu as RaMenu, useGetIdentity, usePermissions, useSidebarState, useTranslate } from 'react-admin';
import { allows } from '../providers/access';
import type { Identity } from '../providers/authProvider';
import { CLOUD_MENU } from './resources';

const Group = ({ label, children }: { label: string; children: (ReactElement | false)[] }) => {
  const translate = useTranslate();
  const [open] = useSidebarState();
  const visible = children.filter(Boolean);
  if (visible.length === 0) return null;
  return (
    <>
      {open ? <ListSubheader sx={{ lineHeight: '32px', mt: 1, bgcolor: 'transparent', color: 'text.secondary', fontSize: 12, letterSpacing: 1 }}>{translate(label)}</ListSubheader> : <Divider sx={{ my: 1 }} />}
      {visible}
    </>
  );
};

/** The cloud's part of the side menu: 计算 / 存储 / 网络 / 运维, each item only where `cloud.read` allows it. */
export const CloudMenu = () => {
  const { permissions } = usePermissions<string[]>();
  const { identity } = useGetIdentity();
  const translate = useTranslate();
  const tenant = !!(identity as Identity | undefined)?.me.account.tenantId;
  const can = (r: string) => allows(permissions, r, 'list');
  return (
    <>
      {CLOUD_MENU.map((g) => (
        <Group key={g.group} label={`cloud.menu.${g.group}`}>
          {[
            ...g.items.map(({ name, icon: Icon }) => can(name) && (name !== 'quota' || tenant) && <RaMenu.Item key={name} to={`/${name}`} primaryText={translate(`resources.${name}.name`, { smart_count: 2 })} leftIcon={<Icon />} />),
            g.group === 'network' && can('topology') && <RaMenu.Item key="topology" to="/topology" primaryText={translate('cloud.topology.title')} leftIcon={<AccountTreeIcon />} />,
            g.group === 'ops' && !tenant && can('overview') && <RaMenu.Item key="overview" to="/cloud-overview" primaryText={translate('cloud.overview.title')} leftIcon={<SpaceDashboardIcon />} />,
          ]}
        </Group>
      ))}
    </>
  );
};
