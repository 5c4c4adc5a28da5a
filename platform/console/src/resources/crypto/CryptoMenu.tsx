import BuildIcon from '@mui/icons-material/Build';
import DrawIcon from '@mui/icons-material/Draw';
import InventoryIcon from '@mui/icons-material/Inventory2';
import { Divider, ListSubheader } from '@mui/material';
import { Menu as RaMenu, usePermissions, useSidebarState, useTranslate } from 'react-admin';
import { allows } from '../../providers/access';
import certificates from '../certificates';
import ferryTransfers from '../ferry-transfers';
import kmsKeys from '../kms-keys';
import kmsUsage from '../kms-usage';
import { CRYPTO_INVENTORY_PATH, KMS_TOOLS_PATH, SIGNING_PATH } from './config';

/** The 密码服务 group of the side menu: keys, key use, certificates, ferry history, the inventory. */
export const CryptoMenu = () => {
  const { permissions } = usePermissions<string[]>();
  const translate = useTranslate();
  const [open] = useSidebarState();
  const can = (r: string, a = 'list') => allows(permissions, r, a);
  const items = [
    can('kms-keys') && <RaMenu.Item key="kms-keys" to="/kms-keys" primaryText={translate('resources.kms-keys.name', { smart_count: 2 })} leftIcon={<kmsKeys.icon />} />,
    (can('kms-tools', 'use') || can('kms-tools', 'import')) && <RaMenu.Item key="kms-tools" to={KMS_TOOLS_PATH} primaryText={translate('resources.crypto.menu.kms_tools')} leftIcon={<BuildIcon />} />,
    can('kms-usage') && <RaMenu.Item key="kms-usage" to="/kms-usage" primaryText={translate('resources.kms-usage.name', { smart_count: 2 })} leftIcon={<kmsUsage.icon />} />,
    can('certificates') && <RaMenu.Item key="certificates" to="/certificates" primaryText={translate('resources.certificates.name', { smart_count: 2 })} leftIcon={<certificates.icon />} />,
    can('signing', 'use') && <RaMenu.Item key="signing" to={SIGNING_PATH} primaryText={translate('resources.crypto.menu.signing')} leftIcon={<DrawIcon />} />,
    can('ferry-transfers') && <RaMenu.Item key="ferry-transfers" to="/ferry-transfers" primaryText={translate('resources.ferry-transfers.name', { smart_count: 2 })} leftIcon={<ferryTransfers.icon />} />,
    can('crypto-inventory', 'read') && <RaMenu.Item key="crypto-inventory" to={CRYPTO_INVENTORY_PATH} primaryText={translate('resources.crypto.menu.inventory')} leftIcon={<InventoryIcon />} />,
  ].filter(Boolean);
  if (items.length === 0) return null;
  return (
    <>
      {open ? (
        <ListSubheader sx={{ lineHeight: '32px', mt: 1, bgcolor: 'transparent', color: 'text.secondary', fontSize: 12, letterSpacing: 1 }}>{translate('resources.crypto.menu.group')}</ListSubheader>
      ) : (
        <Divider sx={{ my: 1 }} />
      )}
      {items}
    </>
  );
};
