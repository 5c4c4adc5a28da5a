import { lazy, Suspense } from 'react';
import { CustomRoutes, Loading, Resource } from 'react-admin';
import { Route } from 'react-router-dom';
import acls from '../resources/acls';
import backupPolicies from '../resources/backup-policies';
import backups from '../resources/backups';
import disks from '../resources/disks';
import eips from '../resources/eips';
import havips from '../resources/havips';
import images from '../resources/images';
import keypairs from '../resources/keypairs';
import nics from '../resources/nics';
import orders from '../resources/orders';
import quota from '../resources/quota';
import recycleBin from '../resources/recycle-bin';
import securityGroups from '../resources/security-groups';
import serverGroups from '../resources/server-groups';
import snapshots from '../resources/snapshots';
import subnets from '../resources/subnets';
import templates from '../resources/templates';
import vms from '../resources/vms';
import vpcs from '../resources/vpcs';
import { CloudOverview } from './overview/Overview';

// The topology page carries the ELK layout engine (~1.5 MB): loaded only when the page is opened.
const TopologyPage = lazy(() => import('./topology/TopologyPage').then((m) => ({ default: m.TopologyPage })));

type Def = { icon: React.ComponentType; [k: string]: unknown };

/** The cloud's resources by menu group (计算 / 存储 / 网络 / 运维), in menu order. */
export const CLOUD_MENU: { group: 'compute' | 'storage' | 'network' | 'ops'; items: { name: string; icon: React.ComponentType; def: Def }[] }[] = [
  { group: 'compute', items: [['vms', vms], ['templates', templates], ['images', images], ['server-groups', serverGroups], ['keypairs', keypairs]] },
  { group: 'storage', items: [['disks', disks], ['snapshots', snapshots], ['backups', backups], ['backup-policies', backupPolicies], ['recycle-bin', recycleBin]] },
  { group: 'network', items: [['vpcs', vpcs], ['subnets', subnets], ['security-groups', securityGroups], ['acls', acls], ['eips', eips], ['havips', havips], ['nics', nics]] },
  { group: 'ops', items: [['orders', orders], ['quota', quota]] },
].map((g) => ({ group: g.group as 'compute', items: (g.items as [string, Def][]).map(([name, def]) => ({ name, icon: def.icon, def })) }));

/**
 * Every cloud resource and page, as one fragment for <Admin> (react-admin reads resources from its children
 * and looks inside fragments, not inside components).
 */
export const cloudResources = (
  <>
    {CLOUD_MENU.flatMap((g) => g.items).map(({ name, def }) => (
      <Resource key={name} name={name} {...(def as object)} />
    ))}
    <CustomRoutes>
      <Route path="/topology" element={<Suspense fallback={<Loading />}><TopologyPage /></Suspense>} />
      <Route path="/cloud-overview" element={<CloudOverview />} />
    </CustomRoutes>
  </>
);
