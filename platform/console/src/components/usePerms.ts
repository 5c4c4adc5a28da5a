import { usePermissions } from 'react-admin';
import { allows } from '../providers/access';

/** `can(resource, action)` over the account's permissions, with the same table the API enforces. */
export function usePerms() {
  const { permissions, isPending } = usePermissions<string[]>();
  return { isPending, permissions: permissions ?? [], can: (resource: string, action: string) => allows(permissions, resource, action) };
}
