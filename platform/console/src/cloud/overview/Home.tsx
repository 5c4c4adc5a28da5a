import { Loading } from 'react-admin';
import { Dashboard } from '../../pages/Dashboard';
import { useMe } from '../../pages/useMe';
import { CloudOverview } from './Overview';

/**
 * The home page: a tenant account (hospital IT) lands on its cloud overview; platform roles keep the
 * platform dashboard (and reach the cloud overview from the menu when they hold cloud.read).
 */
export const Home = () => {
  const { me } = useMe();
  if (!me) return <Loading />;
  return me.account.tenantId && me.permissions.includes('cloud.read') ? <CloudOverview /> : <Dashboard />;
};
