import LogoutIcon from '@mui/icons-material/Logout';
import { Box, Button, Card, CardContent, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { LocalesMenuButton, Notification, useLogout, useTranslate } from 'react-admin';
import { BrandMark } from '../layout/Brand';
import { BRAND } from '../theme';

/** The frame of the pages outside the app: login and the first-login steps (which offer a way out: logout). */
export const AuthShell = ({ title, width = 420, withLogout = false, children }: { title: string; width?: number; withLogout?: boolean; children: ReactNode }) => {
  const translate = useTranslate();
  const logout = useLogout();
  return (
    <Box
      sx={{
        minHeight: '100vh',
        display: 'flex',
        flexDirection: 'column',
        background: `radial-gradient(circle at 20% 10%, ${BRAND.blue} 0%, ${BRAND.navy} 55%, #072745 100%)`,
        color: '#fff',
      }}
    >
      <Box sx={{ display: 'flex', justifyContent: 'flex-end', p: 1, '& .MuiButton-root': { color: '#fff' } }}>
        <LocalesMenuButton />
      </Box>
      <Box sx={{ flex: 1, display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', px: 2, pb: 6 }}>
        <Stack direction="row" spacing={1.5} alignItems="center" sx={{ mb: 1 }}>
          <BrandMark size={44} />
          <Typography variant="h5" component="h1" sx={{ fontWeight: 700, letterSpacing: 1 }}>
            {translate('yiyun.app.title')}
          </Typography>
        </Stack>
        <Typography variant="body2" sx={{ opacity: 0.8, mb: 3 }}>
          {translate('yiyun.app.tagline')}
        </Typography>
        <Card sx={{ width: '100%', maxWidth: width, borderRadius: 2, boxShadow: '0 12px 40px rgba(0,0,0,0.35)' }}>
          <CardContent sx={{ p: 4 }}>
            <Typography variant="h6" component="h2" sx={{ mb: 2 }} data-testid="auth-title">
              {translate(title)}
            </Typography>
            {children}
            {withLogout && (
              <Box sx={{ mt: 2, textAlign: 'center' }}>
                <Button size="small" color="inherit" startIcon={<LogoutIcon />} onClick={() => logout()} data-testid="auth-logout" sx={{ color: 'text.secondary' }}>
                  {translate('ra.auth.logout')}
                </Button>
              </Box>
            )}
          </CardContent>
        </Card>
        <Typography variant="caption" sx={{ mt: 3, opacity: 0.7, textAlign: 'center' }}>
          {translate('yiyun.login.notice')}
          <br />
          {translate('yiyun.app.compliance')}
        </Typography>
      </Box>
      <Notification />
    </Box>
  );
};
