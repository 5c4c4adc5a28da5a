/**
 * The bastion's and the database audit's part of the dataProvider's resource map and of the console's
 * permission table (spread into providers/dataProvider.ts and providers/access.ts). Paths, filters and body
 * fields follow security/bastion/bastion-routes.ts and security/dbaudit/dbaudit-routes.ts exactly: the API
 * rejects anything else with 400.
 */

export const SECAUDIT_RESOURCES = {
  'bastion-assets': {
    path: '/api/bastion/assets',
    sortable: [] as string[],
    filters: [] as string[],
    paged: true,
    creatable: ['name', 'address', 'port', 'osType', 'folder', 'encoding', 'hostKeySha256', 'enabled'],
    updatable: ['name', 'address', 'port', 'osType', 'folder', 'encoding', 'hostKeySha256', 'enabled'],
    deletable: true,
  },
  'bastion-grants': {
    path: '/api/bastion/grants',
    sortable: [] as string[],
    filters: [] as string[],
    paged: false,
    creatable: ['operatorLogin', 'assetId', 'folder', 'accountUsername', 'protocols', 'validFrom', 'validUntil'],
    deletable: true,
  },
  'bastion-command-rules': { path: '/api/bastion/command-rules', sortable: [] as string[], filters: [] as string[], paged: false, creatable: ['name', 'pattern', 'action', 'priority', 'enabled'], deletable: true },
  'bastion-approvals': { path: '/api/bastion/approvals', sortable: [] as string[], filters: [] as string[], paged: false },
  'bastion-keys': { path: '/api/bastion/profile/keys', sortable: [] as string[], filters: [] as string[], paged: false, creatable: ['name', 'publicKey'], deletable: true },
  'bastion-admin-sources': { path: '/api/bastion/admin-sources', sortable: [] as string[], filters: [] as string[], paged: false, creatable: ['cidr', 'note'], deletable: true },
  'bastion-mac-rules': { path: '/api/bastion/mac-rules', sortable: [] as string[], filters: [] as string[], paged: false, creatable: ['name', 'logins', 'roles', 'sourceCidrs', 'macs', 'enabled'], deletable: true },
  'bastion-sessions': { path: '/api/bastion/sessions', sortable: [] as string[], filters: ['operator', 'asset', 'text', 'from', 'to', 'live'], paged: true },
  'db-audit-statements': { path: '/api/db-audit/statements', sortable: [] as string[], filters: ['user', 'database', 'command', 'text', 'srcIp', 'engine', 'failed', 'from', 'to'], paged: true },
  'db-audit-connections': { path: '/api/db-audit/connections', sortable: [] as string[], filters: [] as string[], paged: true },
  'db-audit-alerts': { path: '/api/db-audit/alerts', sortable: [] as string[], filters: ['kind'], paged: true },
};

const READ = 'bastion.read';
const MANAGE = 'bastion.manage';
const RULES = 'bastion.rule_manage';
const SESSIONS = 'bastion.session_read';

export const SECAUDIT_ACCESS: Record<string, Record<string, string | readonly string[] | null>> = {
  'bastion-assets': { list: READ, show: READ, create: MANAGE, edit: MANAGE, delete: MANAGE, account_manage: MANAGE },
  'bastion-grants': { list: READ, create: MANAGE, delete: MANAGE },
  'bastion-command-rules': { list: READ, create: RULES, delete: RULES },
  // GET /api/bastion/approvals itself needs bastion.rule_manage.
  'bastion-approvals': { list: RULES, decide: RULES },
  // Every account manages its own keys (null: any logged-in account); ACLs are the security administrator's.
  'bastion-keys': { list: null, create: null, delete: null },
  'bastion-admin-sources': { list: READ, create: 'bastion.acl_manage', delete: 'bastion.acl_manage' },
  'bastion-mac-rules': { list: READ, create: 'bastion.acl_manage', delete: 'bastion.acl_manage' },
  'bastion-sessions': { list: SESSIONS, show: SESSIONS, replay: SESSIONS, kill: 'bastion.session_kill', report: SESSIONS },
  // security/bastion/reports and security/dbaudit/reports: the page lists the reports of whichever room the account reads.
  'bastion-reports': { list: [SESSIONS, 'dbaudit.read'], bastion: SESSIONS, dbaudit: 'dbaudit.read' },
  'db-audit-statements': { list: 'dbaudit.read', report: 'dbaudit.read' },
  'db-audit-connections': { list: 'dbaudit.read' },
  'db-audit-alerts': { list: 'dbaudit.read' },
};
