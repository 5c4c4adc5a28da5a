import { Resource } from 'react-admin';
import { dbAlerts, dbConnections, dbStatements } from '../db-audit';
import { bastionAdminSources, bastionApprovals, bastionAssets, bastionGrants, bastionKeys, bastionMacRules, bastionReports, bastionRules, bastionSessions } from '.';

/** The bastion's and the database audit's resources, in menu order. */
export const SECAUDIT_MENU = [
  { name: 'bastion-sessions', def: bastionSessions },
  { name: 'bastion-assets', def: bastionAssets },
  { name: 'bastion-grants', def: bastionGrants },
  { name: 'bastion-command-rules', def: bastionRules },
  { name: 'bastion-approvals', def: bastionApprovals },
  { name: 'bastion-admin-sources', def: bastionAdminSources },
  { name: 'bastion-mac-rules', def: bastionMacRules },
  { name: 'bastion-keys', def: bastionKeys },
  { name: 'db-audit-statements', def: dbStatements },
  { name: 'db-audit-connections', def: dbConnections },
  { name: 'db-audit-alerts', def: dbAlerts },
  { name: 'bastion-reports', def: bastionReports },
] as const;

/** Every page of both rooms as one fragment for <Admin> (react-admin looks inside fragments, not components). */
export const secauditResources = (
  <>
    {SECAUDIT_MENU.map(({ name, def }) => (
      <Resource key={name} name={name} {...(def as object)} />
    ))}
  </>
);
