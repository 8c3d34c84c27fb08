import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import ConfigProvider from 'antd/es/config-provider';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { isApiError } from './api';
import { AuthProvider } from './auth/AuthProvider';
import { HomeRedirect, RequireAuth } from './auth/RequireAuth';
import { ErrorBoundary } from './shared/ErrorBoundary';
import { PageLoading } from './shared/PageLoading';
import { ToastProvider } from './shared/toast';

// Each area is its own chunk: a customer never downloads the console, nor an agent the portal.
const SignInPage = lazy(() => import('./auth/SignInPage'));
const CognitoCallback = lazy(() => import('./auth/CognitoCallback'));
const ConsoleApp = lazy(() => import('./console/ConsoleApp'));
const PortalApp = lazy(() => import('./portal/PortalApp'));
// The satisfaction survey from the resolution notice: no sign-in, its own small chunk.
const SurveyPage = lazy(() => import('./portal/SurveyPage'));
const HelpApp = lazy(() => import('./help/HelpApp'));

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // Retry network trouble and 5xx once; a 4xx will not get better by asking again.
        retry: (count, err) => count < 1 && !(isApiError(err) && err.status >= 400 && err.status < 500),
      },
      mutations: { retry: false },
    },
  });
}

/** antd's own texts (pagination, empty states, pickers) and dayjs follow the i18n language. */
export function LocaleProviders({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const en = i18n.language === 'en';
  useEffect(() => {
    dayjs.locale(en ? 'en' : 'zh-cn');
    document.documentElement.lang = en ? 'en' : 'zh-CN';
  }, [en]);
  return (
    <ConfigProvider locale={en ? enUS : zhCN} theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6 } }}>
      <ToastProvider>{children}</ToastProvider>
    </ConfigProvider>
  );
}

export function AppRoutes() {
  return (
    <ErrorBoundary>
      <Suspense fallback={<PageLoading />}>
        <Routes>
          <Route path="/" element={<HomeRedirect />} />
          <Route path="/signin" element={<SignInPage />} />
          <Route path="/auth/callback" element={<CognitoCallback />} />
          <Route path="/survey/:token" element={<SurveyPage />} />
          <Route
            path="/console/*"
            element={
              <RequireAuth area="console">
                <ConsoleApp />
              </RequireAuth>
            }
          />
          <Route
            path="/portal/*"
            element={
              <RequireAuth area="portal">
                <PortalApp />
              </RequireAuth>
            }
          />
          {/* The help centre needs no sign-in (a signed-in reader is still known: staff see drafts). */}
          <Route path="/help/*" element={<HelpApp />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </Suspense>
    </ErrorBoundary>
  );
}

export default function App({ queryClient }: { queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? makeQueryClient());
  return (
    <QueryClientProvider client={client}>
      <LocaleProviders>
        <BrowserRouter>
          <AuthProvider>
            <AppRoutes />
          </AuthProvider>
        </BrowserRouter>
      </LocaleProviders>
    </QueryClientProvider>
  );
}
