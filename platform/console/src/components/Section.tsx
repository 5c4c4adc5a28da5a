import { Box, Card, CardContent, CardHeader, Divider, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { useResourceContext, useTranslate } from 'react-admin';

/** A titled card used to group fields on show pages and the dashboard. */
export const SectionCard = ({ title, action, children, testId }: { title: string; action?: ReactNode; children: ReactNode; testId?: string }) => {
  const translate = useTranslate();
  return (
    <Card sx={{ height: '100%' }} data-testid={testId}>
      <CardHeader title={translate(title)} action={action} slotProps={{ title: { variant: 'subtitle1', fontWeight: 600 } }} sx={{ py: 1.25 }} />
      <Divider />
      <CardContent>{children}</CardContent>
    </Card>
  );
};

/** A heading inside a form, spanning its full width. */
export const FormHeading = ({ title }: { title: string }) => {
  const translate = useTranslate();
  return (
    <Box sx={{ width: '100%', mt: 1, mb: 0.5, pb: 0.5, borderBottom: '1px solid', borderColor: 'divider', fontWeight: 600, color: 'primary.dark' }}>
      {translate(title)}
    </Box>
  );
};

/** Label/value pairs in a responsive two-column grid. */
export const FieldGrid = ({ children }: { children: ReactNode }) => (
  <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: 'repeat(2, minmax(0, 1fr))' }, columnGap: 3, rowGap: 2 }}>{children}</Box>
);

/**
 * A label over a value (react-admin's `Labeled` hides its label for plain DOM children, so show pages use this).
 * The label is `label` translated, or the resource's field name for `source`.
 */
export const Item = ({ label, source, children }: { label?: string; source?: string; children: ReactNode }) => {
  const translate = useTranslate();
  const resource = useResourceContext();
  const text = label ? translate(label) : translate(`resources.${resource}.fields.${source}`, { _: source ?? '' });
  return (
    <Box sx={{ minWidth: 0 }}>
      <Typography variant="caption" color="text.secondary" component="div" sx={{ mb: 0.25 }}>
        {text}
      </Typography>
      <Box sx={{ typography: 'body2', wordBreak: 'break-word' }}>{children}</Box>
    </Box>
  );
};

/** Inputs side by side (one column on narrow screens), with room for helper texts between rows. */
export const FormGrid = ({ columns = 2, children }: { columns?: number; children: ReactNode }) => (
  <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: `repeat(${columns}, minmax(0, 1fr))` }, columnGap: 2, rowGap: 1, mb: 1, width: '100%' }}>{children}</Box>
);
