import { stringify } from 'yaml';

/** Inputs for one member's keepalived.conf. */
export interface KeepalivedMember {
  pair: string;
  role: string;
  vrid: number;
  vip: string;
  prefixLength: number;
  self: string;
  peer: string;
  /** the first member starts with the higher priority */
  priority: number;
  iface?: string;
}

/**
 * Renders keepalived.conf for one HaVIP member. Both members start as BACKUP with `nopreempt`, so a
 * recovered node does not take the VIP back and cause a second failover; VRRP goes unicast between
 * the two fixed addresses (multicast does not cross Neutron reliably), and the VIP moves only while
 * the role's health check passes. Pure.
 */
export function renderKeepalived(m: KeepalivedMember): string {
  const iface = m.iface ?? 'eth0';
  const check = `chk_${m.role}`;
  return [
    'global_defs {',
    `  router_id ${m.pair}-${m.self.replace(/[.:]/g, '-')}`,
    '  enable_script_security',
    `  script_user ${SCRIPT_USER}`,
    '}',
    '',
    `vrrp_script ${check} {`,
    `  script "${checkScriptPath(m.role)}"`,
    '  interval 2',
    '  timeout 3',
    '  fall 2',
    '  rise 2',
    '}',
    '',
    `vrrp_instance ${m.pair.toUpperCase().replace(/-/g, '_')} {`,
    '  state BACKUP',
    '  nopreempt',
    `  interface ${iface}`,
    `  virtual_router_id ${m.vrid}`,
    `  priority ${m.priority}`,
    '  advert_int 1',
    `  unicast_src_ip ${m.self}`,
    '  unicast_peer {',
    `    ${m.peer}`,
    '  }',
    '  virtual_ipaddress {',
    `    ${m.vip}/${m.prefixLength} dev ${iface}`,
    '  }',
    '  track_script {',
    `    ${check}`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Where keepalived finds a role's health check (the `vrrp_script` path above). */
export const checkScriptPath = (role: string): string => `/usr/local/libexec/yiyun/check-${role}`;

/** The unprivileged user keepalived runs track scripts as (`script_user` above). */
export const SCRIPT_USER = 'keepalived_script';

/**
 * What "healthy" means per HaVIP role; the VIP stays only on a member whose check exits 0.
 * - waf: the local HTTPS listener answers (any status below 500: a 403 from a rule is a working WAF).
 * - ips: the inspection engine (Suricata in the hardened image) is running.
 * - postgres: the local server accepts connections. pg_isready also passes on a standby, so this
 *   moves the VIP away from a dead server but does not promote a standby — that is the replication
 *   manager's job, and the VIP must follow the primary it promotes (see docs/infra.md).
 */
const CHECKS: Record<string, { body: string[]; packages: string[] }> = {
  waf: {
    body: [
      'code=$(curl --silent --insecure --max-time 2 --output /dev/null --write-out "%{http_code}" https://127.0.0.1:443/) || exit 1',
      '[ "$code" -ge 100 ] && [ "$code" -lt 500 ]',
    ],
    packages: ['curl'],
  },
  ips: { body: ['systemctl is-active --quiet suricata'], packages: [] },
  postgres: { body: ['pg_isready --quiet --host=127.0.0.1 --port=5432 --timeout=2'], packages: [] },
};

/** The health-check script of a role (bash; exit 0 healthy). Throws for a role without a check. Pure. */
export function renderHealthCheck(role: string): string {
  const c = CHECKS[role];
  if (!c) throw new Error(`no keepalived health check for role "${role}" (known: ${Object.keys(CHECKS).join(', ')})`);
  return ['#!/bin/bash', `# keepalived track script of the ${role} HaVIP pair: exit 0 while this member may hold the VIP.`, 'set -u', ...c.body, ''].join('\n');
}

/** A file cloud-init writes. */
export interface CloudInitFile {
  path: string;
  content: string;
  permissions?: string;
  owner?: string;
}

/**
 * cloud-init user data of a HaVIP member: the script user keepalived's `enable_script_security`
 * requires (a system account without a shell), the configuration, the role's track script
 * (root-owned 0755 — keepalived refuses scripts a non-root user could change), keepalived enabled.
 * Rendered with the YAML library so content is quoted correctly. Pure.
 */
export function renderMemberCloudInit(role: string, keepalivedConf: string): string {
  const files: CloudInitFile[] = [
    { path: '/etc/keepalived/keepalived.conf', content: keepalivedConf, permissions: '0640', owner: 'root:root' },
    { path: checkScriptPath(role), content: renderHealthCheck(role), permissions: '0755', owner: 'root:root' },
  ];
  return renderCloudInit(files, ['keepalived', ...CHECKS[role]!.packages], {
    users: ['default', { name: SCRIPT_USER, system: true, shell: '/sbin/nologin', lock_passwd: true, no_create_home: true }],
    runcmd: [['systemctl', 'enable', '--now', 'keepalived']],
  });
}

/** cloud-init user data from files, packages, users and commands. Pure. */
export function renderCloudInit(
  files: readonly CloudInitFile[],
  packages: readonly string[],
  extra: { users?: unknown[]; runcmd?: string[][] } = {},
): string {
  const doc: Record<string, unknown> = {
    package_update: true,
    packages: [...packages],
    ...(extra.users ? { users: extra.users } : {}),
    write_files: files.map((f) => ({ path: f.path, owner: f.owner ?? 'root:root', permissions: f.permissions ?? '0644', content: f.content })),
    ...(extra.runcmd ? { runcmd: extra.runcmd } : {}),
  };
  return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
}
