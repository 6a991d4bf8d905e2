// Mounts an app with its TanStack Query client: a 4xx will not change by asking again.
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';

export function mount(app: ReactNode, opts: { isClientError: (err: unknown) => boolean; refetchOnWindowFocus: boolean }): void {
  const client = new QueryClient({
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: opts.refetchOnWindowFocus,
        staleTime: 10_000,
        retry: (n, err) => !opts.isClientError(err) && n < 2,
      },
    },
  });
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={client}>{app}</QueryClientProvider>
    </StrictMode>,
  );
}
