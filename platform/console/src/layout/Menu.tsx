import InsightsIcon from '@mui/icons-material/Insights';
import PersonIcon from '@mui/icons-material/Person';
import PolicyIcon from '@mui/icons-material/Policy';
import { Divider, ListSubheader } from '@mui/material';
import type { ReactNode } from 'react';
import { Menu as RaMenu, usePermissions, useSidebarState, useTranslate } from 'react-admin';
import { CloudMenu } from '../cloud/CloudMenu';
import { allows } from '../providers/access';
import accounts from '../resources/accounts';
import audit from '../resources/audit';
import { logAlerts, logParsers, logRules, logSources } from '../resources/log-audit';
import Inventory2Icon from '@mui/icons-material/Inventory2';
import { secauditMenuItems } from '../resources/bastion/menu';
import { CryptoMenu } from '../resources/crypto/CryptoMenu';
import ManageSearchIcon from '@mui/icons-material/ManageSearch';
import DashboardIcon from '@mui/icons-material/SpaceDashboard';
import compliance, { COMPLIANCE_DASHBOARD_PATH } from '../resources/compliance';
import roles from '../resources/roles';
import tenants from '../resources/tenants';

const Group = ({ label, children }: { label: string; children: ReactNode[] }) => {
  const translate = useTranslate();
  const [open] = useSidebarState();
  const visible = children.filter(Boolean);
  if (visible.length === 0) return null;
  return (
    <>
      {open ? (
        <ListSubheader sx={{ lineHeight: '32px', mt: 1, bgcolor: 'transparent', color: 'text.secondary', fontSize: 12, letterSpacing: 1 }}>
          {translate(label)}
        </ListSubheader>
      ) : (
        <Divider sx={{ my: 1 }} />
      )}
      {visible}
    </>
  );
};

/** The side menu: only what the account's permissions allow, grouped by job. */
export const Menu = () => {
  const { permissions } = usePermissions<string[]>();
  const translate = useTranslate();
  const can = (resource: string, action: string) => allows(permissions, resource, action);
  return (
    <RaMenu>
      <RaMenu.DashboardItem primaryText={translate('yiyun.menu.dashboard')} />
      <CloudMenu />
      <Group label="yiyun.menu.tenancy">{[can('tenants', 'list') && <RaMenu.Item key="tenants" to="/tenants" primaryText={translate('resources.tenants.name', { smart_count: 2 })} leftIcon={<tenants.icon />} />]}</Group>
      <Group label="yiyun.menu.identity">
        {[
          can('accounts', 'list') && <RaMenu.Item key="accounts" to="/accounts" primaryText={translate('resources.accounts.name', { smart_count: 2 })} leftIcon={<accounts.icon />} />,
          <RaMenu.Item key="roles" to="/roles" primaryText={translate('resources.roles.name', { smart_count: 2 })} leftIcon={<roles.icon />} />,
          can('security-policy', 'read') && <RaMenu.Item key="policy" to="/security-policy" primaryText={translate('yiyun.menu.security_policy')} leftIcon={<PolicyIcon />} />,
        ]}
      </Group>
      <Group label="yiyun.menu.security">
        {[
          can('audit', 'list') && <RaMenu.Item key="audit" to="/audit" primaryText={translate('resources.audit.name', { smart_count: 2 })} leftIcon={<audit.icon />} />,
          can('tenant-audit', 'list') && <RaMenu.Item key="tenant-audit" to="/tenant-audit" primaryText={translate('resources.tenant-audit.name', { smart_count: 2 })} leftIcon={<audit.icon />} />,
          can('log-search', 'read') && <RaMenu.Item key="log-dashboard" to="/log-dashboard" primaryText={translate('resources.log-dashboard.name')} leftIcon={<DashboardIcon />} />,
          can('log-search', 'read') && <RaMenu.Item key="log-search" to="/log-search" primaryText={translate('resources.log-search.name')} leftIcon={<ManageSearchIcon />} />,
          can('log-alerts', 'list') && <RaMenu.Item key="log-alerts" to="/log-alerts" primaryText={translate('resources.log-alerts.name', { smart_count: 2 })} leftIcon={<logAlerts.icon />} />,
          can('log-sources', 'list') && <RaMenu.Item key="log-sources" to="/log-sources" primaryText={translate('resources.log-sources.name', { smart_count: 2 })} leftIcon={<logSources.icon />} />,
          can('log-rules', 'list') && <RaMenu.Item key="log-rules" to="/log-rules" primaryText={translate('resources.log-rules.name', { smart_count: 2 })} leftIcon={<logRules.icon />} />,
          can('log-parsers', 'list') && <RaMenu.Item key="log-parsers" to="/log-parsers" primaryText={translate('resources.log-parsers.name', { smart_count: 2 })} leftIcon={<logParsers.icon />} />,
          can('log-retention', 'read') && <RaMenu.Item key="log-retention" to="/log-retention" primaryText={translate('resources.log-retention.name')} leftIcon={<Inventory2Icon />} />,
          ...secauditMenuItems(can, translate),
        ]}
      </Group>
      <CryptoMenu />
      <Group label="resources.compliance.menu.group">
        {[
          can('compliance', 'dashboard') && <RaMenu.Item key="compliance-dashboard" to={COMPLIANCE_DASHBOARD_PATH} primaryText={translate('resources.compliance.menu.dashboard')} leftIcon={<InsightsIcon />} />,
          can('compliance', 'list') && <RaMenu.Item key="compliance" to="/compliance" primaryText={translate('resources.compliance.menu.items')} leftIcon={<compliance.icon />} />,
        ]}
      </Group>
      <Divider sx={{ my: 1 }} />
      <RaMenu.Item to="/profile" primaryText={translate('yiyun.menu.profile')} leftIcon={<PersonIcon />} />
    </RaMenu>
  );
};
