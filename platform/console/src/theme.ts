import { defaultLightTheme, type RaThemeOptions } from 'react-admin';

/**
 * A sober government/medical look: deep "health-commission" blue for the frame, teal as accent,
 * light grey canvas, Chinese system fonts first (Microsoft YaHei on Windows, PingFang on macOS,
 * WenQuanYi Micro Hei on Linux).
 */
export const BRAND = { navy: '#0b3d6e', blue: '#0b5cad', teal: '#12939a', canvas: '#f3f6fa' };

const fontFamily = [
  '"PingFang SC"',
  '"Microsoft YaHei"',
  '"Noto Sans CJK SC"',
  '"WenQuanYi Micro Hei"',
  '"Helvetica Neue"',
  'Arial',
  'sans-serif',
].join(',');

export const theme: RaThemeOptions = {
  ...defaultLightTheme,
  palette: {
    mode: 'light',
    primary: { main: BRAND.blue, dark: BRAND.navy, contrastText: '#fff' },
    secondary: { main: BRAND.teal, contrastText: '#fff' },
    background: { default: BRAND.canvas, paper: '#fff' },
    success: { main: '#2e7d32' },
    warning: { main: '#ed6c02' },
    error: { main: '#c62828' },
  },
  shape: { borderRadius: 6 },
  typography: { fontFamily, fontSize: 14, h5: { fontWeight: 600 }, h6: { fontWeight: 600 } },
  sidebar: { width: 220, closedWidth: 56 },
  components: {
    ...defaultLightTheme.components,
    MuiAppBar: {
      styleOverrides: {
        root: { backgroundColor: BRAND.navy, backgroundImage: `linear-gradient(90deg, ${BRAND.navy} 0%, ${BRAND.blue} 100%)` },
      },
    },
    MuiPaper: { styleOverrides: { elevation1: { boxShadow: '0 1px 3px rgba(15, 40, 80, 0.08), 0 1px 2px rgba(15, 40, 80, 0.06)' } } },
    MuiTableCell: { styleOverrides: { head: { fontWeight: 600, backgroundColor: '#f7f9fc' } } },
    // No upper-casing: it means nothing in Chinese and shouts in English.
    MuiButton: { defaultProps: { disableElevation: true }, styleOverrides: { root: { textTransform: 'none' } } },
    MuiTextField: { defaultProps: { variant: 'outlined', size: 'small' } },
    MuiFormControl: { defaultProps: { variant: 'outlined', size: 'small' } },
    RaMenuItemLink: {
      styleOverrides: {
        root: {
          borderLeft: '3px solid transparent',
          '&.RaMenuItemLink-active': { borderLeft: `3px solid ${BRAND.teal}`, backgroundColor: 'rgba(11, 92, 173, 0.08)', color: BRAND.navy, fontWeight: 600 },
        },
      },
    },
  } as RaThemeOptions['components'],
};
