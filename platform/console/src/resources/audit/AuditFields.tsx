import { Box, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { AuditRecord } from '../../api/types';
import { StatusChip } from '../../components/fields';

export const OUTCOME_TONES = { success: 'success', denied: 'error', failure: 'warning' } as const;

/** The action's code (as recorded) with its name in the console's language. */
export const ActionText = ({ action }: { action: string }) => {
  const translate = useTranslate();
  const label = translate(`yiyun.audit_actions.${action}`, { _: '' });
  return (
    <Box component="span" sx={{ display: 'inline-flex', flexDirection: 'column' }}>
      <Box component="code" sx={{ fontFamily: 'monospace', fontSize: 13 }} data-testid="audit-action">
        {action}
      </Box>
      {label && (
        <Typography variant="caption" color="text.secondary">
          {label}
        </Typography>
      )}
    </Box>
  );
};

export const OutcomeChip = ({ record }: { record: Pick<AuditRecord, 'outcome'> }) => (
  <StatusChip resource="audit" group="outcome" value={record.outcome} tones={OUTCOME_TONES} />
);
