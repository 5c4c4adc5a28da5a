import { Box, Card, CardContent, LinearProgress, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Loading, Title, useTranslate } from 'react-admin';
import { useCloud } from '../../cloud/kit';
import type { QuotaLine, QuotaUsage } from '../../cloud/types';

/** One quota line as a bar: used of limit, amber past 80 %, red when exhausted. */
export const QuotaBar = ({ line }: { line: QuotaLine }) => {
  const translate = useTranslate();
  const pct = line.limit > 0 ? Math.min(100, (line.used / line.limit) * 100) : 100;
  return (
    <Box data-testid={`quota-${line.key}`}>
      <Box sx={{ display: 'flex', justifyContent: 'space-between', fontSize: 13.5 }}>
        <span>{translate(`resources.tenants.quota.${line.key}`, { _: line.key })}</span>
        <span>
          {line.used.toLocaleString()} / {line.limit.toLocaleString()}
        </span>
      </Box>
      <LinearProgress variant="determinate" value={pct} color={pct >= 100 ? 'error' : pct >= 80 ? 'warning' : 'primary'} sx={{ height: 8, borderRadius: 4, mt: 0.5 }} />
    </Box>
  );
};

/** The tenant's quota against its use, line by line. */
export const QuotaPage = () => {
  const translate = useTranslate();
  const dp = useCloud();
  const { data, isPending, error } = useQuery({ queryKey: ['cloud', 'quota'], queryFn: () => dp.cloudGet<QuotaUsage>('quota') });
  return (
    <Box sx={{ mt: 2 }}>
      <Title title={translate('resources.quota.name', { smart_count: 1 })} />
      <Card>
        <CardContent>
          <Typography variant="h6" sx={{ mb: 0.5 }}>{translate('resources.quota.title')}</Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>{translate('resources.quota.intro')}</Typography>
          {isPending ? (
            <Loading />
          ) : error ? (
            <Typography color="error">{(error as Error).message}</Typography>
          ) : (
            <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: 'repeat(2, 1fr)' }, gap: 2.5 }}>
              {data!.lines.map((l) => <QuotaBar key={l.key} line={l} />)}
            </Box>
          )}
        </CardContent>
      </Card>
    </Box>
  );
};
