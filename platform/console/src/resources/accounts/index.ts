import ManageAccountsIcon from '@mui/icons-material/ManageAccounts';
import type { Account } from '../../api/types';
import { AccountCreate } from './AccountCreate';
import { AccountEdit } from './AccountEdit';
import { AccountList } from './AccountList';
import { AccountShow } from './AccountShow';

export default {
  list: AccountList,
  show: AccountShow,
  edit: AccountEdit,
  create: AccountCreate,
  icon: ManageAccountsIcon,
  recordRepresentation: (r: Account) => `${r.displayName}（${r.loginId}）`,
};
