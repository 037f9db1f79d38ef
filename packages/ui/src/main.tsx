import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { LiveProvider } from './live';
import { RouterProvider } from './router';
import 'uplot/dist/uPlot.min.css';
import './styles.css';

const client = new QueryClient({
  defaultOptions: {
    // A 4xx will not fix itself by asking again; the live connection refreshes what changes.
    queries: { retry: (count, error) => count < 2 && !(error as { status?: number }).status, refetchOnWindowFocus: true, staleTime: 5_000 },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <LiveProvider>
        <RouterProvider>
          <App />
        </RouterProvider>
      </LiveProvider>
    </QueryClientProvider>
  </StrictMode>,
);
