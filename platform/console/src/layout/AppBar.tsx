import PersonIcon from '@mui/icons-material/Person';
import { Box, Divider, ListItemIcon, ListItemText, MenuItem } from '@mui/material';
import { forwardRef } from 'react';
import { AppBar as RaAppBar, LoadingIndicator, LocalesMenuButton, Logout, TitlePortal, UserMenu, useTranslate, useUserMenu } from 'react-admin';
import { Link } from 'react-router-dom';
import { Brand } from './Brand';

const ProfileMenuItem = forwardRef<HTMLAnchorElement>((props, ref) => {
  const translate = useTranslate();
  const userMenu = useUserMenu();
  return (
    <MenuItem ref={ref} component={Link} to="/profile" onClick={() => userMenu?.onClose()} {...props} data-testid="menu-profile">
      <ListItemIcon>
        <PersonIcon fontSize="small" />
      </ListItemIcon>
      <ListItemText>{translate('yiyun.menu.profile')}</ListItemText>
    </MenuItem>
  );
});
ProfileMenuItem.displayName = 'ProfileMenuItem';

/** Brand on the left, the page title next to it, language switcher (中文 / English) and the user menu on the right. */
export const AppBar = () => (
  <RaAppBar
    color="primary"
    toolbar={
      <>
        <LocalesMenuButton />
        <LoadingIndicator />
      </>
    }
    userMenu={
      <UserMenu>
        <ProfileMenuItem />
        <Divider />
        <Logout />
      </UserMenu>
    }
  >
    <Brand />
    <Box sx={{ borderLeft: '1px solid rgba(255,255,255,0.35)', height: 22, mr: 2, display: { xs: 'none', sm: 'block' } }} />
    <TitlePortal variant="subtitle1" sx={{ opacity: 0.92 }} />
  </RaAppBar>
);
