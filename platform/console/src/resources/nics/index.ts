import SettingsEthernetIcon from '@mui/icons-material/SettingsEthernet';
import type { CloudResource } from '../../cloud/types';
import { NicCreate, NicList, NicShow } from './NicViews';

export default { list: NicList, show: NicShow, create: NicCreate, icon: SettingsEthernetIcon, recordRepresentation: (r: CloudResource) => r.name };
