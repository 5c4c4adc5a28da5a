import { Menu as RaMenu } from 'react-admin';
import { SECAUDIT_MENU } from './resources';

/**
 * The bastion's and the database audit's menu entries, for the 安全与审计 group of layout/Menu.tsx (beside the
 * audit trail and the log audit); only those the account's permissions allow.
 */
export function secauditMenuItems(can: (resource: string, action: string) => boolean, translate: (key: string, opts?: object) => string) {
  return SECAUDIT_MENU.map(({ name, def }) => {
    if (!can(name, 'list')) return null;
    const Icon = def.icon;
    return <RaMenu.Item key={name} to={`/${name}`} primaryText={translate(`resources.${name}.name`, { smart_count: 2 })} leftIcon={<Icon />} />;
  });
}
