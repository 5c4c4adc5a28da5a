import ReceiptLongIcon from '@mui/icons-material/ReceiptLong';
import type { Order } from '../../cloud/types';
import { OrderList, OrderShow } from './OrderViews';

export default { list: OrderList, show: OrderShow, icon: ReceiptLongIcon, recordRepresentation: (o: Order) => `${o.kind}/${o.action}` };
