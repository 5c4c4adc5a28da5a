import RefreshIcon from '@mui/icons-material/Refresh';
import { Alert, Box, Button, Card, CardContent, Chip, Stack, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useNavigate } from 'react-router-dom';
import { Loading, Title, useTranslate } from 'react-admin';
import { useCloud } from '../kit';
import { KIND_RESOURCE, type Topology, type TopologyNode } from '../types';
import { H, layout, W } from './topology-layout';

/** Colours per kind (fill, stroke) and per edge kind (stroke, dash). */
export const NODE_STYLE: Record<TopologyNode['kind'], { fill: string; stroke: string; badge: string }> = {
  vpc: { fill: '#e8f0fe', stroke: '#1a56b0', badge: 'VPC' },
  router: { fill: '#eef7f7', stroke: '#0f7b7f', badge: 'R' },
  subnet: { fill: '#f1f8e9', stroke: '#4b8b1d', badge: 'SN' },
  vm: { fill: '#fff8e1', stroke: '#b26a00', badge: 'VM' },
  havip: { fill: '#fce4ec', stroke: '#ad1457', badge: 'VIP' },
  security_group: { fill: '#fdecea', stroke: '#c62828', badge: 'SG' },
  eip: { fill: '#ede7f6', stroke: '#5e35b1', badge: 'EIP' },
};
const EDGE_STYLE: Record<string, { stroke: string; dash?: string }> = {
  contains: { stroke: '#7a8699' },
  routes: { stroke: '#1a56b0' },
  nic: { stroke: '#4b8b1d' },
  vip: { stroke: '#ad1457', dash: '6 4' },
  guards: { stroke: '#c62828', dash: '2 4' },
  binds: { stroke: '#5e35b1', dash: '8 4' },
};
const pathOf = (pts: { x: number; y: number }[]) => pts.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');

/** Where a node leads: its resource page (a router is its VPC's). */
export const nodeHref = (n: TopologyNode) => (n.kind === 'router' ? `/vpcs/${n.id.replace(/^router:/, '')}/show` : `/${KIND_RESOURCE[n.kind] ?? n.kind}/${n.id}/show`);

/** The tenant's network as a diagram: every node is a link to its resource. */
export const TopologyPage = () => {
  const translate = useTranslate();
  const dp = useCloud();
  const navigate = useNavigate();
  const topo = useQuery({ queryKey: ['cloud', 'topology'], queryFn: () => dp.cloudGet<Topology>('topology') });
  const laid = useQuery({ queryKey: ['cloud', 'topology-layout', topo.dataUpdatedAt], queryFn: () => layout(topo.data!), enabled: !!topo.data });
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const n of topo.data?.nodes ?? []) c[n.kind] = (c[n.kind] ?? 0) + 1;
    return c;
  }, [topo.data]);
  return (
    <Box sx={{ mt: 2 }} data-testid="topology">
      <Title title={translate('cloud.topology.title')} />
      <Card>
        <CardContent>
          <Stack direction="row" spacing={1} useFlexGap flexWrap="wrap" alignItems="center" sx={{ mb: 2 }}>
            {(Object.keys(NODE_STYLE) as TopologyNode['kind'][]).map((k) => (
              <Chip key={k} size="small" label={`${translate(`cloud.kinds.${k}`)} ${counts[k] ?? 0}`} sx={{ bgcolor: NODE_STYLE[k].fill, border: `1px solid ${NODE_STYLE[k].stroke}` }} />
            ))}
            <Box sx={{ flex: 1 }} />
            {Object.entries(EDGE_STYLE).map(([k, s]) => (
              <Stack key={k} direction="row" spacing={0.5} alignItems="center" sx={{ fontSize: 12, color: 'text.secondary' }}>
                <svg width="28" height="8"><line x1="0" y1="4" x2="28" y2="4" stroke={s.stroke} strokeWidth="2" strokeDasharray={s.dash} /></svg>
                <span>{translate(`cloud.topology.edges.${k}`)}</span>
              </Stack>
            ))}
            <Button size="small" startIcon={<RefreshIcon />} onClick={() => topo.refetch()}>{translate('ra.action.refresh')}</Button>
          </Stack>
          {topo.isPending || (topo.data && laid.isPending) ? (
            <Loading />
          ) : topo.error || laid.error ? (
            <Alert severity="error">{((topo.error ?? laid.error) as Error).message}</Alert>
          ) : !laid.data || laid.data.nodes.length === 0 ? (
            <Typography color="text.secondary">{translate('cloud.topology.empty')}</Typography>
          ) : (
            <Box sx={{ overflow: 'auto', border: '1px solid', borderColor: 'divider', borderRadius: 1, bgcolor: '#fbfcfe', maxHeight: '72vh' }}>
              <svg width={laid.data.width + 40} height={laid.data.height + 40} role="img" aria-label={translate('cloud.topology.title')} data-testid="topology-svg">
                <defs>
                  <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z" fill="#7a8699" />
                  </marker>
                </defs>
                <g transform="translate(20,20)">
                  {laid.data.edges.map((e) => (
                    <path key={e.id} d={pathOf(e.points)} fill="none" stroke={EDGE_STYLE[e.kind]?.stroke ?? '#999'} strokeWidth={1.6} strokeDasharray={EDGE_STYLE[e.kind]?.dash} markerEnd="url(#arrow)" opacity={0.85} />
                  ))}
                  {laid.data.nodes.map((n) => {
                    const s = NODE_STYLE[n.kind];
                    return (
                      <g key={n.id} transform={`translate(${n.x},${n.y})`} style={{ cursor: 'pointer' }} onClick={() => navigate(nodeHref(n))} data-testid={`topo-node-${n.kind}`} data-name={n.name}>
                        <title>{`${translate(`cloud.kinds.${n.kind}`)}：${n.name}（${translate(`cloud.status.${n.status}`, { _: n.status })}）`}</title>
                        <rect width={W} height={H} rx={8} fill={s.fill} stroke={s.stroke} strokeWidth={1.5} />
                        <rect x={8} y={12} width={34} height={24} rx={5} fill={s.stroke} />
                        <text x={25} y={28} textAnchor="middle" fontSize={11} fontWeight={700} fill="#fff">{s.badge}</text>
                        <text x={50} y={21} fontSize={13} fontWeight={600} fill="#1c2733">{n.name.length > 16 ? `${n.name.slice(0, 15)}…` : n.name}</text>
                        <text x={50} y={37} fontSize={11} fill="#5f6b7a">{`${translate(`cloud.kinds.${n.kind}`)} · ${translate(`cloud.status.${n.status}`, { _: n.status })}`}</text>
                      </g>
                    );
                  })}
                </g>
              </svg>
            </Box>
          )}
        </CardContent>
      </Card>
    </Box>
  );
};
