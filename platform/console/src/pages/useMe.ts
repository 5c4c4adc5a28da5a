import { useGetIdentity } from 'react-admin';
import { forgetMe, type Identity } from '../providers/authProvider';

/** The /me answer behind the current identity (account, permissions, password expiry); `refetch` reads it afresh. */
export function useMe() {
  const { identity, isPending, refetch } = useGetIdentity();
  return {
    me: (identity as Identity | undefined)?.me,
    isPending,
    refetch: () => {
      forgetMe();
      return refetch();
    },
  };
}
