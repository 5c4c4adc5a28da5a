import SwapHorizIcon from '@mui/icons-material/SwapHoriz';
import type { FerryTransfer } from '../crypto/types';
import { TransferList } from './TransferList';
import { TransferShow } from './TransferShow';

/** Gatekeeper ferry history (API path /api/ferry/transfers); transfers themselves run from `yiyun ferry`. */
export default {
  list: TransferList,
  show: TransferShow,
  edit: undefined,
  create: undefined,
  icon: SwapHorizIcon,
  recordRepresentation: (r: FerryTransfer) => `${r.flow} #${r.sequence ?? '?'}`,
};
