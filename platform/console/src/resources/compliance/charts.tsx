import { Box, Typography } from '@mui/material';
import { useLocaleState, useTranslate } from 'react-admin';
import { formatDateTime } from '../../components/fields';
import { formatScore } from './ComplianceFields';

/**
 * Two small charts in plain SVG (no chart library: the console stays light and prints in screenshots exactly
 * as drawn). Colours follow the conclusion bands: ≥ 90 green, ≥ 70 amber, below red.
 */

export const scoreColour = (s: number | null) => (s === null ? '#9e9e9e' : s >= 90 ? '#2e7d32' : s >= 70 ? '#ed6c02' : '#d32f2f');

export type Bar = { label: string; score: number | null; hint?: string; onClick?: () => void };

/** Horizontal bars, 0–100, one per category/layer, with the score at the end of each bar. */
export const ScoreBars = ({ bars, testId }: { bars: Bar[]; testId?: string }) => {
  const translate = useTranslate();
  const rowH = 26;
  const labelW = 120;
  const barW = 300;
  const width = labelW + barW + 52;
  const height = bars.length * rowH + 18;
  return (
    <Box sx={{ overflowX: 'auto' }} data-testid={testId}>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" style={{ maxWidth: width * 1.4, display: 'block' }} role="img" aria-label={translate('resources.compliance.dashboard.by_category')}>
        {[0, 25, 50, 75, 100].map((t) => (
          <g key={t}>
            <line x1={labelW + (barW * t) / 100} x2={labelW + (barW * t) / 100} y1={0} y2={bars.length * rowH} stroke="#e0e0e0" strokeDasharray={t === 0 ? undefined : '2 3'} />
            <text x={labelW + (barW * t) / 100} y={height - 4} fontSize={10} fill="#757575" textAnchor="middle">
              {t}
            </text>
          </g>
        ))}
        {bars.map((b, i) => {
          const y = i * rowH;
          const w = b.score === null ? 0 : (barW * Math.max(0, Math.min(100, b.score))) / 100;
          return (
            <g key={b.label} onClick={b.onClick} style={{ cursor: b.onClick ? 'pointer' : undefined }} data-testid="score-bar">
              <title>{`${b.label}: ${formatScore(b.score)}${b.hint ? ` (${b.hint})` : ''}`}</title>
              <text x={labelW - 8} y={y + rowH / 2 + 4} fontSize={12} fill="#424242" textAnchor="end">
                {b.label}
              </text>
              <rect x={labelW} y={y + 5} width={barW} height={rowH - 10} fill="#f5f5f5" rx={3} />
              <rect x={labelW} y={y + 5} width={w} height={rowH - 10} fill={scoreColour(b.score)} rx={3} />
              <text x={labelW + barW + 6} y={y + rowH / 2 + 4} fontSize={12} fill="#212121" fontWeight={600}>
                {formatScore(b.score)}
              </text>
            </g>
          );
        })}
      </svg>
    </Box>
  );
};

const last0 = <T,>(xs: T[]): T => xs[xs.length - 1]!;

export type TrendPoint = { at: string; score: number; grade?: string | null; passes: boolean };

/** The score after each check run, oldest left; dashed lines at the pass bands. */
export const TrendChart = ({ points, bands, testId }: { points: TrendPoint[]; bands: number[]; testId?: string }) => {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  if (points.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" data-testid={testId}>
        {translate('resources.compliance.dashboard.no_trend')}
      </Typography>
    );
  }
  const W = 520;
  const H = 170;
  const left = 30;
  const right = 12;
  const top = 10;
  const bottom = 24;
  // Scores move by fractions of a point between runs: the axis zooms to the scores' range (in steps of 10)
  // so a change is visible, and the band lines show only when they fall inside it.
  const scores = points.map((p) => p.score);
  const lo = Math.max(0, Math.floor((Math.min(...scores) - 5) / 10) * 10);
  const hi = Math.min(100, Math.ceil((Math.max(...scores) + 5) / 10) * 10);
  const x = (i: number) => (points.length === 1 ? left + (W - left - right) / 2 : left + ((W - left - right) * i) / (points.length - 1));
  const y = (s: number) => top + ((H - top - bottom) * (hi - s)) / (hi - lo);
  const ticks = [lo, (lo + hi) / 2, hi];
  const delta = points.length > 1 ? last0(points).score - points[points.length - 2]!.score : null;
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.score).toFixed(1)}`).join(' ');
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const short = (at: string) => formatDateTime(at, locale)?.slice(0, 16) ?? at;
  return (
    <Box data-testid={testId} data-points={points.length}>
      <Typography variant="body2" sx={{ mb: 0.5 }}>
        {translate('resources.compliance.dashboard.trend_latest', { score: formatScore(last.score), runs: points.length })}
        {delta !== null && (
          <Box component="span" sx={{ ml: 1, fontWeight: 600, color: delta > 0 ? 'success.main' : delta < 0 ? 'error.main' : 'text.secondary' }} data-testid="trend-delta">
            {delta > 0 ? '▲' : delta < 0 ? '▼' : '＝'} {Math.abs(delta).toFixed(2)}
          </Box>
        )}
      </Typography>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ display: 'block', maxWidth: W * 1.4 }} role="img" aria-label={translate('resources.compliance.dashboard.trend')}>
        {ticks.map((s) => (
          <g key={`g${s}`}>
            <line x1={left} x2={W - right} y1={y(s)} y2={y(s)} stroke="#eeeeee" />
            <text x={left - 4} y={y(s) + 4} fontSize={10} fill="#9e9e9e" textAnchor="end">
              {s}
            </text>
          </g>
        ))}
        {bands.filter((s) => s > lo && s < hi).map((s) => (
          <g key={`b${s}`}>
            <line x1={left} x2={W - right} y1={y(s)} y2={y(s)} stroke={scoreColour(s)} strokeOpacity={0.45} strokeDasharray="4 4" />
            <text x={W - right} y={y(s) - 2} fontSize={9} fill={scoreColour(s)} textAnchor="end">
              {s}
            </text>
          </g>
        ))}
        <path d={path} fill="none" stroke="#1565c0" strokeWidth={2} />
        {points.map((p, i) => (
          <circle key={i} cx={x(i)} cy={y(p.score)} r={3.5} fill={p.passes ? '#2e7d32' : '#d32f2f'} stroke="#fff" strokeWidth={1}>
            <title>{`${short(p.at)} · ${formatScore(p.score)}${p.grade ? ` · ${p.grade}` : ''}`}</title>
          </circle>
        ))}
        <text x={left} y={H - 6} fontSize={10} fill="#757575">
          {short(first.at)}
        </text>
        {points.length > 1 && (
          <text x={W - right} y={H - 6} fontSize={10} fill="#757575" textAnchor="end">
            {short(last.at)}
          </text>
        )}
      </svg>
    </Box>
  );
};
