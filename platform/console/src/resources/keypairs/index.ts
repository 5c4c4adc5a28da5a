import VpnKeyIcon from '@mui/icons-material/VpnKey';
import type { CloudResource } from '../../cloud/types';
import { KeypairCreate, KeypairList, KeypairShow } from './KeypairViews';

export default { list: KeypairList, show: KeypairShow, create: KeypairCreate, icon: VpnKeyIcon, recordRepresentation: (r: CloudResource) => r.name };
