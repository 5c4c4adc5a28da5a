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
    '  script_user keepalived_script',
    '}',
    '',
    `vrrp_script ${check} {`,
    `  script "/usr/local/libexec/yiyun/check-${m.role}"`,
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

/** cloud-init user data that installs keepalived and writes its configuration. */
export function renderCloudInit(files: { path: string; content: string; permissions?: string }[], packages: string[]): string {
  const lines = ['#cloud-config', 'package_update: true', `packages: [${packages.join(', ')}]`, 'write_files:'];
  for (const f of files) {
    lines.push(`  - path: ${f.path}`, `    permissions: '${f.permissions ?? '0644'}'`, '    content: |');
    for (const l of f.content.split('\n')) lines.push(`      ${l}`);
  }
  lines.push('runcmd:', '  - [systemctl, enable, --now, keepalived]');
  return lines.join('\n') + '\n';
}
