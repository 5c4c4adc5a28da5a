import type { ReactNode } from 'react';
import { Layout as RaLayout, Loading, Navigate, useGetIdentity } from 'react-admin';
import { PENDING_PATHS, type Identity } from '../providers/authProvider';
import { AppBar } from './AppBar';
import { Menu } from './Menu';

/**
 * The frame of every logged-in page. An unfinished first login (forced password change, MFA enrolment)
 * never reaches it: the user is sent to the page that finishes the step.
 */
export const Layout = ({ children }: { children: ReactNode }) => {
  const { identity, isPending } = useGetIdentity();
  const pending = (identity as Identity | undefined)?.pending;
  if (pending) return <Navigate to={PENDING_PATHS[pending]} replace />;
  return (
    <RaLayout appBar={AppBar} menu={Menu}>
      {isPending ? <Loading /> : children}
    </RaLayout>
  );
};
