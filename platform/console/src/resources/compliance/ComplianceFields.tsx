import { Box, Chip, Tooltip, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { ComplianceItem, Risk, Verdict } from './types';

type Tone = 'success' | 'warning' | 'error' | 'default' | 'info';

export const VERDICT_TONES: Record<Verdict | 'pending', Tone> = { pass: 'success', partial: 'warning', fail: 'error', na: 'default', pending: 'info' };
export const RISK_TONES: Record<Risk, Tone> = { low: 'info', medium: 'warning', high: 'error' };

/** A verdict in the assessor's words: 符合 / 部分符合 / 不符合 / 不适用, or 待核查 when there is none. */
export const VerdictChip = ({ verdict, size = 'small', testId }: { verdict: Verdict | null | undefined; size?: 'small' | 'medium'; testId?: string }) => {
  const translate = useTranslate();
  const v = verdict ?? 'pending';
  return (
    <Chip
      size={size}
      color={VERDICT_TONES[v]}
      variant={v === 'pending' ? 'outlined' : 'filled'}
      label={translate(`resources.compliance.choices.verdict.${v}`)}
      data-testid={testId ?? 'verdict-chip'}
      data-verdict={v}
    />
  );
};

export const RiskChip = ({ risk }: { risk: Risk | null | undefined }) => {
  const translate = useTranslate();
  if (!risk) return <span>{translate('yiyun.common.none')}</span>;
  return <Chip size="small" variant="outlined" color={RISK_TONES[risk]} label={translate(`resources.compliance.choices.risk.${risk}`)} />;
};

/** The item id, marked 编号待核对 when it could not be checked against GB/T 28448 (it must stay visible). */
export const ItemIdText = ({ item }: { item: Pick<ComplianceItem, 'id' | 'provisional'> }) => {
  const translate = useTranslate();
  return (
    <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.75, whiteSpace: 'nowrap' }}>
      <Box component="code" sx={{ fontFamily: 'monospace', fontSize: 13 }}>
        {item.id}
      </Box>
      {item.provisional && (
        <Tooltip title={translate('resources.compliance.provisional_hint')}>
          <Chip size="small" variant="outlined" color="warning" label={translate('resources.compliance.provisional')} data-testid="provisional-id" sx={{ height: 20, fontSize: 11 }} />
        </Tooltip>
      )}
    </Box>
  );
};

/** A choice value translated from `resources.compliance.choices.<group>.<value>`. */
export const ChoiceText = ({ group, value }: { group: string; value: string | null | undefined }) => {
  const translate = useTranslate();
  if (!value) return <span>{translate('yiyun.common.none')}</span>;
  return <span>{translate(`resources.compliance.choices.${group}.${value}`, { _: value })}</span>;
};

/** Our paraphrase with its English gloss under it. */
export const Paraphrase = ({ item, compact }: { item: Pick<ComplianceItem, 'zh' | 'en'>; compact?: boolean }) => (
  <Box sx={{ minWidth: 0 }}>
    <Typography variant="body2" component="div">
      {item.zh}
    </Typography>
    <Typography variant="caption" color="text.secondary" component="div" sx={compact ? { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', maxWidth: 420 } : undefined}>
      {item.en}
    </Typography>
  </Box>
);

/** Byte counts as people read them. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A score to one decimal, or — when nothing in its scope was applicable. */
export const formatScore = (s: number | null | undefined) => (s === null || s === undefined ? '—' : s.toFixed(1));
