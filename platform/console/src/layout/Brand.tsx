import { Box, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';

/** The cross-and-cloud mark and the product name. */
export const BrandMark = ({ size = 30 }: { size?: number }) => (
  <Box component="svg" viewBox="0 0 64 64" sx={{ width: size, height: size, flexShrink: 0 }} aria-hidden>
    <rect width="64" height="64" rx="14" fill="#ffffff" fillOpacity={0.16} />
    <path d="M27 12h10v15h15v10H37v15H27V37H12V27h15z" fill="#ffffff" />
    <circle cx="48" cy="48" r="6" fill="#4fc3c7" />
  </Box>
);

/** App-bar brand: mark, short name and the full platform title (hidden on narrow screens). */
export const Brand = () => {
  const translate = useTranslate();
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.25, mr: 2, minWidth: 0 }} data-testid="app-brand">
      <BrandMark />
      <Typography variant="subtitle1" component="span" sx={{ fontWeight: 700, letterSpacing: 0.5, whiteSpace: 'nowrap', display: { xs: 'none', md: 'inline' } }}>
        {translate('yiyun.app.title')}
      </Typography>
      <Typography variant="subtitle1" component="span" sx={{ fontWeight: 700, display: { xs: 'inline', md: 'none' } }}>
        {translate('yiyun.app.short')}
      </Typography>
    </Box>
  );
};

/** The product's title in the current language (react-admin shows it on pages without their own title). */
export const AppTitle = () => {
  const translate = useTranslate();
  return <>{translate('yiyun.app.title')}</>;
};
